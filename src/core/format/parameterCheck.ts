/**
 * Whether trained parameters may be written into a network file: the file's layers must still have
 * the shapes they were trained with, and every value must be finite (JSON has no NaN or ∞).
 */
import { parseNetworkText } from './parse';
import { LayerParameters } from './spec';

/** Why `parameters` cannot be written into `text`, or undefined when they can. */
export function parameterMismatch(text: string, parameters: readonly LayerParameters[]): string | undefined {
  const { spec } = parseNetworkText(text);
  if (!spec) return 'the file has errors now, so its layers cannot be matched with the trained ones';
  if (spec.layers.length !== parameters.length)
    return `the file now has ${spec.layers.length} layers; the trained network has ${parameters.length}`;
  let fanIn = spec.input;
  for (let i = 0; i < parameters.length; i++) {
    const layer = spec.layers[i];
    const p = parameters[i];
    const trained = `${p.weights.length} × ${p.weights[0]?.length ?? 0}`;
    if (p.weights.length !== layer.units || (p.weights[0]?.length ?? 0) !== fanIn)
      return `layer ${i + 1} ('${layer.name}') is now ${layer.units} × ${fanIn} (units × inputs); it was trained as ${trained}`;
    fanIn = layer.units;
  }
  const bad = nonFiniteCount(parameters);
  return bad ? `${bad} trained values are NaN or infinite (training diverged); they cannot be written` : undefined;
}

/** How many weights and biases are NaN or ±∞. */
export function nonFiniteCount(parameters: readonly LayerParameters[]): number {
  let n = 0;
  for (const p of parameters) {
    for (const row of p.weights) for (const v of row) if (!Number.isFinite(v)) n++;
    for (const v of p.bias) if (!Number.isFinite(v)) n++;
  }
  return n;
}
