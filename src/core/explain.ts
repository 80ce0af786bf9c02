/**
 * "Explain this weight": the gradient of one weight taken apart by the chain rule with the actual
 * numbers, ∂E/∂w_ji = Σₙ ∂E/∂a_j · f'(z_j) · x_i, then the update w − lr·∂E/∂w.
 */
import { formatNumber } from '../shared/numbers';
import { WeightExplanation } from './diagnosis/report';
import { LoadedNetwork } from './load';
import { DenseLayer } from './nn/dense';
import { Network } from './nn/network';

/** How many samples are spelled out term by term (the total always sums over all). */
const SHOWN_SAMPLES = 3;

type Term = WeightExplanation['terms'][number];

/** One weight (unit j ← input i, or the bias when i = −1) of one layer, after a full forward/backward pass. */
interface WeightSite {
  readonly network: Network;
  readonly layerIndex: number;
  readonly layer: DenseLayer;
  readonly j: number;
  readonly input: number;
  /** "w_j,i" or "b_j". */
  readonly wName: string;
  /** ∂z_j/∂w for sample s: x_i, or 1 for the bias. */
  readonly x: (s: number) => number;
}

/**
 * Breaks down ∂E/∂w for weight (unit ← input) of layer `layerIndex` (input −1: the bias) on the
 * full data set.
 */
export function explainWeight(
  loaded: LoadedNetwork,
  layerIndex: number,
  unit: number,
  input: number,
): WeightExplanation {
  const { network, dataset, spec } = loaded;
  const layer = checkedLayer(network, layerIndex, unit, input);
  const n = dataset.samples;
  network.lossAndGradients(dataset.inputs, dataset.targets, n);
  const site: WeightSite = {
    network,
    layerIndex,
    layer,
    j: unit,
    input,
    wName: input < 0 ? `b_${unit}` : `w_${unit},${input}`,
    x: (s) => (input < 0 ? 1 : layer.input[s * layer.inSize + input]),
  };
  const terms: Term[] = [];
  for (let s = 0; s < Math.min(n, SHOWN_SAMPLES); s++)
    terms.push(...sampleTerms(site, s, n > 1 ? ` (sample ${s + 1})` : ''));
  let gradient = 0;
  for (let s = 0; s < n; s++) gradient += layer.gradPre[s * layer.units + unit] * site.x(s);
  const weight = input < 0 ? layer.bias[unit] : layer.weights[unit * layer.inSize + input];
  const lr = spec.training.learningRate;
  const updated = weight - lr * gradient;
  terms.push(...totalTerms(site, n, weight, gradient, lr, updated));
  return { layerIndex, unit, input, weight, gradient, learningRate: lr, updated, terms, samples: n };
}

/** The layer holding weight (unit ← input), or a RangeError naming what does not exist. */
function checkedLayer(network: Network, layerIndex: number, unit: number, input: number): DenseLayer {
  const layers = network.layers;
  if (!(layerIndex >= 0 && layerIndex < layers.length)) throw new RangeError(`no layer ${layerIndex}`);
  const layer = layers[layerIndex];
  if (!(unit >= 0 && unit < layer.units) || !(input >= -1 && input < layer.inSize))
    throw new RangeError(`no weight ${unit} ← ${input} in '${layer.name}'`);
  return layer;
}

/** ∂E/∂z_j for sample s, by the chain rule from the loss (or from the next layer), then times ∂z_j/∂w. */
function sampleTerms(site: WeightSite, s: number, tag: string): Term[] {
  const { layer, j, wName } = site;
  const c = s * layer.units + j;
  return [
    ...preactivationTerms(site, c, tag),
    {
      label: `∂z_${j}/∂${wName}${tag}`,
      formula: site.input < 0 ? 'the bias adds 1 · b' : `x_${site.input}, the input this weight multiplies`,
      value: site.x(s),
    },
    {
      label: `∂E/∂z_${j} · ∂z_${j}/∂${wName}${tag}`,
      formula: "this sample's share",
      value: layer.gradPre[c] * site.x(s),
    },
  ];
}

/** ∂E/∂z_j at cell c: fused softmax + cross-entropy, the softmax Jacobian, or ∂E/∂a_j · f'(z_j). */
function preactivationTerms(site: WeightSite, c: number, tag: string): Term[] {
  const { network, layerIndex, layer, j } = site;
  const layers = network.layers;
  const isOutput = layerIndex === layers.length - 1;
  if (isOutput && network.loss.fused?.activation === layer.activation.id) {
    return [
      {
        label: `∂E/∂z_${j}${tag}`,
        formula: `softmax + cross-entropy: (y_${j} − t_${j}) / N`,
        value: layer.gradPre[c],
      },
    ];
  }
  const next = layers[layerIndex + 1];
  const upstream: Term = isOutput
    ? {
        label: `∂E/∂y_${j}${tag}`,
        formula: `derivative of ${network.loss.formula} at y = ${formatNumber(layer.out[c], 4)}`,
        value: layer.gradOut[c],
      }
    : {
        label: `∂E/∂a_${j}${tag}`,
        formula: `Σₖ w_k,${j} · ∂E/∂z_k over the ${next.units} units of '${next.name}'`,
        value: layer.gradOut[c],
      };
  if (layer.activation.family === 'softmax') {
    const jacobian = `y_${j}(∂E/∂y_${j} − Σₖ ∂E/∂y_k · y_k) (softmax Jacobian)`;
    return [upstream, { label: `∂E/∂z_${j}${tag}`, formula: jacobian, value: layer.gradPre[c] }];
  }
  return [
    upstream,
    {
      label: `f'(z_${j})${tag}`,
      formula: `${layer.activation.derFormula} at z = ${formatNumber(layer.pre[c], 4)}`,
      value: layer.der[c],
    },
    { label: `∂E/∂z_${j}${tag}`, formula: `∂E/∂a_${j} · f'(z_${j})`, value: layer.gradPre[c] },
  ];
}

/** The sum over every sample, then the SGD update it gives. */
function totalTerms(
  site: WeightSite,
  n: number,
  weight: number,
  gradient: number,
  lr: number,
  updated: number,
): Term[] {
  const { j, wName } = site;
  const chain = `∂E/∂z_${j} · ∂z_${j}/∂${wName}`;
  const step = `${formatNumber(weight, 4)} − ${lr} · ${formatNumber(gradient, 4)}`;
  return [
    {
      label: `∂E/∂${wName}`,
      formula: n > 1 ? `Σ over all ${n} samples of ${chain}` : chain,
      value: gradient,
    },
    {
      label: `${wName} after one SGD step`,
      formula: `${wName} − lr · ∂E/∂${wName} = ${step}`,
      value: updated,
    },
  ];
}
