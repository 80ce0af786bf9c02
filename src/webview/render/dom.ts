/** Tiny DOM builders: elements with text via textContent only (never innerHTML), SVG via createElementNS. */

type Child = Node | string | undefined | false;

/** An HTML element with attributes and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, String(v));
  for (const c of children) if (c !== undefined && c !== false) e.append(c);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, String(v));
  for (const c of children) if (c !== undefined && c !== false) e.append(c);
  return e;
}

/** An SVG <title> (the hover text of its parent). */
export function tip(text: string): SVGTitleElement {
  const t = svg('title');
  t.textContent = text;
  return t;
}

/** Replaces the children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string => c !== undefined && c !== false));
}

/** A collapsible section with a heading; `id` names it for the DOM hooks and the saved UI state. */
export function section(
  id: string,
  title: string,
  collapsed: boolean,
  onToggle: (open: boolean) => void,
  ...content: Child[]
): HTMLDetailsElement {
  const d = el('details', { id, class: 'section' }, el('summary', {}, el('h2', {}, title)), ...content);
  d.open = !collapsed;
  d.addEventListener('toggle', () => onToggle(d.open));
  return d;
}
