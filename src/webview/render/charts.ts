/** SVG charts drawn from data: log-scale line charts with hovers, histograms, bands. Colours come from CSS classes. */
import { WireNumber, displayNumber, toNumber } from '../../shared/numbers';
import { el, svg, tip } from './dom';
import { orderedStyle, themeRange } from './palette';
import { log10OrUndefined, logAxis } from './scales';

/** One line of a chart: its label and values. */
export interface Series {
  readonly name: string;
  readonly values: readonly WireNumber[];
  /** Extra class (e.g. "highlight"). */
  readonly className?: string;
}

/** How a line chart is drawn: axes, scale, band, labels. */
export interface LineChartOptions {
  readonly id?: string;
  readonly title: string;
  readonly xs: readonly number[];
  readonly xLabel: string;
  readonly series: readonly Series[];
  readonly log: boolean;
  /** A shaded horizontal band [lo, hi] in data units, e.g. the healthy update ratio. */
  readonly band?: { readonly lo: number; readonly hi: number; readonly label: string };
  /** Labels for x ticks (categorical axes such as layer names). */
  readonly xTickLabels?: readonly string[];
  /** x positions to mark (e.g. where a warning starts). */
  readonly marks?: readonly { readonly x: number; readonly label: string }[];
  readonly onPointClick?: (seriesIndex: number, pointIndex: number) => void;
  /** The series are ordered (layers input → output): coloured by depth, labelled directly at their ends. */
  readonly ordered?: boolean;
  /** A fixed y range (e.g. [0, 1] for fractions) instead of one fitted to the values. */
  readonly yDomain?: readonly [number, number];
  /**
   * Whether each value gets a mark with its hover, where a line has at most POINT_MARKS_MAX values (default true).
   * Charts redrawn several times a second leave them out: a hover cannot stay on a mark that is replaced, and
   * thousands of marks made each redraw of the training charts take most of the window's main thread.
   */
  readonly pointMarks?: boolean;
}

/** Most values a line may have for each to get its own mark (more are too dense to hover one by one). */
const POINT_MARKS_MAX = 80;

const W = 560,
  H = 220,
  L = 52,
  T = 14,
  B = 40;
/** The right margin: room for direct labels on ordered charts. */
const rightMargin = (o: LineChartOptions): number => (o.ordered ? 64 : 12);

/** Data-to-pixel mapping of one line chart. */
interface Frame {
  readonly lo: number;
  readonly hi: number;
  readonly x0: number;
  readonly x1: number;
  /** The band's ends on the y axis (log10 on a log chart). */
  readonly bandYs: readonly number[];
  px(x: number): number;
  py(y: number): number;
}

/** A line chart; on a log axis values ≤ 0 or non-finite leave gaps and are listed in the point's hover. */
export function lineChart(o: LineChartOptions): SVGSVGElement {
  const frame = frameOf(o);
  const R = rightMargin(o);
  const root = svg(
    'svg',
    {
      id: o.id,
      class: 'chart',
      viewBox: `0 0 ${W} ${H}`,
      // focusable points make it a group of controls rather than one image
      role: o.onPointClick ? 'group' : 'img',
      'aria-label': `${o.title}. ${chartSummary(o)}`,
    },
    tip(o.title),
  );
  if (o.band) {
    const { py, lo, hi, bandYs } = frame;
    const b0 = py(Math.min(hi, Math.max(lo, bandYs[0]))),
      b1 = py(Math.min(hi, Math.max(lo, bandYs[1])));
    root.append(
      svg('rect', { class: 'band', x: L, y: b1, width: W - L - R, height: Math.max(0, b0 - b1) }, tip(o.band.label)),
    );
  }
  drawYAxis(root, o, frame);
  drawXAxis(root, o, frame);
  for (const m of o.marks ?? [])
    root.append(svg('line', { class: 'mark', x1: frame.px(m.x), x2: frame.px(m.x), y1: T, y2: H - B }, tip(m.label)));
  const range = themeRange(Array.from(document.body.classList));
  o.series.forEach((s, k) => drawSeries(root, o, frame, s, k, range));
  return root;
}

/** The y value a chart plots for `v`: log10 on a log chart; undefined leaves a gap. */
function plotted(o: LineChartOptions, v: WireNumber): number | undefined {
  return o.log ? log10OrUndefined(v) : finiteOrUndefined(v);
}

