/**
 * The parts every rule's warning is built from (its head, layer names, the repairs), in one place
 * so that rules word and edit alike.
 */
import { RecommendedInit, activationFacts } from '../format/activationFacts';
import { Fix } from '../format/fixEdits';
import { NetworkSpec, OptimizerName } from '../format/spec';
import { QUOTED_NAME_LENGTH, shortName } from '../format/json';
import { Severity, Warning, WarningKind } from './report';

/**
 * The identifying fields of a warning about layer `layerIndex` (−1: the whole network, named by the
 * network's name).
 */
export function warningHead(
  spec: NetworkSpec,
  kind: WarningKind,
  severity: Severity,
  layerIndex: number,
  units: readonly number[] = [],
): { kind: WarningKind; severity: Severity; layer: string; layerIndex: number; units: readonly number[] } {
  return { kind, severity, layer: layerIndex >= 0 ? spec.layers[layerIndex].name : spec.name, layerIndex, units };
}

/** How messages name each recommended initialiser. */
export const INIT_LABELS: Readonly<Record<RecommendedInit, string>> = { he: 'He', xavier: 'Xavier' };

/** "'h1'", "'h1' and 'h2'", or "'h1'–'h4'" for a run of layers. */
export function layerSpan(spec: NetworkSpec, layers: readonly number[]): string {
  const names = layers.map((l) => `'${spec.layers[l].name}'`);
  return names.length <= 2 ? names.join(' and ') : `${names[0]}–${names[names.length - 1]}`;
}

/** Layers grouped by the initialiser their activation recommends (facts table). */
export function byRecommendedInit(spec: NetworkSpec, layers: readonly number[]): { he: number[]; xavier: number[] } {
  const recommended = (l: number): string => activationFacts(spec.layers[l].activation.type).recommendedInit;
  return {
    he: layers.filter((l) => recommended(l) === 'he'),
    xavier: layers.filter((l) => recommended(l) === 'xavier'),
  };
}

/** Each layer re-initialised as its activation recommends: He for relu-like units, Xavier otherwise. */
export function initFix(spec: NetworkSpec, layers: readonly number[], title?: string): Fix {
  const { he, xavier } = byRecommendedInit(spec, layers);
  const actions = [
    ...(he.length ? [{ kind: 'set_init' as const, layers: he, init: 'he' }] : []),
    ...(xavier.length ? [{ kind: 'set_init' as const, layers: xavier, init: 'xavier' }] : []),
  ];
  const what = he.length && xavier.length ? 'He/Xavier init' : he.length ? 'He init' : 'Xavier init';
  const biases = layers.some((l) => spec.layers[l].bias) ? ' and zero biases' : '';
  return { title: title ?? `Use ${what}${biases} in ${layerSpan(spec, layers)}`, actions };
}

/** The learning rate scaled by `factor` (3 significant digits). */
export function learningRateFix(spec: NetworkSpec, factor: number): Fix {
  const lr = Number((spec.training.learningRate * factor).toPrecision(3));
  const verb = factor < 1 ? 'Lower' : 'Raise';
  return { title: `${verb} the learning rate to ${lr}`, actions: [{ kind: 'set_learning_rate', learningRate: lr }] };
}

/** Inputs normalised per feature over the training data (format v1.1 data.normalize). */
export function normalizeFix(kind: 'standard' | 'minmax' = 'standard'): Fix {
  const what = kind === 'standard' ? 'Standardise the inputs' : 'Scale the inputs to [0, 1]';
  return { title: `${what} (data.normalize: "${kind}")`, actions: [{ kind: 'set_normalize', normalize: kind }] };
}

/** Usual starting learning rates: 0.01 for SGD and momentum, 1e-3 for Adam (torch.optim's Adam default). */
export function usualLearningRate(optimizer: OptimizerName): number {
  return optimizer === 'adam' ? 1e-3 : 0.01;
}

