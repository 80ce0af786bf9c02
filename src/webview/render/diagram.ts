/**
 * The network drawn as columns of units, coloured by mean activation or mean |f'(z)|; edges
 * clickable to explain a weight.
 */
import { displayNumber, exactNumber, toNumber } from '../../shared/numbers';
import type { AnalysisReport, ShapeView, Wire } from '../../shared/protocol';
import { el, svg, tip } from './dom';
import { bucket } from './scales';

/** Units drawn per layer before the rest is summarised. */
const MAX_DRAWN = 12;
/** Edges are drawn (and clickable) only when there are at most this many. */
const MAX_EDGES = 300;

/** One column of the diagram: the input, then each layer. */
interface Column {
  readonly name: string;
  readonly units: number;
}

/** Units drawn of a column of n. */
const drawn = (n: number): number => Math.min(n, MAX_DRAWN);

/** What a click on a unit (input -1) or an edge asks to explain. */
type OnExplain = (layer: number, unit: number, input: number) => void;

/** The size of the drawing and the centre of each drawn unit. */
interface Layout {
  readonly W: number;
  readonly H: number;
  cx(c: number): number;
  cy(c: number, j: number): number;
}

/** Everything needed to draw the units: columns, layout, the report, the colouring and the click handler. */
interface UnitDrawing {
  readonly columns: readonly Column[];
  readonly layout: Layout;
  readonly report: Wire<AnalysisReport> | undefined;
  readonly colorBy: 'activation' | 'derivative';
  /** Per layer, the value of each unit that picks its colour. */
  readonly values: number[][] | undefined;
  readonly lo: number;
  readonly hi: number;
  readonly onExplain: OnExplain;
}

/** The input, then each layer, as columns. */
function columnsOf(shape: Wire<ShapeView>): Column[] {
  return [
    { name: 'input', units: toNumber(shape.input) },
    ...shape.layers.map((l) => ({ name: l.name, units: toNumber(l.units) })),
  ];
}

/** Columns spread evenly across the width, each column's drawn units spread evenly down the height. */
function layoutOf(columns: readonly Column[]): Layout {
  const W = Math.max(320, columns.length * 110),
    H = 40 + MAX_DRAWN * 26;
  return {
    W,
    H,
    cx: (c) => 40 + (c * (W - 80)) / Math.max(1, columns.length - 1),
    cy: (c, j) => 30 + ((j + 0.5) * (H - 50)) / drawn(columns[c].units),
  };
}

/** Each layer's per-unit mean activation or mean |f'(z)|, and the range the heat colours span. */
function unitColours(
  report: Wire<AnalysisReport> | undefined,
  colorBy: 'activation' | 'derivative',
): Pick<UnitDrawing, 'values' | 'lo' | 'hi'> {
  const values = report?.layers.map((l) =>
    (colorBy === 'activation' ? l.unitMeanActivation : l.unitMeanDerivative).map((v) => toNumber(v)),
  );
  const all = (values ?? []).flat().filter(Number.isFinite);
  return { values, lo: Math.min(0, ...all), hi: Math.max(...all, 1e-12) };
}

/** A centred line of text at (x, y) in the tick style. */
function tickText(x: number, y: number, text: string): SVGTextElement {
  const t = svg('text', { class: 'tick', x, y, 'text-anchor': 'middle' });
  t.textContent = text;
  return t;
}

/** The hover of a unit: its value, whether dead or saturated, and that a click explains its bias. */
function unitTip(d: UnitDrawing, name: string, layer: number, j: number, dead?: boolean, saturated?: boolean): string {
  if (layer < 0) return `input ${j}`;
  const v = d.values?.[layer]?.[j];
  const value = v !== undefined ? `: mean ${d.colorBy === 'activation' ? 'a' : "|f'(z)|"} = ${exactNumber(v)}` : '';
  const state = `${dead ? ' (dead: z ≤ 0 for every sample)' : ''}${saturated ? ' (saturated)' : ''}`;
  return `${name}[${j}]${value}${state} · click to explain its bias`;
}

/** Unit j of column c as a heat-coloured circle; a layer's units are clickable (or Enter) to explain their bias. */
function unitNode(d: UnitDrawing, c: number, j: number): SVGCircleElement {
  const layer = c - 1;
  const lr = layer >= 0 ? d.report?.layers[layer] : undefined;
  const v = layer >= 0 ? d.values?.[layer]?.[j] : undefined;
  const dead = lr?.deadUnits.includes(j);
  const saturated = lr?.saturatedUnits.includes(j);
  const cls = [
    'unit',
    v !== undefined ? `heat-${bucket(v, d.lo, d.hi, 9)}` : 'input-unit',
    dead ? 'dead' : '',
    saturated ? 'saturated' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const node = svg(
    'circle',
    {
      class: cls,
      cx: d.layout.cx(c),
      cy: d.layout.cy(c, j),
      r: 9,
      tabindex: layer >= 0 ? 0 : undefined,
      role: layer >= 0 ? 'button' : undefined,
      'aria-label': layer >= 0 ? unitTip(d, d.columns[c].name, layer, j, dead, saturated) : undefined,
      'data-layer-index': layer,
      'data-unit': j,
    },
    tip(unitTip(d, d.columns[c].name, layer, j, dead, saturated)),
  );
  if (layer >= 0) {
    node.addEventListener('click', () => d.onExplain(layer, j, -1));
    node.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') d.onExplain(layer, j, -1);
    });
  }
  return node;
}

