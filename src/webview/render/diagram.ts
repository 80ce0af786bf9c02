/** The network drawn as columns of units, coloured by mean activation or mean |f'(z)|; edges clickable to explain a weight. */
import { exactNumber, toNumber } from '../../shared/numbers';
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

export function diagram(
  shape: Wire<ShapeView>,
  report: Wire<AnalysisReport> | undefined,
  colorBy: 'activation' | 'derivative',
  onExplain: (layer: number, unit: number, input: number) => void,
  onColorBy: (c: 'activation' | 'derivative') => void,
): HTMLElement {
  const columns: Column[] = [
    { name: 'input', units: toNumber(shape.input) },
    ...shape.layers.map((l) => ({ name: l.name, units: toNumber(l.units) })),
  ];
  const W = Math.max(320, columns.length * 110),
    H = 40 + MAX_DRAWN * 26;
  const cx = (c: number): number => 40 + (c * (W - 80)) / Math.max(1, columns.length - 1);
  const cy = (c: number, j: number): number => 30 + ((j + 0.5) * (H - 50)) / drawn(columns[c].units);
  const root = svg('svg', {
    id: 'diagram-svg',
    class: 'diagram',
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `network: ${columns.map((c) => `${c.units} ${c.name}`).join(' → ')}`,
  });
  const edges = columns.slice(1).reduce((s, c, i) => s + drawn(c.units) * drawn(columns[i].units), 0);
  if (edges <= MAX_EDGES) drawEdges(root, columns, cx, cy, onExplain);
  const values = report?.layers.map((l) =>
    (colorBy === 'activation' ? l.unitMeanActivation : l.unitMeanDerivative).map((v) => toNumber(v)),
  );
  const all = (values ?? []).flat().filter(Number.isFinite);
  const lo = Math.min(0, ...all),
    hi = Math.max(...all, 1e-12);
  columns.forEach((col, c) => {
    const label = svg('text', { class: 'tick', x: cx(c), y: 16, 'text-anchor': 'middle' });
    label.textContent = col.name.length > 12 ? `${col.name.slice(0, 11)}…` : col.name;
    root.append(label);
    for (let j = 0; j < drawn(col.units); j++) {
      const layer = c - 1;
      const lr = layer >= 0 ? report?.layers[layer] : undefined;
      const v = layer >= 0 ? values?.[layer]?.[j] : undefined;
      const dead = lr?.deadUnits.includes(j);
      const saturated = lr?.saturatedUnits.includes(j);
      const cls = [
        'unit',
        v !== undefined ? `heat-${bucket(v, lo, hi, 9)}` : 'input-unit',
        dead ? 'dead' : '',
        saturated ? 'saturated' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const what =
        layer < 0
          ? `input ${j}`
          : `${col.name}[${j}]${v !== undefined ? `: mean ${colorBy === 'activation' ? 'a' : "|f'(z)|"} = ${exactNumber(v)}` : ''}${dead ? ' (dead: z ≤ 0 for every sample)' : ''}${saturated ? ' (saturated)' : ''}${layer >= 0 ? ' · click to explain its bias' : ''}`;
      const node = svg(
        'circle',
        {
          class: cls,
          cx: cx(c),
          cy: cy(c, j),
          r: 9,
          tabindex: layer >= 0 ? 0 : undefined,
          'data-layer-index': layer,
          'data-unit': j,
        },
        tip(what),
      );
      if (layer >= 0) {
        node.addEventListener('click', () => onExplain(layer, j, -1));
        node.addEventListener('keydown', (e) => {
          if ((e as KeyboardEvent).key === 'Enter') onExplain(layer, j, -1);
        });
      }
      root.append(node);
    }
    if (col.units > MAX_DRAWN) {
      const more = svg('text', { class: 'tick', x: cx(c), y: H - 6, 'text-anchor': 'middle' });
      more.textContent = `+${col.units - MAX_DRAWN} more (${col.units})`;
      root.append(more);
    }
  });
  const toggle = el(
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
  return el(
    'div',
    { id: 'diagram' },
    toggle,
    root,
    el(
      'p',
      { class: 'hint' },
      edges <= MAX_EDGES
        ? 'Click a connection to see its gradient taken apart by the chain rule, or a unit for its bias. Dead units are crossed out.'
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
  onExplain: (layer: number, unit: number, input: number) => void,
): void {
  for (let c = 1; c < columns.length; c++) {
    for (let j = 0; j < drawn(columns[c].units); j++) {
      for (let i = 0; i < drawn(columns[c - 1].units); i++) {
        const line = svg(
          'line',
          { class: 'edge', x1: cx(c - 1), y1: cy(c - 1, i), x2: cx(c), y2: cy(c, j), tabindex: 0 },
          tip(
            `weight ${columns[c].name}[${j}] ← ${c === 1 ? 'input' : columns[c - 1].name}[${i}]: click to explain its gradient`,
          ),
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