/** The axes' ranges over every value and the band, and the pixel mapping. */
function frameOf(o: LineChartOptions): Frame {
  const ys = o.series.flatMap((s) => s.values.map((v) => plotted(o, v)));
  const bandYs = o.band ? [o.log ? Math.log10(o.band.lo) : o.band.lo, o.log ? Math.log10(o.band.hi) : o.band.hi] : [];
  const { lo, hi } = o.yDomain
    ? { lo: o.yDomain[0], hi: o.yDomain[1] }
    : o.log
      ? logAxis([...ys, ...bandYs])
      : linearAxis([...ys, ...bandYs]);
  const R = rightMargin(o);
  const x0 = o.xs[0] ?? 0,
    x1 = o.xs.length > 1 ? o.xs[o.xs.length - 1] : x0 + 1;
  return {
    lo,
    hi,
    x0,
    x1,
    bandYs,
    px: (x) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R),
    py: (y) => T + (1 - (y - lo) / (hi - lo || 1)) * (H - T - B),
  };
}

/** Horizontal grid lines with their labels: whole decades on a log axis, ends and middle on a linear one. */
function drawYAxis(root: SVGSVGElement, o: LineChartOptions, { lo, hi, py }: Frame): void {
  const R = rightMargin(o);
  const ticks = o.log
    ? Array.from(
        { length: Math.min(hi - lo, 12) + 1 },
        (_, i) => lo + Math.round((i * (hi - lo)) / Math.min(hi - lo, 12)),
      )
    : [lo, (lo + hi) / 2, hi];
  for (const t of ticks) {
    root.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: py(t), y2: py(t) }));
    const label = svg('text', { class: 'tick', x: L - 6, y: py(t) + 4, 'text-anchor': 'end' });
    label.textContent = o.log ? `1e${t}` : displayNumber(t);
    root.append(label);
  }
}

/** X tick labels (at most about ten, long names shortened) and the axis title. */
function drawXAxis(root: SVGSVGElement, o: LineChartOptions, { x0, x1, px }: Frame): void {
  const R = rightMargin(o);
  const xTicks = o.xTickLabels
    ? o.xs.map((x, i) => ({ x, label: o.xTickLabels![i] }))
    : niceXTicks(x0, x1).map((x) => ({ x, label: String(x) }));
  const every = Math.max(1, Math.ceil(xTicks.length / 10));
  xTicks.forEach((t, i) => {
    if (i % every) return;
    const label = svg('text', { class: 'tick', x: px(t.x), y: H - B + 16, 'text-anchor': 'middle' });
    label.textContent = t.label.length > 10 ? `${t.label.slice(0, 9)}…` : t.label;
    root.append(label);
  });
  const xl = svg('text', { class: 'axis-label', x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' });
  xl.textContent = o.xLabel;
  root.append(xl);
}

/** How series k is drawn: a theme colour class, or (ordered) a depth colour and dash as attributes. */
function seriesLook(
  o: LineChartOptions,
  k: number,
  range: readonly [number, number],
): { cls: string; stroke?: string; dash?: string } {
  if (!o.ordered) return { cls: `series series-${k % 8}` };
  const { stroke, dash } = orderedStyle(k, o.series.length, range);
  return { cls: 'series ordered', stroke, dash: dash || undefined };
}

/**
 * One series in a group: its line (broken at gaps), its points (all of them up to 80, else the last),
 * × marks for gaps, and (ordered charts) a direct label at its end: always on the first and last
 * series, on hover or focus for the others.
 */
function drawSeries(
  root: SVGSVGElement,
  o: LineChartOptions,
  { px, py }: Frame,
  s: Series,
  k: number,
  range: readonly [number, number],
): void {
  const look = seriesLook(o, k, range);
  const cls = `${look.cls}${s.className ? ` ${s.className}` : ''}`;
  const group = svg('g', { class: 'series-group' });
  let d = '';
  let pen = false;
  let end: { x: number; y: number } | undefined;
  s.values.forEach((v, i) => {
    const y = plotted(o, v);
    if (y === undefined) {
      pen = false;
      return;
    }
    end = { x: px(o.xs[i]), y: py(y) };
    d += `${pen ? 'L' : 'M'}${end.x.toFixed(1)},${end.y.toFixed(1)}`;
    pen = true;
  });
  if (d) group.append(svg('path', { class: cls, d, stroke: look.stroke, 'stroke-dasharray': look.dash }, tip(s.name)));
  const showPoints = o.pointMarks !== false && s.values.length <= POINT_MARKS_MAX;
  s.values.forEach((v, i) => {
    const y = plotted(o, v);
    const label = `${s.name} at ${o.xTickLabels?.[i] ?? `${o.xLabel} ${o.xs[i]}`}: ${String(toNumber(v))}`;
    if (y === undefined) {
      if (showPoints)
        group.append(
          svg('text', { class: 'missing', x: px(o.xs[i]), y: H - B - 4, 'text-anchor': 'middle' }, '×', tip(label)),
        );
      return;
    }
    if (!showPoints && i !== s.values.length - 1) return;
    group.append(pointMark(o, cls, look.stroke, px(o.xs[i]), py(y), v, label, k, i));
  });
  if (o.ordered && end) {
    const always = k === 0 || k === o.series.length - 1;
    const t = svg('text', {
      class: `direct-label${always ? '' : ' hover-only'}`,
      x: W - rightMargin(o) + 6,
      y: end.y + 4,
      fill: look.stroke,
    });
    t.textContent = s.name.length > 9 ? `${s.name.slice(0, 8)}…` : s.name;
    group.append(t);
  }
  root.append(group);
}

/** One data point: a circle with its value in the hover, clickable (or Enter) when the chart says so. */
function pointMark(
  o: LineChartOptions,
  cls: string,
  fill: string | undefined,
  cx: number,
  cy: number,
  v: WireNumber,
  label: string,
  k: number,
  i: number,
): SVGCircleElement {
  const c = svg(
    'circle',
    {
      class: `point ${cls}`,
      cx,
      cy,
      r: 3.5,
      fill,
      tabindex: o.onPointClick ? 0 : undefined,
      role: o.onPointClick ? 'button' : undefined,
      'aria-label': o.onPointClick ? label : undefined,
      'data-value': String(toNumber(v)),
    },
    tip(label),
  );
  if (o.onPointClick) {
    c.addEventListener('click', () => o.onPointClick!(k, i));
    c.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') o.onPointClick!(k, i);
    });
  }
  return c;
}

