/**
 * One full-batch forward/backward pass over every sample, measured per layer: activations,
 * derivatives f'(z), gradient norms and update ratios, dead and saturated units; then the warnings.
 */
import { DenseLayer } from './nn/dense';
import { deadUnits, saturatedUnits } from './diagnosis/layerHealth';
import { LoadedNetwork } from './load';
import { AnalysisReport, LayerReport } from './diagnosis/report';
import { ArraySummary, hasNonFinite, summarize } from './diagnosis/stats';
import { staticWarnings } from './diagnosis/staticChecks';
import { DEFAULT_THRESHOLDS, Thresholds } from './diagnosis/thresholds';
import { relativeUpdate } from './nn/init';
import { norm } from './nn/train';
import { diagnose } from './diagnosis/warnings';
import { chanceLoss } from './diagnosis/chance';
import { PassContext, featureScales } from './diagnosis/passContext';
import { firstStepNorms } from './nn/firstStep';
import { runLookAhead } from './lookAheadRun';
import { orderWarnings } from './diagnosis/warningOrder';
import { withShortNames } from './diagnosis/warningParts';

export { DEFAULT_THRESHOLDS } from './diagnosis/thresholds';
export type { Thresholds } from './diagnosis/thresholds';

/** Largest units × samples block sent as a heat strip. */
const HEAT_CELLS = 4096;

/** Analyses the network at its current parameters on its whole data set. */
export function analyze(loaded: LoadedNetwork, thresholds: Partial<Thresholds> = {}): AnalysisReport {
  const t: Thresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const { spec, network, dataset } = loaded;
  const n = dataset.samples;
  const loss = network.lossAndGradients(dataset.inputs, dataset.targets, n);
  const steps = firstStepNorms(network, spec.training);
  const summaries = network.layers.map((l) => layerSummaries(l, n));
  const layers = network.layers.map((layer, index) => layerReport(layer, index, n, steps[index], t, summaries[index]));
  const nonFinite = {
    // z as well as f(z): tanh(∞) = 1 hides an overflow; the weights too, which the forward pass may not show
    activations: network.layers.map(
      (l, i) => summaries[i].out.nonFinite || summaries[i].pre.nonFinite || hasNonFinite(l.weights),
    ),
    gradients: network.layers.map((l) => hasNonFinite(l.gradWeights) || hasNonFinite(l.gradBias)),
  };
  const found = staticWarnings(spec, dataset);
  const context: PassContext = {
    loss,
    otherCause: found.some((w) => w.kind === 'bad_init'),
    chance: chanceLoss(spec.loss, dataset),
    nonFinite,
    featureScales: featureScales(dataset.inputs, n, dataset.inputSize),
    lookAhead: once(() => runLookAhead(spec, network, dataset)),
  };
  const warnings = withShortNames(spec, orderWarnings([...found, ...diagnose(spec, layers, context, t)]));
  const { chance } = context;
  return {
    network: spec.name,
    loss,
    chanceLoss: chance,
    samples: n,
    parameters: network.parameterCount(),
    layers,
    warnings,
  };
}

/** `f`, run on the first call only. */
function once<T>(f: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: f() }).v;
}

/** What the report reads of a layer's activations a, pre-activations z and derivatives |f'(z)| over `n` samples. */
interface LayerSummaries {
  readonly out: ArraySummary;
  readonly pre: ArraySummary;
  readonly der: ArraySummary;
}

/** Each of the layer's per-sample arrays summarised in two passes (z needs neither histogram nor unit means). */
function layerSummaries(layer: DenseLayer, n: number): LayerSummaries {
  return {
    out: summarize(layer.out, n, layer.units),
    pre: summarize(layer.pre, n * layer.units, 1, false, 0),
    der: summarize(layer.der, n, layer.units, true),
  };
}

/** The figures of one layer after the pass. */
function layerReport(
  layer: DenseLayer,
  index: number,
  n: number,
  firstStep: number,
  t: Thresholds,
  summary: LayerSummaries,
): LayerReport {
  const cells = n * layer.units;
  const weightNorm = norm(layer.weights);
  const gradWeightNorm = norm(layer.gradWeights);
  let sumAbs = 0;
  for (const g of layer.gradWeights) sumAbs += Math.abs(g);
  const { out, pre, der } = summary;
  const derStats = der.stats;
  return {
    index,
    name: layer.name,
    units: layer.units,
    activation: layer.activation.id,
    activations: {
      ...out.stats,
      histogram: out.histogram,
      fractionZero: cells ? out.zeros / cells : 0,
    },
    preactivations: pre.stats,
    derivatives: {
      meanAbs: derStats.mean,
      min: derStats.min,
      max: derStats.max,
      histogram: der.histogram,
    },
    gradients: {
      weightNorm: gradWeightNorm,
      biasNorm: norm(layer.gradBias),
      ratioToWeights: relativeUpdate(gradWeightNorm, weightNorm, layer),
      updateRatio: relativeUpdate(firstStep, weightNorm, layer),
      meanAbs: sumAbs / layer.gradWeights.length,
      outputGradNorm: norm(layer.gradOut.subarray(0, cells)),
    },
    weightNorm,
    deadUnits: deadUnits(layer, n),
    saturatedUnits: saturatedUnits(layer, n, t.saturationDerivative, t.saturationSamples),
    unitMeanActivation: out.unitMeans,
    unitMeanDerivative: der.unitMeans,
    ...(cells <= HEAT_CELLS ? { heat: { samples: n, values: heatValues(layer, n) } } : {}),
  };
}

/** Activations as units × samples (row j = unit j across the samples). */
function heatValues(layer: DenseLayer, n: number): number[] {
  const out: number[] = new Array(layer.units * n);
  for (let j = 0; j < layer.units; j++) for (let s = 0; s < n; s++) out[j * n + s] = layer.out[s * layer.units + j];
  return out;
}
