/** JSON syntax tree access with positions: the raw material for positioned validation errors. */
import {
  Node,
  ParseError,
  SyntaxKind,
  createScanner,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { LIMITS, SpecProblem, TextPosition } from './spec';

/** Where a value sits in the file: object keys and array indices from the root. */
export type JsonPath = readonly (string | number)[];

/** Maps character offsets to 0-based line/character positions (a line ends at \n; \r\n counts as one break). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** Position of `offset`. */
  position(offset: number): TextPosition {
    let lo = 0,
      hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
}

/** Collects problems, each positioned at a node (or an explicit span) of the file. */
export class ProblemList {
  readonly items: SpecProblem[] = [];

  constructor(private readonly lines: LineIndex) {}

  add(
    path: JsonPath,
    message: string,
    at: { offset: number; length: number },
    severity: 'error' | 'warning' = 'error',
  ): void {
    const start = this.lines.position(at.offset);
    const end = this.lines.position(at.offset + at.length);
    this.items.push({ path: [...path], message, severity, offset: at.offset, length: at.length, start, end });
  }

  /** Problem on the key of a property when there is one (reads better for unknown/missing keys), else on the node. */
  addOnKey(path: JsonPath, message: string, node: Node, severity: 'error' | 'warning' = 'error'): void {
    const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    this.add(path, message, key ?? node, severity);
  }

  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error');
  }
}

/**
 * Parses strict JSON (no comments, no trailing commas); syntax errors go into `problems`. Before any tree is
 * built, nesting deeper than LIMITS.maxNesting is refused at the offending bracket (the tree builder recurses
 * once per level), and so is a file of more than `maxValues` values (each costs a tree node).
 */
export function parseStrictJson(
  text: string,
  problems: ProblemList,
  maxValues = Infinity,
): { root?: Node; values: number } {
  const { tooDeepAt, values } = scanJson(text, LIMITS.maxNesting);
  if (tooDeepAt !== undefined) {
    problems.add([], `nesting deeper than ${LIMITS.maxNesting} levels of [ and {`, { offset: tooDeepAt, length: 1 });
    return { values };
  }
  if (values > maxValues) {
    const count = (v: number): string => v.toLocaleString('en-US');
    problems.add(
      [],
      `the file holds ${count(values)} JSON values, more than the ${count(maxValues)} its syntax tree may hold ` +
        'within the memory limit: move the data to a CSV file',
      { offset: 0, length: 1 },
    );
    return { values };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  for (const e of errors)
    problems.add([], `JSON syntax error: ${describeParseError(printParseErrorCode(e.error))}`, {
      offset: e.offset,
      length: Math.max(1, e.length),
    });
  return errors.length ? { values } : { root, values };
}

/** The lenient syntax tree the editor positions things with, or undefined when nested past LIMITS.maxNesting. */
export function shallowTree(text: string): Node | undefined {
  return scanJson(text, LIMITS.maxNesting).tooDeepAt === undefined ? parseTree(text) : undefined;
}

/**
 * One iterative pass over the tokens: the offset of the first [ or { that opens level `maxDepth` + 1 (strings
 * skipped), and the number of values (numbers, strings, literals, arrays, objects) up to there.
 */
export function scanJson(text: string, maxDepth: number): { tooDeepAt?: number; values: number } {
  const scanner = createScanner(text, true);
  let depth = 0;
  let values = 0;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    switch (kind) {
      case SyntaxKind.OpenBraceToken:
      case SyntaxKind.OpenBracketToken:
        values++;
        if (++depth > maxDepth) return { tooDeepAt: scanner.getTokenOffset(), values };
        break;
      case SyntaxKind.CloseBraceToken:
      case SyntaxKind.CloseBracketToken:
        depth = Math.max(0, depth - 1);
        break;
      case SyntaxKind.NumericLiteral:
      case SyntaxKind.StringLiteral:
      case SyntaxKind.TrueKeyword:
      case SyntaxKind.FalseKeyword:
      case SyntaxKind.NullKeyword:
        values++;
        break;
    }
  }
  return { values };
}

/** A readable sentence for a jsonc-parser error code. */
function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected symbol (JSON has no NaN, Infinity, comments or single quotes)',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: 'colon expected',
    CommaExpected: 'comma expected',
    CloseBraceExpected: 'closing brace } expected',
    CloseBracketExpected: 'closing bracket ] expected',
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'comments are not allowed in .net.json files',
    UnexpectedEndOfComment: 'unexpected end of comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unexpected end of number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return words[code] ?? code;
}

/** The value node of property `key` of an object node. */
export function child(obj: Node | undefined, key: string): Node | undefined {
  if (!obj || obj.type !== 'object') return undefined;
  return findNodeAtLocation(obj, [key]);
}

/** Property keys of an object node with their key nodes. */
export function keysOf(obj: Node): { key: string; keyNode: Node; value: Node }[] {
  return (obj.children ?? []).flatMap((p) => {
    const [k, v] = p.children ?? [];
    return k && v ? [{ key: String(k.value), keyNode: k, value: v }] : [];
  });
}

/** The plain JS value of a node. */
export function valueOf(node: Node): unknown {
  return getNodeValue(node);
}

/** Node at `path` from the root, for positioning problems found after parsing. */
export function nodeAt(root: Node | undefined, path: JsonPath): Node | undefined {
  return root ? findNodeAtLocation(root, [...path]) : undefined;
}

/** Edit distance (Levenshtein), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** Names longer than this get no "did you mean": the edit distance costs their length times each candidate's. */
export const SUGGESTION_MAX_LENGTH = 64;
/** How much of a long name a message shows. */
export const QUOTED_NAME_LENGTH = 40;

/** A name as messages show it: at most QUOTED_NAME_LENGTH characters, then "…". */
export function shortName(name: string): string {
  return name.length > QUOTED_NAME_LENGTH ? `${name.slice(0, QUOTED_NAME_LENGTH)}…` : name;
}

/** " — did you mean 'x'?" for the closest name within distance 2, else "" (always "" past SUGGESTION_MAX_LENGTH). */
export function suggestion(value: string, names: readonly string[]): string {
  if (value.length > SUGGESTION_MAX_LENGTH) return '';
  let best = '';
  let bestDistance = 3;
  for (const n of names) {
    const dist = editDistance(value.toLowerCase(), n);
    if (dist < bestDistance) {
      best = n;
      bestDistance = dist;
    }
  }
  return best ? ` — did you mean '${best}'?` : '';
}
