/** The look-ahead's runs: real training steps on copies, at the file's learning rate and at a tenth of it. */
import { LookAhead } from './diagnosis/lookAhead';
import { Dataset, NetworkSpec } from './format/spec';
import { Network } from './nn/network';
import { seededSubsample } from './nn/subsample';
import { Trainer } from './nn/train';
import { copySamples } from './verificationBudget';

/** Steps of each look-ahead run. */
export const LOOK_AHEAD_STEPS = 20;

/** Trains copies of `network` for LOOK_AHEAD_STEPS steps at the file's rate and a tenth of it, on a seeded subsample. */
export function runLookAhead(spec: NetworkSpec, network: Network, dataset: Dataset): LookAhead {
  const data = seededSubsample(dataset, copySamples(network));
  const run = (scale: number): number[] => {
    const training = { ...spec.training, learningRate: spec.training.learningRate * scale };
    const copy = network.clone();
    const trainer = new Trainer({ ...spec, training }, copy, data);
    const losses = [copy.lossValue(data.inputs, data.targets, data.samples)];
    for (let s = 0; s < LOOK_AHEAD_STEPS && Number.isFinite(losses[s]); s++) {
      trainer.gradients();
      trainer.update();
      losses.push(copy.lossValue(data.inputs, data.targets, data.samples));
    }
    copy.workspace.release();
    while (losses.length <= LOOK_AHEAD_STEPS) losses.push(Infinity);
    return losses.map((l) => (Number.isFinite(l) ? l : Infinity));
  };
  return { steps: LOOK_AHEAD_STEPS, samples: data.samples, atRate: run(1), atTenth: run(0.1) };
}