/** A legend for the series of a chart; `ordered` draws depth colours and dashes as in the chart. */
export function legend(series: readonly Series[], ordered = false): HTMLElement {
  const range = themeRange(Array.from(document.body.classList));
  const ul = document.createElement('ul');
  ul.className = 'legend';
  series.forEach((s, k) => {
    const li = document.createElement('li');
    if (ordered) {
      const { stroke, dash } = orderedStyle(k, series.length, range);
      li.append(
        svg(
          'svg',
          { class: 'swatch-line', width: 22, height: 10, viewBox: '0 0 22 10', 'aria-hidden': 'true' },
          svg('line', {
            x1: 1,
            x2: 21,
            y1: 5,
            y2: 5,
            stroke,
            'stroke-width': 3,
            'stroke-dasharray': dash || undefined,
          }),
        ),
        s.name,
      );
    } else {
      const swatch = document.createElement('span');
      swatch.className = `swatch series-${k % 8}`;
      li.append(swatch, s.name);
    }
    ul.append(li);
  });
  return ul;
}

/** A chart's figures in one or two sentences (the text alternative shown under every chart). */
export function chartSummary(o: LineChartOptions): string {
  if (o.xTickLabels) return o.series.map((s) => acrossLayers(s, o.xTickLabels!)).join('; ') + '.';
  const last = o.xs.length - 1;
  if (last < 0) return 'No data yet.';
  if (o.series.length === 1) {
    const [s] = o.series;
    return `${s.name} ${trend(s.values[0], s.values[last])} from ${displayNumber(s.values[0])} at ${o.xLabel} ${
      o.xs[0]
    } to ${displayNumber(s.values[last])} at ${o.xLabel} ${o.xs[last]}.`;
  }
  const at = o.series.map((s) => ({ name: s.name, v: toNumber(s.values[last]) })).filter((p) => Number.isFinite(p.v));
  if (!at.length) return `At ${o.xLabel} ${o.xs[last]} no value is finite.`;
  const lo = at.reduce((a, b) => (b.v < a.v ? b : a));
  const hi = at.reduce((a, b) => (b.v > a.v ? b : a));
  return `At ${o.xLabel} ${o.xs[last]}, ${o.title} ranges from ${displayNumber(lo.v)} at ${lo.name} to ${displayNumber(
    hi.v,
  )} at ${hi.name}.`;
}

