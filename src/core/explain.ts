/**
 * "Explain this weight": the gradient of one weight taken apart by the chain rule with the actual
 * numbers, ∂E/∂w_ji = Σₙ ∂E/∂a_j · f'(z_j) · x_i, then the update w − lr·∂E/∂w.
 */
import { formatNumber } from '../shared/numbers';
import { LoadedNetwork } from './load';
import { WeightExplanation } from './diagnosis/report';

/** How many samples are spelled out term by term (the total always sums over all). */
const SHOWN_SAMPLES = 3;

/** Breaks down ∂E/∂w for weight (unit ← input) of layer `layerIndex` (input −1: the bias) on the full data set. */
export function explainWeight(
  loaded: LoadedNetwork,
  layerIndex: number,
  unit: number,
  input: number,
): WeightExplanation {
  const { network, dataset, spec } = loaded;
  const layers = network.layers;
  if (!(layerIndex >= 0 && layerIndex < layers.length)) throw new RangeError(`no layer ${layerIndex}`);
  const layer = layers[layerIndex];
  if (!(unit >= 0 && unit < layer.units) || !(input >= -1 && input < layer.inSize))
    throw new RangeError(`no weight ${unit} ← ${input} in '${layer.name}'`);
  const n = dataset.samples;
  network.lossAndGradients(dataset.inputs, dataset.targets, n);
  const isOutput = layerIndex === layers.length - 1;
  const fused = isOutput && network.loss.fused?.activation === layer.activation.id;
  const softmax = layer.activation.family === 'softmax';
  const j = unit;
  const xi = (s: number): number => (input < 0 ? 1 : layer.input[s * layer.inSize + input]);
  const weight = input < 0 ? layer.bias[j] : layer.weights[j * layer.inSize + input];
  const wName = input < 0 ? `b_${j}` : `w_${j},${input}`;
  const terms: WeightExplanation['terms'][number][] = [];

  for (let s = 0; s < Math.min(n, SHOWN_SAMPLES); s++) {
    const c = s * layer.units + j;
    const tag = n > 1 ? ` (sample ${s + 1})` : '';
    if (fused) {
      terms.push({
        label: `∂E/∂z_${j}${tag}`,
        formula: `softmax + cross-entropy: (y_${j} − t_${j}) / N`,
        value: layer.gradPre[c],
      });
    } else {
      terms.push(
        isOutput
          ? {
              label: `∂E/∂y_${j}${tag}`,
              formula: `derivative of ${network.loss.formula} at y = ${formatNumber(layer.out[c], 4)}`,
              value: layer.gradOut[c],
            }
          : {
              label: `∂E/∂a_${j}${tag}`,
              formula: `Σₖ w_k,${j} · ∂E/∂z_k over the ${layers[layerIndex + 1].units} units of '${layers[layerIndex + 1].name}'`,
              value: layer.gradOut[c],
            },
      );
      if (softmax) {
        terms.push({
          label: `∂E/∂z_${j}${tag}`,
          formula: `y_${j}(∂E/∂y_${j} − Σₖ ∂E/∂y_k · y_k) (softmax Jacobian)`,
          value: layer.gradPre[c],
        });
      } else {
        terms.push({
          label: `f'(z_${j})${tag}`,
          formula: `${layer.activation.derFormula} at z = ${formatNumber(layer.pre[c], 4)}`,
          value: layer.der[c],
        });
        terms.push({ label: `∂E/∂z_${j}${tag}`, formula: `∂E/∂a_${j} · f'(z_${j})`, value: layer.gradPre[c] });
      }
    }
    terms.push({
      label: `∂z_${j}/∂${wName}${tag}`,
      formula: input < 0 ? 'the bias adds 1 · b' : `x_${input}, the input this weight multiplies`,
      value: xi(s),
    });
    terms.push({
      label: `∂E/∂z_${j} · ∂z_${j}/∂${wName}${tag}`,
      formula: "this sample's share",
      value: layer.gradPre[c] * xi(s),
    });
  }
  let gradient = 0;
  for (let s = 0; s < n; s++) gradient += layer.gradPre[s * layer.units + j] * xi(s);
  terms.push({
    label: `∂E/∂${wName}`,
    formula: n > 1 ? `Σ over all ${n} samples of ∂E/∂z_${j} · ∂z_${j}/∂${wName}` : `∂E/∂z_${j} · ∂z_${j}/∂${wName}`,
    value: gradient,
  });
  const lr = spec.training.learningRate;
  const updated = weight - lr * gradient;
  terms.push({
    label: `${wName} after one SGD step`,
    formula: `${wName} − lr · ∂E/∂${wName} = ${formatNumber(weight, 4)} − ${lr} · ${formatNumber(gradient, 4)}`,
    value: updated,
  });
  return { layerIndex, unit, input, weight, gradient, learningRate: lr, updated, terms, samples: n };
}
