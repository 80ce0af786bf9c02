/**
 * Activation functions paired with their derivatives, resolved by name from one registry.
 * Conventions at kinks follow PyTorch: relu'(0) = 0, leaky_relu'(0) = α, elu'(0) = α.
 */
import { ActivationFamily, ActivationName, activationFacts } from '../format/activationFacts';
import { ActivationSpec } from '../format/spec';
import { normalCdf, normalPdf, rowMax } from './special';

/** f(z) and f'(z) for one activation; `der` receives a = f(z) too, so σ' = a(1−a) costs nothing. */
export interface Activation {
  readonly id: ActivationName;
  /** Negative slope (leaky_relu) or negative-side scale (elu); 0 when unused. */
  readonly alpha: number;
  /** From the facts table (format/activationFacts.ts). */
  readonly family: ActivationFamily;
  /** f(z). For softmax this is not meaningful elementwise: see `applyActivation`. */
  output(z: number): number;
  /** f'(z), given z and a = f(z). For softmax: the Jacobian diagonal a(1−a). */
  der(z: number, a: number): number;
  /** f written out, for tooltips. */
  readonly formula: string;
  /** f' written out, for tooltips. */
  readonly derFormula: string;
}

/**
 * Logistic sigmoid σ(z) = 1/(1+e^(−z)); written as PyTorch's kernel writes it (e^(−z) → ∞ gives 0,
 * not NaN).
 */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * tanh z = expm1(2z) / (expm1(2z) + 2), and ±1 beyond |z| > 20 (where tanh rounds to ±1 in float64).
 * One expm1 and a division, without cancellation anywhere: within 2.2 ulp of Math.tanh over 2·10⁶ random z
 * (10⁻³ ≤ |z| ≤ 10), and faster in V8, where tanh is the bulk of a small tanh network's training step.
 */
export function tanh(z: number): number {
  if (z > 20) return 1;
  if (z < -20) return -1;
  const e = Math.expm1(2 * z);
  return e / (e + 2);
}

/** PyTorch's softplus threshold: above it softplus(z) = z and its derivative is 1. */
const SOFTPLUS_THRESHOLD = 20;

type Definition = Omit<Activation, 'alpha' | 'id' | 'family'>;

/** Builds each activation's definition for a given α. */
// prettier-ignore
const DEFINITIONS: Record<ActivationName, (alpha: number) => Definition> = {
  linear: () => ({ output: (z) => z, der: () => 1, formula: 'f(z) = z', derFormula: "f'(z) = 1" }),
  sigmoid: () => ({ output: sigmoid, der: (_z, a) => a * (1 - a),
    formula: 'σ(z) = 1/(1+e^(−z))', derFormula: "σ'(z) = σ(z)(1−σ(z))" }),
  tanh: () => ({ output: tanh, der: (_z, a) => 1 - a * a,
    formula: 'tanh(z)', derFormula: "tanh'(z) = 1 − tanh²(z)" }),
  relu: () => ({ output: (z) => (z > 0 ? z : 0), der: (z) => (z > 0 ? 1 : 0),
    formula: 'relu(z) = max(0, z)', derFormula: "relu'(z) = 1 if z > 0, else 0" }),
  leaky_relu: (alpha) => ({ output: (z) => (z > 0 ? z : alpha * z), der: (z) => (z > 0 ? 1 : alpha),
    formula: `f(z) = z if z > 0, else ${alpha}·z`, derFormula: `f'(z) = 1 if z > 0, else ${alpha}` }),
  elu: (alpha) => ({
    output: (z) => (z > 0 ? z : alpha * Math.expm1(z)), der: (z) => (z > 0 ? 1 : alpha * Math.exp(z)),
    formula: `elu(z) = z if z > 0, else ${alpha}·(e^z − 1)`,
    derFormula: `elu'(z) = 1 if z > 0, else ${alpha}·e^z` }),
  softplus: () => ({
    output: (z) => (z > SOFTPLUS_THRESHOLD ? z : Math.log1p(Math.exp(z))),
    der: (z) => (z > SOFTPLUS_THRESHOLD ? 1 : sigmoid(z)),
    formula: 'softplus(z) = ln(1 + e^z)', derFormula: "softplus'(z) = σ(z)" }),
  gelu: () => ({ output: (z) => z * normalCdf(z), der: (z) => normalCdf(z) + z * normalPdf(z),
    formula: 'gelu(z) = z·Φ(z)', derFormula: "gelu'(z) = Φ(z) + z·φ(z)" }),
  silu: () => ({ output: (z) => z * sigmoid(z), der: siluDerivative,
    formula: 'silu(z) = z·σ(z)', derFormula: "silu'(z) = σ(z)(1 + z(1−σ(z)))" }),
  softmax: () => ({ output: (z) => z, der: (_z, a) => a * (1 - a),
    formula: 'softmax(z)ᵢ = e^(zᵢ)/Σⱼ e^(zⱼ)', derFormula: '∂yᵢ/∂zⱼ = yᵢ(δᵢⱼ − yⱼ)' }),
};

