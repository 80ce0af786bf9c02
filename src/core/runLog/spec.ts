/**
 * The one place a run log's header becomes a NetworkSpec-shaped object, so the rules written for network
 * files (which name layers, check activation families and word learning-rate fixes) read a real run too.
 * Only names, units, activations, loss and optimizer are real; data and initialisers are placeholders.
 */
import { ActivationName } from '../format/activationFacts';
import { LossName, NetworkSpec, OptimizerName } from '../format/spec';
import { RunHeader } from './header';

/** torch loss classes → the format's loss names (others read as mse, used only in wording). */
const LOSS_OF_TORCH: Readonly<Record<string, LossName>> = {
  CrossEntropyLoss: 'cross_entropy',
  cross_entropy: 'cross_entropy',
  MSELoss: 'mse',
  mse: 'mse',
  BCELoss: 'binary_cross_entropy',
  BCEWithLogitsLoss: 'binary_cross_entropy',
  binary_cross_entropy: 'binary_cross_entropy',
};

/** A hyper-parameter of the first param group as a number (NaN when absent). */
function hyper(header: RunHeader, key: string): number {
  const v = header.optimizer?.hyperParameters?.[key];
  return typeof v === 'number' ? v : NaN;
}

/** The core's optimizer name closest to the torch class (SGD with momentum is "momentum"). */
function optimizerName(header: RunHeader): OptimizerName {
  const type = header.optimizer?.type ?? '';
  if (/^Adam/.test(type)) return 'adam';
  return type === 'SGD' && hyper(header, 'momentum') > 0 ? 'momentum' : 'sgd';
}

/**
 * The spec the over-time rules need. An activation applied as a function ("unknown") reads as relu: the
 * probe sees it only through the next layer's input, where a dead unit is a column of zeros.
 */
export function specFromHeader(header: RunHeader, name = 'training run'): NetworkSpec {
  const learningRate = hyper(header, 'lr');
  return {
    name,
    seed: 0,
    input: header.layers[0].inputs ?? 1,
    layers: header.layers.map((l) => ({
      name: l.name,
      units: l.units,
      activation: { type: (l.activation === 'unknown' ? 'relu' : l.activation) as ActivationName },
      init: { type: 'he' },
    })),
    loss: LOSS_OF_TORCH[header.loss ?? ''] ?? 'mse',
    data: { kind: 'inline', inputs: [], targets: [] },
    training: {
      optimizer: optimizerName(header),
      learningRate: Number.isFinite(learningRate) ? learningRate : 0,
      momentum: Number.isFinite(hyper(header, 'momentum')) ? hyper(header, 'momentum') : 0.9,
      steps: 0,
      shuffle: false,
    },
  };
}
