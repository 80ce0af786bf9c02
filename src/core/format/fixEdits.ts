/**
 * Turns a suggested Fix into one text edit of the network file, made with jsonc-parser so the
 * user's formatting is kept: only the touched values change, indentation follows the file.
 */
import { Edit, applyEdits, findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import { LayerParameters } from './spec';

/** A machine-applicable repair; the host turns it into one undoable JSON edit, the CLI prints it. */
export type FixAction =
  | {
      readonly kind: 'set_activation';
      readonly layers: readonly number[];
      readonly activation: string;
      readonly alpha?: number;
      readonly init?: string;
    }
  | { readonly kind: 'set_init'; readonly layers: readonly number[]; readonly init: string }
  | { readonly kind: 'set_clip'; readonly norm: number }
  | { readonly kind: 'set_learning_rate'; readonly learningRate: number }
  /** Another optimizer with its own learning rate (both set: a rate suits one optimizer, not another). */
  | { readonly kind: 'set_optimizer'; readonly optimizer: string; readonly learningRate: number }
  | { readonly kind: 'set_loss'; readonly loss: string }
  /** Normalise the inputs over the training data (format v1.1). */
  | { readonly kind: 'set_normalize'; readonly normalize: 'standard' | 'minmax' };

/** A named set of actions applied together as one edit. */
export interface Fix {
  /** Short label for a quick-fix menu, e.g. "Use ReLU with He init in layers 1–4". */
  readonly title: string;
  readonly actions: readonly FixAction[];
  /** The id of the cause warning this repair belongs to, when a symptom offers its cause's repair. */
  readonly cause?: string;
  /** What applying it did to a copy of the network, once verified. */
  readonly effect?: FixEffect;
}

/** A fix's identity as an edit: two fixes with the same actions make the same change, whatever their titles. */
export function editKey(fix: Fix): string {
  return JSON.stringify(fix.actions);
}

/** The measured effect of a fix: a patched copy re-analysed and trained for a short budget beside the original. */
export interface FixEffect {
  /** Steps each copy trained, and on how many samples. */
  readonly steps: number;
  readonly samples: number;
  /** Loss over those samples after the steps: the file as it is, and patched. */
  readonly lossBefore: number;
  readonly lossAfter: number;
  /** The original's chance-level loss on the same samples. */
  readonly chanceBefore: number;
  /** The patched copy's chance-level loss: fixes are ranked by lossAfter/chanceAfter (one may change the loss). */
  readonly chanceAfter: number;
  /** Whether the warning it was offered for is gone in the patched copy. */
  readonly removesWarning: boolean;
  /** Serious warning kinds the patched copy has that the original had not. */
  readonly newSerious: readonly string[];
  /**
   * Offered: removes the warning, does not make the loss reached worse, and raises no new serious one, unless it
   * lowers the loss clearly below every repair that raises none.
   */
  readonly helps: boolean;
  /** One line with the numbers, e.g. "loss after 200 steps 0.69 → 0.02; ‖∇W‖ at 'h1' 1e-9 → 3e-3". */
  readonly summary: string;
}

/** One replacement of `length` characters at `offset` by `content`. */
export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly content: string;
}

/** Indentation the file already uses (first indented line), defaulting to two spaces. */
export function detectIndent(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const m = text.match(/\n([ \t]+)\S/);
  if (!m) return { insertSpaces: true, tabSize: 2, eol };
  return m[1].startsWith('\t')
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: m[1].length, eol };
}

/** The file text with every action of `fix` applied. */
export function applyFix(text: string, fix: Fix): string {
  const formattingOptions = detectIndent(text);
  let current = text;
  const set = (path: (string | number)[], value: unknown): void => {
    current = applyEdits(current, modify(current, path, value, { formattingOptions }));
  };
  for (const action of fix.actions) applyAction(action, { tree: () => parseTree(current), set });
  return current;
}

/** The smallest single edit turning `before` into `after` (common prefix and suffix kept). */
export function diffEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length,
    endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  return { offset: start, length: endB - start, content: after.slice(start, endA) };
}

/** `fix` as one edit of `text` (undefined when it changes nothing). */
export function fixToEdit(text: string, fix: Fix): TextEdit | undefined {
  return diffEdit(text, applyFix(text, fix));
}

/** Reads the file's current syntax tree and sets (or with undefined, removes) the value at a JSON path. */
interface JsonEditor {
  readonly tree: () => ReturnType<typeof parseTree>;
  readonly set: (path: (string | number)[], value: unknown) => void;
}

/** One action of a fix, as edits through `editor`. */
function applyAction(action: FixAction, editor: JsonEditor): void {
  const { set } = editor;
  switch (action.kind) {
    case 'set_activation':
      for (const l of action.layers) {
        set(
          ['layers', l, 'activation'],
          action.alpha !== undefined ? { type: action.activation, alpha: action.alpha } : action.activation,
        );
        if (action.init) setInit(l, action.init, editor);
      }
      return;
    case 'set_init':
      for (const l of action.layers) setInit(l, action.init, editor);
      return;
    case 'set_clip':
      set(['training', 'clip'], { norm: action.norm });
      return;
    case 'set_learning_rate':
      set(['training', 'learningRate'], action.learningRate);
      return;
    case 'set_optimizer':
      set(['training', 'optimizer'], action.optimizer);
      set(['training', 'learningRate'], action.learningRate);
      return;
    case 'set_loss':
      set(['loss'], action.loss);
      return;
    case 'set_normalize':
      set(['data', 'normalize'], action.normalize);
      return;
    default: {
      const unknown: never = action;
      throw new Error(`unknown fix ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Re-initialises a layer: sets its init, and removes explicit weights and biases, which would override it
 * (biases then start at zero, as every initialiser sets them). The edit is undoable.
 */
function setInit(layer: number, init: string, { tree, set }: JsonEditor): void {
  set(['layers', layer, 'init'], init);
  for (const key of ['weights', 'bias']) {
    const root = tree();
    if (root && findNodeAtLocation(root, ['layers', layer, key])) set(['layers', layer, key], undefined);
  }
}

/** Replaces a path's value, used for writing trained weights back (one edit, formatting kept). */
export function setValues(text: string, changes: readonly { path: (string | number)[]; value: unknown }[]): string {
  const formattingOptions = detectIndent(text);
  let current = text;
  for (const c of changes)
    current = applyEdits(current, modify(current, c.path, c.value, { formattingOptions }) as Edit[]);
  return current;
}

/** The file text with its top-level `seed` set (initial weights, generated data and shuffling follow it). */
export function withSeed(text: string, seed: number): string {
  return setValues(text, [{ path: ['seed'], value: seed }]);
}

/**
 * The file text with each layer's explicit `weights` and `bias` set to `parameters` (12 significant
 * digits; formatting kept).
 */
export function withParameters(text: string, parameters: readonly LayerParameters[]): string {
  // full precision is noise in a file people read: 12 digits keep every trained value to ~1e-12 relative
  const round = (v: number): number => Number(v.toPrecision(12));
  return setValues(
    text,
    parameters.flatMap((p, i) => [
      { path: ['layers', i, 'weights'], value: p.weights.map((row) => row.map(round)) },
      { path: ['layers', i, 'bias'], value: p.bias.map(round) },
    ]),
  );
}
