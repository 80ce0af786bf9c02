/**
 * What every part of the tool needs to know about each activation, in one table: the parser, the
 * initialisers, every diagnosis rule, and the model exporters read it. Adding an activation means a
 * row here, its f and f' in nn/activations.ts, and its name in media/network.schema.json.
 */

/** How an activation's derivative can fail: relu-like units die, saturating ones flatten at both ends. */
export type ActivationFamily = 'linear' | 'relu' | 'saturating' | 'smooth' | 'softmax';

/**
 * The initialisers a rule may recommend: He (variance 2/fan_in, for relu-like gains) or Xavier
 * (2/(fan_in+fan_out)).
 */
export type RecommendedInit = 'he' | 'xavier';

/** The facts of one activation f. */
export interface ActivationFacts {
  readonly family: ActivationFamily;
  /** The initialiser that keeps the signal's variance across the layer (also the default when a layer gives none). */
  readonly recommendedInit: RecommendedInit;
  /** [inf f, sup f] when both ends are finite: the only values an output layer can produce. */
  readonly boundedRange?: readonly [number, number];
  /** max over z of f'(z), against which saturation is measured (σ' peaks at ¼). */
  readonly peakDerivative: number;
  /** f'(z) = 0 for every z < 0, so a unit whose z stays ≤ 0 receives no gradient at all. */
  readonly dies: boolean;
  /** f' jumps at z = 0 (a difference quotient across 0 is meaningless). */
  readonly kink: boolean;
  /** Default α (PyTorch's) when f takes one: leaky_relu's negative slope, elu's scale. */
  readonly defaultAlpha?: number;
  /** The torch.nn module computing f. */
  readonly torchModule: string;
  /** The ONNX operator computing f (or the node pattern exporters emit for it). */
  readonly onnxOp: string;
}

/** Every activation, in the order the schema and the UI list them. */
// prettier-ignore
export const ACTIVATION_FACTS = {
  linear: { family: 'linear', recommendedInit: 'xavier', peakDerivative: 1, dies: false, kink: false,
    torchModule: 'nn.Identity', onnxOp: 'Identity' },
  sigmoid: { family: 'saturating', recommendedInit: 'xavier', boundedRange: [0, 1], peakDerivative: 0.25,
    dies: false, kink: false, torchModule: 'nn.Sigmoid', onnxOp: 'Sigmoid' },
  tanh: { family: 'saturating', recommendedInit: 'xavier', boundedRange: [-1, 1], peakDerivative: 1,
    dies: false, kink: false, torchModule: 'nn.Tanh', onnxOp: 'Tanh' },
  relu: { family: 'relu', recommendedInit: 'he', peakDerivative: 1, dies: true, kink: true,
    torchModule: 'nn.ReLU', onnxOp: 'Relu' },
  leaky_relu: { family: 'relu', recommendedInit: 'he', peakDerivative: 1, dies: false, kink: true, defaultAlpha: 0.01,
    torchModule: 'nn.LeakyReLU', onnxOp: 'LeakyRelu' },
  elu: { family: 'smooth', recommendedInit: 'he', peakDerivative: 1, dies: false, kink: true, defaultAlpha: 1,
    torchModule: 'nn.ELU', onnxOp: 'Elu' },
  softplus: { family: 'smooth', recommendedInit: 'xavier', peakDerivative: 1, dies: false, kink: false,
    torchModule: 'nn.Softplus', onnxOp: 'Softplus' },
  gelu: { family: 'smooth', recommendedInit: 'xavier', peakDerivative: 1.1289, dies: false, kink: false,
    torchModule: 'nn.GELU', onnxOp: 'Gelu' },
  silu: { family: 'smooth', recommendedInit: 'xavier', peakDerivative: 1.0998, dies: false, kink: false,
    torchModule: 'nn.SiLU', onnxOp: 'Mul(x, Sigmoid(x))' },
  softmax: { family: 'softmax', recommendedInit: 'xavier', boundedRange: [0, 1], peakDerivative: 0.25,
    dies: false, kink: false, torchModule: 'nn.Softmax', onnxOp: 'Softmax' },
} as const satisfies Record<string, ActivationFacts>;

/** One of the activation functions f(z) the core implements. */
export type ActivationName = keyof typeof ACTIVATION_FACTS;

/** Activation names, in the table's order. */
export const ACTIVATION_NAMES = Object.keys(ACTIVATION_FACTS) as readonly ActivationName[];

/** The facts of activation `name`. */
export function activationFacts(name: ActivationName): ActivationFacts {
  return ACTIVATION_FACTS[name];
}

/** The initialiser used when a layer gives neither `weights` nor `init`: the one its activation recommends. */
export function defaultInit(activation: ActivationName): { readonly type: RecommendedInit } {
  return { type: ACTIVATION_FACTS[activation].recommendedInit };
}
