/** Weight initialisers, seeded; the fan-in/fan-out scaling rules of He, Glorot (Xavier) and LeCun. */
import { ActivationName, activationFacts } from '../format/activationFacts';
import { InitSpec } from '../format/spec';
import { Rng } from './rng';

/**
 * Fills `w` (units × fanIn) from `init`, consuming `rng` in row-major order:
 * he ~ N(0, 2/fan_in); lecun ~ N(0, 1/fan_in); xavier ~ U(±√(6/(fan_in+fan_out)));
 * normal ~ N(0, std²); uniform ~ U(±limit).
 */
export function initWeights(w: Float64Array, fanIn: number, fanOut: number, init: InitSpec, rng: Rng): void {
  switch (init.type) {
    case 'zeros':
      w.fill(0);
      return;
    case 'he':
      return fillNormal(w, Math.sqrt(2 / fanIn), rng);
    case 'lecun':
      return fillNormal(w, Math.sqrt(1 / fanIn), rng);
    case 'normal':
      return fillNormal(w, init.std, rng);
    case 'xavier':
      return fillUniform(w, Math.sqrt(6 / (fanIn + fanOut)), rng);
    case 'uniform':
      return fillUniform(w, init.limit, rng);
    default: {
      const unknown: never = init;
      throw new Error(`unknown init ${JSON.stringify(unknown)}`);
    }
  }
}

/** The standard deviation an initialiser gives each weight (uniform ±L has std L/√3). */
export function initStd(init: InitSpec, fanIn: number, fanOut: number): number {
  switch (init.type) {
    case 'zeros':
      return 0;
    case 'he':
      return Math.sqrt(2 / fanIn);
    case 'lecun':
      return Math.sqrt(1 / fanIn);
    case 'normal':
      return init.std;
    case 'xavier':
      return Math.sqrt(6 / (fanIn + fanOut)) / Math.sqrt(3);
    case 'uniform':
      return init.limit / Math.sqrt(3);
  }
}

function fillNormal(w: Float64Array, std: number, rng: Rng): void {
  for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
}

function fillUniform(w: Float64Array, limit: number, rng: Rng): void {
  for (let i = 0; i < w.length; i++) w[i] = limit * (2 * rng.next() - 1);
}

/**
 * ‖ΔW‖/‖W‖, the relative size of an update; for an all-zero W (a zero-initialised output layer is normal
 * practice) relative to the norm the activation's recommended initialiser would give, std·√(units·fanIn),
 * so the first step of such a layer is measured rather than ∞.
 */
export function relativeUpdate(
  update: number,
  weightNorm: number,
  layer: { readonly activation: { readonly id: ActivationName }; readonly inSize: number; readonly units: number },
): number {
  if (weightNorm > 0 || Number.isNaN(weightNorm)) return update / weightNorm;
  const recommended = activationFacts(layer.activation.id).recommendedInit;
  const reference = initStd({ type: recommended }, layer.inSize, layer.units) * Math.sqrt(layer.inSize * layer.units);
  return update / reference;
}
