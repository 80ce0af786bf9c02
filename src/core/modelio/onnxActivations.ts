/**
 * The node patterns of each activation f in an ONNX graph: single ops (Relu, LeakyRelu, Elu, Sigmoid,
 * Tanh, Softplus, Gelu, Softmax, LogSoftmax) and the patterns exporters emit for exact GELU
 * (x·½·(1 + erf(x/√2))) and SiLU (x·σ(x)). Known look-alikes that compute something else are refused.
 */
import { ActivationSpec } from '../format/spec';
import { GraphView, nodeLabel } from './onnxGraph';
import { OnnxNode } from './onnxModel';
import { ModelFormatError } from './protobuf';

/** A matched activation: the nodes it spans, the value it produces, and f. */
export interface ActivationMatch {
  readonly nodes: OnnxNode[];
  readonly end: string;
  readonly activation: ActivationSpec;
  readonly logSoftmax?: boolean;
}

const SIMPLE: Readonly<Record<string, ActivationSpec['type']>> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softplus: 'softplus',
};

/** The activation read by `consumers` (the nodes reading `value`), undefined when none matches. */
export function matchActivation(
  g: GraphView,
  consumers: readonly OnnxNode[],
  value: string,
): ActivationMatch | undefined {
  if (consumers.length === 2)
    return matchSilu(g, consumers, value) ?? matchErfGelu(g, consumers, value) ?? tanhGelu(g, consumers);
  if (consumers.length !== 1) return tanhGelu(g, consumers);
  const n = consumers[0];
  const one = (activation: ActivationSpec): ActivationMatch => ({ nodes: [n], end: n.outputs[0], activation });
  if (SIMPLE[n.opType]) return one({ type: SIMPLE[n.opType] });
  const alpha = n.attributes.get('alpha')?.f;
  if (n.opType === 'LeakyRelu')
    return one({ type: 'leaky_relu', alpha: alpha === undefined ? 0.01 : float32Decimal(alpha) });
  if (n.opType === 'Elu') return one({ type: 'elu', alpha: alpha === undefined ? 1 : float32Decimal(alpha) });
  if (n.opType === 'Gelu') {
    if ((n.attributes.get('approximate')?.s ?? 'none') !== 'none')
      throw new ModelFormatError(
        `node ${nodeLabel(n)}: tanh-approximate GELU is not supported; use exact GELU (approximate='none')`,
      );
    return one({ type: 'gelu' });
  }
  if (n.opType === 'Softmax' || n.opType === 'LogSoftmax') return matchSoftmax(g, n);
  if (n.opType === 'Mul') softplusBeta(g, n);
  return undefined;
}

/** x·σ(x): Sigmoid(x) and Mul(x, σ). */
function matchSilu(g: GraphView, consumers: readonly OnnxNode[], x: string): ActivationMatch | undefined {
  const sig = consumers.find((n) => n.opType === 'Sigmoid');
  const mul = consumers.find((n) => n.opType === 'Mul');
  if (!sig || !mul || !sameSet(mul.inputs, [x, sig.outputs[0]]) || (g.consumers.get(sig.outputs[0]) ?? []).length !== 1)
    return undefined;
  return { nodes: [sig, mul], end: mul.outputs[0], activation: { type: 'silu' } };
}

/** x·½·(1 + erf(x/√2)) as torch emits it: Div(x, √2) → Erf → Add 1 → Mul(x, ·) → Mul ½ (any Mul order). */
function matchErfGelu(g: GraphView, consumers: readonly OnnxNode[], x: string): ActivationMatch | undefined {
  const div = consumers.find((n) => n.opType === 'Div' && n.inputs[0] === x && near(g, n.inputs[1], Math.SQRT2));
  const mul = consumers.find((n) => n.opType === 'Mul');
  if (!div || !mul) return undefined;
  const erf = only(g, div.outputs[0], 'Erf');
  const add = erf && only(g, erf.outputs[0], 'Add');
  if (
    !add ||
    !near(
      g,
      add.inputs.find((v) => v !== erf!.outputs[0]),
      1,
    )
  )
    return undefined;
  if (!sameSet(mul.inputs, [x, add.outputs[0]])) return undefined;
  const half = only(g, mul.outputs[0], 'Mul');
  if (
    !half ||
    !near(
      g,
      half.inputs.find((v) => v !== mul.outputs[0]),
      0.5,
    )
  )
    return undefined;
  return { nodes: [div, erf, add, mul, half], end: half.outputs[0], activation: { type: 'gelu' } };
}

