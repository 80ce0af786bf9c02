/** Typed readers for JSON nodes: each returns the value, or records a positioned problem and returns undefined. */
import { Node } from 'jsonc-parser';
import { JsonPath, ProblemList, child, keysOf, shortName, suggestion } from './json';

/** Bounds for a number: inclusive min/max, or exclusive lower bound `above`. */
export interface NumberBounds {
  readonly min?: number;
  readonly above?: number;
  readonly max?: number;
}

/** Reads fields of a network file, reporting every problem it meets. */
export class FieldReader {
  constructor(readonly problems: ProblemList) {}

  /**
   * `node` when it has JSON type `type`; otherwise a problem "`what` must be `expected`" (undefined
   * nodes pass silently as undefined).
   */
  private ofType(
    node: Node | undefined,
    type: Node['type'],
    path: JsonPath,
    what: string,
    expected: string,
  ): Node | undefined {
    if (!node) return undefined;
    if (node.type === type) return node;
    this.problems.add(path, `${what} must be ${expected}`, node);
    return undefined;
  }

  /** The object at `node`, or a problem saying `what` must be an object. */
  object(node: Node | undefined, path: JsonPath, what: string): Node | undefined {
    return this.ofType(node, 'object', path, what, 'an object');
  }

  /** The value node of a required property; a missing one is reported on the object's opening brace. */
  required(obj: Node, key: string, path: JsonPath, what: string): Node | undefined {
    const node = child(obj, key);
    if (!node)
      this.problems.add([...path, key], `missing required "${key}" (${what})`, { offset: obj.offset, length: 1 });
    return node;
  }

  /** Warns about keys outside `allowed` (with a suggestion), so typos do not pass silently. */
  unknownKeys(obj: Node, path: JsonPath, allowed: readonly string[]): void {
    for (const { key, keyNode } of keysOf(obj)) {
      if (!allowed.includes(key)) {
        this.problems.add(
          [...path, key],
          `unknown property "${shortName(key)}" is ignored${suggestion(key, allowed)}`,
          keyNode,
          'warning',
        );
      }
    }
  }

  /** A finite number within bounds. */
  number(node: Node | undefined, path: JsonPath, what: string, bounds: NumberBounds = {}): number | undefined {
    const numberNode = this.ofType(node, 'number', path, what, `a number, got ${node && describe(node)}`);
    if (!numberNode) return undefined;
    const v = numberNode.value as number;
    if (!Number.isFinite(v)) {
      this.problems.add(path, `${what} must be a finite number (the literal overflows to ${v})`, numberNode);
      return undefined;
    }
    const { min, above, max } = bounds;
    if ((min !== undefined && v < min) || (above !== undefined && v <= above) || (max !== undefined && v > max)) {
      const range = [
        above !== undefined ? `> ${above}` : min !== undefined ? `≥ ${min}` : '',
        max !== undefined ? `≤ ${max}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      this.problems.add(path, `${what} must be ${range}, got ${v}`, numberNode);
      return undefined;
    }
    return v;
  }

  /** An integer within bounds. */
  integer(node: Node | undefined, path: JsonPath, what: string, bounds: NumberBounds = {}): number | undefined {
    const v = this.number(node, path, what, bounds);
    if (v === undefined || !node) return undefined;
    if (!Number.isInteger(v)) {
      this.problems.add(path, `${what} must be a whole number, got ${v}`, node);
      return undefined;
    }
    return v;
  }

  /** A string. */
  string(node: Node | undefined, path: JsonPath, what: string): string | undefined {
    return this.ofType(node, 'string', path, what, `a string, got ${node && describe(node)}`)?.value as
      string | undefined;
  }

  /** true or false. */
  boolean(node: Node | undefined, path: JsonPath, what: string): boolean | undefined {
    return this.ofType(node, 'boolean', path, what, `true or false, got ${node && describe(node)}`)?.value as
      boolean | undefined;
  }

  /** One of `names`; an unknown one is reported with the closest name. */
  name<T extends string>(node: Node | undefined, path: JsonPath, what: string, names: readonly T[]): T | undefined {
    const v = this.string(node, path, what);
    if (v === undefined || !node) return undefined;
    if (!(names as readonly string[]).includes(v)) {
      this.problems.add(
        path,
        `unknown ${what} '${shortName(v)}'${suggestion(v, names)} (one of: ${names.join(', ')})`,
        node,
      );
      return undefined;
    }
    return v as T;
  }

  /** An array of finite numbers, of length `length` when given. */
  numbers(node: Node | undefined, path: JsonPath, what: string, length?: number): number[] | undefined {
    const array = this.ofType(node, 'array', path, what, `an array of numbers, got ${node && describe(node)}`);
    if (!array) return undefined;
    const items = array.children ?? [];
    if (length !== undefined && items.length !== length) {
      this.problems.add(
        path,
        `${what} must have ${length} number${length === 1 ? '' : 's'}, got ${items.length}`,
        array,
      );
      return undefined;
    }
    const out: number[] = [];
    let ok = true;
    items.forEach((item, i) => {
      const v = this.number(item, [...path, i], `${what}[${i}]`);
      if (v === undefined) ok = false;
      else out.push(v);
    });
    return ok ? out : undefined;
  }

  /** A rows × cols matrix of finite numbers; `shape` words the expectation in messages. */
  matrix(
    node: Node | undefined,
    path: JsonPath,
    what: string,
    rows: number | undefined,
    cols: number,
    shape: string,
  ): number[][] | undefined {
    if (!node) return undefined;
    const items = node.type === 'array' ? (node.children ?? []) : undefined;
    if (!items || items.some((r) => r.type !== 'array')) {
      this.problems.add(path, `${what} must be an array of rows (arrays of numbers), ${shape}`, node);
      return undefined;
    }
    const widths = items.map((r) => r.children?.length ?? 0);
    const badWidth = widths.findIndex((w) => w !== cols);
    if ((rows !== undefined && items.length !== rows) || badWidth >= 0) {
      const got = widths.every((w) => w === widths[0])
        ? `${items.length} × ${widths[0] ?? 0}`
        : `${items.length} rows of lengths ${[...new Set(widths)].join('/')}`;
      this.problems.add(path, `${what} must be ${shape}, got ${got}`, node);
      return undefined;
    }
    const out: number[][] = [];
    let ok = true;
    items.forEach((r, i) => {
      const row = this.numbers(r, [...path, i], `${what}[${i}]`, cols);
      if (row) out.push(row);
      else ok = false;
    });
    return ok ? out : undefined;
  }
}

/** "a string", "an array", … for messages. */
function describe(node: Node): string {
  switch (node.type) {
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
    case 'string':
      return `the string "${shortName(String(node.value))}"`;
    case 'null':
      return 'null';
    default:
      return String(node.value);
  }
}