/** "falls", "rises" or "stays" between two values. */
function trend(from: WireNumber, to: WireNumber): string {
  const a = toNumber(from),
    b = toNumber(to);
  return !(Number.isFinite(a) && Number.isFinite(b)) || a === b ? 'goes' : b < a ? 'falls' : 'rises';
}

/** A per-layer series read output to input: "‖∂E/∂W‖ falls from 0.19 at out to 1.5e-9 at h1". */
function acrossLayers(s: Series, names: readonly string[]): string {
  const n = s.values.length - 1;
  if (n < 0) return `${s.name}: no layers`;
  const [first, last] = [displayNumber(s.values[0]), displayNumber(s.values[n])];
  return `${s.name} ${trend(s.values[n], s.values[0])} from ${last} at ${names[n]} to ${first} at ${names[0]}`;
}

/** A chart's text summary as a paragraph under it. */
export function summaryParagraph(o: LineChartOptions): HTMLElement {
  return el('p', { class: 'chart-summary' }, chartSummary(o));
}

/** A histogram as bars; `marker` draws a vertical line at a value (e.g. the mean). */
export function histogram(
  title: string,
  h: { min: WireNumber; max: WireNumber; counts: readonly WireNumber[] },
  className: string,
  marker?: { value: number; label: string },
): SVGSVGElement {
  const w = 260,
    hgt = 90,
    pad = 4;
  const counts = h.counts.map(toNumber);
  const max = Math.max(1, ...counts);
  const lo = toNumber(h.min),
    hi = toNumber(h.max);
  const n = counts.length;
  const bw = (w - 2 * pad) / Math.max(1, n);
  const root = svg(
    'svg',
    {
      class: `histogram ${className}`,
      viewBox: `0 0 ${w} ${hgt + 18}`,
      role: 'img',
      'aria-label': `${title}: from ${displayNumber(lo)} to ${displayNumber(hi)}`,
    },
    tip(title),
  );
  counts.forEach((c, i) => {
    const bh = (c / max) * (hgt - pad);
    const from = lo + ((hi - lo) * i) / n,
      to = lo + ((hi - lo) * (i + 1)) / n;
    root.append(
      svg(
        'rect',
        { class: 'bar', x: pad + i * bw, y: hgt - bh, width: Math.max(0.5, bw - 1), height: bh },
        tip(`${c} values in [${from}, ${to})`),
      ),
    );
  });
  if (marker && Number.isFinite(marker.value) && hi > lo) {
    const x = pad + ((marker.value - lo) / (hi - lo)) * (w - 2 * pad);
    root.append(svg('line', { class: 'mark', x1: x, x2: x, y1: 0, y2: hgt }, tip(marker.label)));
  }
  const a = svg('text', { class: 'tick', x: pad, y: hgt + 14 });
  a.textContent = displayNumber(lo);
  const b = svg('text', { class: 'tick', x: w - pad, y: hgt + 14, 'text-anchor': 'end' });
  b.textContent = displayNumber(hi);
  root.append(a, b);
  return root;
}

function finiteOrUndefined(v: WireNumber): number | undefined {
  const n = toNumber(v);
  return Number.isFinite(n) ? n : undefined;
}

function linearAxis(values: readonly (number | undefined)[]): { lo: number; hi: number } {
  const f = values.filter((v): v is number => v !== undefined);
  if (!f.length) return { lo: 0, hi: 1 };
  let lo = Math.min(...f),
    hi = Math.max(...f);
  if (lo === hi) {
    lo -= Math.abs(lo) || 1;
    hi += Math.abs(hi) || 1;
  }
  const pad = (hi - lo) * 0.05;
  return { lo: lo - pad, hi: hi + pad };
}

function niceXTicks(x0: number, x1: number): number[] {
  const span = Math.max(1, x1 - x0);
  const step =
    10 ** Math.floor(Math.log10(span / 4)) *
    ([1, 2, 5].find((m) => span / (10 ** Math.floor(Math.log10(span / 4)) * m) <= 6) ?? 10);
  const out: number[] = [];
  for (let x = Math.ceil(x0 / step) * step; x <= x1; x += step) out.push(x);
  return out;
}
