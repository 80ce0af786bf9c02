/**
 * The optimizer's real first step from the gradients a network holds, taken on a copy: clipping,
 * momentum's buffer and Adam's bias-corrected moments included (Adam's first step moves every weight
 * by about lr, whatever its gradient), so "update ratio" means ‖ΔW‖/‖W‖ of the step training takes.
 */
import { TrainingSpec } from '../format/spec';
import { clipGradients } from './clip';
import { Network } from './network';
import { Optimizer } from './optimizers';

/** ‖ΔW‖ per layer of the first step `training` would take from the gradients now in `network`. */
export function firstStepNorms(network: Network, training: TrainingSpec): number[] {
  const copy = network.clone();
  copy.layers.forEach((l, i) => {
    l.gradWeights.set(network.layers[i].gradWeights);
    l.gradBias.set(network.layers[i].gradBias);
  });
  clipGradients(copy.layers, training.clip);
  const squares = new Float64Array(copy.layers.length);
  Optimizer.create(training, copy.layers).step(copy.layers, squares);
  return Array.from(squares, Math.sqrt);
}
