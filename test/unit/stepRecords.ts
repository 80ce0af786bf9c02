/** Step records for tests of the over-time rules. */
import { StepRecord } from '../../src/core/diagnosis/report';

/** A step of a two-layer network whose layers are healthy and quiet (‖∇W‖ 0.1, update ratio 1e-3): only `loss` speaks. */
export function quietTwoLayerStep(step: number, loss: number): StepRecord {
  return {
    step,
    loss,
    gradNorms: [0.1, 0.1],
    updateRatios: [1e-3, 1e-3],
    deadFractions: [0, 0],
    saturatedFractions: [0, 0],
    activationPercentiles: [
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ],
  };
}