/** Several readers of one value that are neither pattern: refused, naming tanh-GELU when a Tanh lies in reach. */
function tanhGelu(g: GraphView, consumers: readonly OnnxNode[]): undefined {
  const seen = new Set<OnnxNode>();
  let frontier = [...consumers];
  for (let depth = 0; depth < 8 && frontier.length; depth++) {
    frontier.forEach((n) => seen.add(n));
    frontier = frontier.flatMap((n) => n.outputs.flatMap((v) => g.consumers.get(v) ?? [])).filter((n) => !seen.has(n));
  }
  const tanh = [...seen].find((n) => n.opType === 'Tanh');
  const pow = [...seen].some((n) => n.opType === 'Pow' || n.opType === 'Mul');
  if (tanh && pow)
    throw new ModelFormatError(
      `node ${nodeLabel(tanh)}: tanh-approximate GELU is not supported; use exact GELU (approximate='none')`,
    );
  throw new ModelFormatError(
    `the value read by ${consumers.map(nodeLabel).join(' and ')} branches: only a chain of dense layers is supported`,
  );
}

/** Softmax or LogSoftmax over the last axis, producing the graph's output. */
function matchSoftmax(g: GraphView, n: OnnxNode): ActivationMatch {
  const axis = n.attributes.get('axis')?.i ?? -1;
  if (axis !== -1 && axis !== 1)
    throw new ModelFormatError(
      `node ${nodeLabel(n)}: ${n.opType} over axis ${axis}; only the feature axis is supported`,
    );
  if (n.outputs[0] !== g.output)
    throw new ModelFormatError(`node ${nodeLabel(n)}: ${n.opType} is supported only as the output layer`);
  return { nodes: [n], end: n.outputs[0], activation: { type: 'softmax' }, logSoftmax: n.opType === 'LogSoftmax' };
}

/** Softplus with β ≠ 1 exports as Mul(x, β) → Softplus → Div(·, β): refused with its β. */
function softplusBeta(g: GraphView, mul: OnnxNode): void {
  const sp = only(g, mul.outputs[0], 'Softplus');
  if (!sp) return;
  const beta = mul.inputs.map((v) => g.constants.get(v)?.values[0]).find((v) => v !== undefined);
  throw new ModelFormatError(
    `node ${nodeLabel(sp)}: Softplus with beta = ${beta} is not supported (only beta = 1, PyTorch's default)`,
  );
}

/** The one node reading `value`, when it has op `op`. */
function only(g: GraphView, value: string, op: string): OnnxNode | undefined {
  const readers = g.consumers.get(value) ?? [];
  return readers.length === 1 && readers[0].opType === op ? readers[0] : undefined;
}

/** Whether `value` is a scalar constant within float32 rounding of `target`. */
function near(g: GraphView, value: string | undefined, target: number): boolean {
  const t = value === undefined ? undefined : g.constants.get(value);
  return Boolean(t && t.values.length === 1 && Math.abs(t.values[0] - target) <= 1e-6 * Math.abs(target));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v) => b.includes(v)) && b.every((v) => a.includes(v));
}

/** The shortest decimal that rounds to the float32 `v` (0.2, not 0.20000000298), as PyTorch was given it. */
export function float32Decimal(v: number): number {
  for (let p = 1; p <= 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === Math.fround(v)) return d;
  }
  return v;
}