/** Column c: its name on top, its drawn units, and a count of the units left out. */
function drawColumn(root: SVGSVGElement, d: UnitDrawing, c: number): void {
  const col = d.columns[c];
  root.append(tickText(d.layout.cx(c), 16, col.name.length > 12 ? `${col.name.slice(0, 11)}…` : col.name));
  for (let j = 0; j < drawn(col.units); j++) root.append(unitNode(d, c, j));
  if (col.units > MAX_DRAWN)
    root.append(tickText(d.layout.cx(c), d.layout.H - 6, `+${col.units - MAX_DRAWN} more (${col.units})`));
}

/** The two buttons that choose what colours the units. */
function colourToggle(
  colorBy: 'activation' | 'derivative',
  onColorBy: (c: 'activation' | 'derivative') => void,
): HTMLElement {
  return el(
    'div',
    { class: 'toggle', role: 'radiogroup', 'aria-label': 'colour units by' },
    ...(['activation', 'derivative'] as const).map((k) => {
      const b = el(
        'button',
        { class: colorBy === k ? 'secondary pressed' : 'secondary', 'aria-pressed': String(colorBy === k) },
        k === 'activation' ? 'colour by mean a' : "colour by mean |f'(z)|",
      );
      b.addEventListener('click', () => onColorBy(k));
      return b;
    }),
  );
}

/** What the unit colours mean: the nine heat steps from low to high, and the dead and saturated outlines. */
function colourLegend(colorBy: 'activation' | 'derivative', lo: number, hi: number): HTMLElement {
  const what = colorBy === 'activation' ? 'mean activation a' : "mean |f'(z)|";
  const steps = svg(
    'svg',
    { class: 'heat-legend', width: 9 * 14, height: 14, viewBox: `0 0 ${9 * 14} 14`, 'aria-hidden': 'true' },
    ...Array.from({ length: 9 }, (_, k) => svg('rect', { class: `heat-${k}`, x: k * 14, y: 0, width: 14, height: 14 })),
  );
  return el(
    'p',
    { class: 'diagram-legend' },
    `${what}: ${displayNumber(lo)} `,
    steps,
    ` ${displayNumber(hi)}`,
    el('span', { class: 'legend-dead' }, 'dashed ring: dead'),
    el('span', { class: 'legend-saturated' }, 'thick ring: saturated'),
  );
}

/** The network diagram with its colour toggle and a hint on what can be clicked. */
export function diagram(
  shape: Wire<ShapeView>,
  report: Wire<AnalysisReport> | undefined,
  colorBy: 'activation' | 'derivative',
  onExplain: OnExplain,
  onColorBy: (c: 'activation' | 'derivative') => void,
): HTMLElement {
  const columns = columnsOf(shape);
  const layout = layoutOf(columns);
  // drawn at its own size (labels stay ≥ 11 px) in a container that scrolls sideways
  const root = svg('svg', {
    id: 'diagram-svg',
    class: 'diagram',
    viewBox: `0 0 ${layout.W} ${layout.H}`,
    width: layout.W,
    height: layout.H,
    role: 'group',
    'aria-label': `network: ${columns.map((c) => `${c.units} ${c.name}`).join(' → ')}`,
  });
  const edges = columns.slice(1).reduce((s, c, i) => s + drawn(c.units) * drawn(columns[i].units), 0);
  if (edges <= MAX_EDGES) drawEdges(root, columns, layout.cx, layout.cy, onExplain);
  const d: UnitDrawing = { columns, layout, report, colorBy, onExplain, ...unitColours(report, colorBy) };
  columns.forEach((_, c) => drawColumn(root, d, c));
  return el(
    'div',
    { id: 'diagram' },
    colourToggle(colorBy, onColorBy),
    colourLegend(colorBy, d.lo, d.hi),
    el('div', { class: 'diagram-scroll', tabindex: 0, role: 'region', 'aria-label': 'network diagram' }, root),
    el(
      'p',
      { class: 'hint' },
      edges <= MAX_EDGES
        ? 'Click a connection to see its gradient taken apart by the chain rule, or a unit for its bias. ' +
            'Dead units are crossed out.'
        : 'Click a unit to see its bias gradient taken apart by the chain rule. Too many connections to draw.',
    ),
  );
}

/** Every drawn connection, each clickable (or Enter) to explain its weight. */
function drawEdges(
  root: SVGSVGElement,
  columns: readonly Column[],
  cx: (c: number) => number,
  cy: (c: number, j: number) => number,
  onExplain: OnExplain,
): void {
  for (let c = 1; c < columns.length; c++) {
    const from = c === 1 ? 'input' : columns[c - 1].name;
    for (let j = 0; j < drawn(columns[c].units); j++) {
      for (let i = 0; i < drawn(columns[c - 1].units); i++) {
        const line = svg(
          'line',
          {
            class: 'edge',
            x1: cx(c - 1),
            y1: cy(c - 1, i),
            x2: cx(c),
            y2: cy(c, j),
            tabindex: 0,
            role: 'button',
            'aria-label': `weight ${columns[c].name}[${j}] ← ${from}[${i}]: explain its gradient`,
          },
          tip(`weight ${columns[c].name}[${j}] ← ${from}[${i}]: click to explain its gradient`),
        );
        line.addEventListener('click', () => onExplain(c - 1, j, i));
        line.addEventListener('keydown', (e) => {
          if ((e as KeyboardEvent).key === 'Enter') onExplain(c - 1, j, i);
        });
        root.append(line);
      }
    }
  }
}