/**
 * For a rate more than 10× off the usual start: the usual rate, and, when raising, also 10× it (a short
 * budget may need the upper end of the usual range), and, under SGD, Adam at its usual rate and 10× it;
 * verification keeps the ones that help. Empty otherwise.
 */
export function usualLearningRateFixes(spec: NetworkSpec): Fix[] {
  const usual = usualLearningRate(spec.training.optimizer);
  const lr = spec.training.learningRate;
  if (lr >= usual / 10 && lr <= usual * 10) return [];
  const rates = lr < usual ? [usual, usual * 10] : [usual];
  const adam = usualLearningRate('adam');
  // steps far too small under SGD: Adam's steps are about lr whatever the gradient's scale
  const switches = lr < usual && spec.training.optimizer !== 'adam' ? [adam, adam * 10] : [];
  return [
    ...rates.map((rate): Fix => ({
      title: `${lr < rate ? 'Raise' : 'Lower'} the learning rate to ${rate}${
        rate === usual ? ` (the usual start for ${spec.training.optimizer})` : ''
      }`,
      actions: [{ kind: 'set_learning_rate', learningRate: rate }],
    })),
    ...switches.map((rate): Fix => ({
      title: `Use Adam with learning rate ${rate}`,
      actions: [{ kind: 'set_optimizer', optimizer: 'adam', learningRate: rate }],
    })),
  ];
}

/** The total gradient norm clipped at 1 (torch.nn.utils.clip_grad_norm_). */
export function clipFix(): Fix {
  return { title: 'Clip the gradient norm at 1', actions: [{ kind: 'set_clip', norm: 1 }] };
}

/** Two repairs as one edit ("Use He init in 'h1', and clip the gradient norm at 1"), under `first`'s cause. */
export function combinedFix(first: Fix, then: Fix): Fix {
  return {
    title: `${first.title}, and ${then.title.charAt(0).toLowerCase()}${then.title.slice(1)}`,
    actions: [...first.actions, ...then.actions],
    ...(first.cause ? { cause: first.cause } : {}),
  };
}

/** `fix` with the gradient norm clipped at 1 as well: a repair that also survives a learning rate on the high side. */
export function withClip(fix: Fix): Fix {
  return combinedFix(fix, clipFix());
}

/** ReLU units with He initialisation in place of `layers`' activations. */
export function reluHeFix(spec: NetworkSpec, layers: readonly number[]): Fix {
  return {
    title: `Use ReLU with He init in ${layerSpan(spec, layers)}`,
    actions: [{ kind: 'set_activation', layers, activation: 'relu', init: 'he' }],
  };
}

/** Leaky ReLU (α = 0.01, a small slope for z < 0 keeps a gradient) in one layer. */
export function leakyReluFix(spec: NetworkSpec, layer: number): Fix {
  return {
    title: `Use leaky ReLU in '${spec.layers[layer].name}'`,
    actions: [{ kind: 'set_activation', layers: [layer], activation: 'leaky_relu', alpha: 0.01 }],
  };
}

/**
 * The warnings with every layer or network name longer than QUOTED_NAME_LENGTH cut short ("…") in their text and
 * fix titles, so a hostile or generated name cannot flood a message; ids and layer indices are unchanged.
 */
export function withShortNames(spec: NetworkSpec, warnings: readonly Warning[]): Warning[] {
  const long = [spec.name, ...spec.layers.map((l) => l.name)]
    .filter((n) => n.length > QUOTED_NAME_LENGTH)
    .sort((a, b) => b.length - a.length);
  if (!long.length) return [...warnings];
  const cut = (text: string): string => long.reduce((t, n) => t.split(n).join(shortName(n)), text);
  return warnings.map((w) => ({
    ...w,
    layer: cut(w.layer),
    message: cut(w.message),
    cause: cut(w.cause),
    fix: cut(w.fix),
    fixes: w.fixes.map((f) => ({ ...f, title: cut(f.title) })),
  }));
}