/** silu'(z) = σ(z)(1 + z(1 − σ(z))). */
function siluDerivative(z: number): number {
  const s = sigmoid(z);
  return s * (1 + z * (1 - s));
}

/** The activation named by `spec`, with its α filled from PyTorch's defaults when absent. */
export function getActivation(spec: ActivationSpec): Activation {
  const facts = activationFacts(spec.type);
  const alpha = spec.alpha ?? facts.defaultAlpha ?? 0;
  return { id: spec.type, alpha, family: facts.family, ...DEFINITIONS[spec.type](alpha) };
}

/** Every activation with its default α, keyed by name (the registry the schema is tested against). */
export const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = Object.fromEntries(
  (Object.keys(DEFINITIONS) as ActivationName[]).map((id) => [id, getActivation({ type: id })]),
) as Record<ActivationName, Activation>;

/**
 * a = f(z) and d = f'(z) for a batch × units block. Softmax normalises each row
 * (shifted by the row maximum so e^z cannot overflow); the others act elementwise.
 */
export function applyActivation(
  act: Activation,
  z: Float64Array,
  a: Float64Array,
  d: Float64Array,
  batch: number,
  units: number,
): void {
  const n = batch * units;
  // the common activations get their own loops (no call per element); the rest use the registry pair
  switch (act.id) {
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = z[i];
        a[i] = v > 0 ? v : 0;
        d[i] = v > 0 ? 1 : 0;
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const t = tanh(z[i]);
        a[i] = t;
        d[i] = 1 - t * t;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const s = 1 / (1 + Math.exp(-z[i]));
        a[i] = s;
        d[i] = s * (1 - s);
      }
      return;
    case 'linear':
      a.set(z.subarray(0, n));
      d.fill(1, 0, n);
      return;
    case 'softmax':
      softmaxRows(z, a, d, batch, units);
      return;
    default:
      for (let i = 0; i < n; i++) {
        const ai = act.output(z[i]);
        a[i] = ai;
        d[i] = act.der(z[i], ai);
      }
  }
}

/** Row-wise softmax, shifted by the row maximum so e^z cannot overflow; d = y(1−y). */
function softmaxRows(z: Float64Array, a: Float64Array, d: Float64Array, batch: number, units: number): void {
  for (let s = 0; s < batch; s++) {
    const row = s * units;
    const max = rowMax(z, row, units);
    let sum = 0;
    for (let j = 0; j < units; j++) {
      const e = Math.exp(z[row + j] - max);
      a[row + j] = e;
      sum += e;
    }
    for (let j = 0; j < units; j++) {
      const y = a[row + j] / sum;
      a[row + j] = y;
      d[row + j] = y * (1 - y);
    }
  }
}

/**
 * ∂E/∂z from ∂E/∂a by the chain rule: elementwise gz = ga·f'(z); for softmax the
 * Jacobian-vector product gzᵢ = yᵢ(gaᵢ − Σⱼ gaⱼ yⱼ).
 */
export function activationBackward(
  act: Activation,
  a: Float64Array,
  d: Float64Array,
  gradA: Float64Array,
  gradZ: Float64Array,
  batch: number,
  units: number,
): void {
  const n = batch * units;
  if (act.family !== 'softmax') {
    for (let i = 0; i < n; i++) gradZ[i] = gradA[i] * d[i];
    return;
  }
  for (let s = 0; s < batch; s++) {
    const row = s * units;
    let dot = 0;
    for (let j = 0; j < units; j++) dot += gradA[row + j] * a[row + j];
    for (let j = 0; j < units; j++) gradZ[row + j] = a[row + j] * (gradA[row + j] - dot);
  }
}
