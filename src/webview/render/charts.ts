/** SVG charts drawn from data: log-scale line charts with hovers, histograms, bands. Colours come from CSS classes. */
import { WireNumber, displayNumber, toNumber } from '../../shared/numbers';
import { svg, tip } from './dom';
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
}

const W = 560,
  H = 220,
  L = 52,
  R = 12,
  T = 14,
  B = 40;

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
  const root = svg(
    'svg',
    { id: o.id, class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${o.title}. ${summary(o)}` },
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
  o.series.forEach((s, k) => drawSeries(root, o, frame, s, k));
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
  const { lo, hi } = o.log ? logAxis([...ys, ...bandYs]) : linearAxis([...ys, ...bandYs]);
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

/**
 * One series: its line (broken at gaps), then its points (all of them up to 80, else the last)
 * and × marks for gaps.
 */
function drawSeries(root: SVGSVGElement, o: LineChartOptions, { px, py }: Frame, s: Series, k: number): void {
  const cls = `series series-${k % 8}${s.className ? ` ${s.className}` : ''}`;
  let d = '';
  let pen = false;
  s.values.forEach((v, i) => {
    const y = plotted(o, v);
    if (y === undefined) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${px(o.xs[i]).toFixed(1)},${py(y).toFixed(1)}`;
    pen = true;
  });
  if (d) root.append(svg('path', { class: cls, d }));
  const showPoints = s.values.length <= 80;
  s.values.forEach((v, i) => {
    const y = plotted(o, v);
    const label = `${s.name} at ${o.xTickLabels?.[i] ?? `${o.xLabel} ${o.xs[i]}`}: ${String(toNumber(v))}`;
    if (y === undefined) {
      if (showPoints)
        root.append(
          svg('text', { class: 'missing', x: px(o.xs[i]), y: H - B - 4, 'text-anchor': 'middle' }, '×', tip(label)),
        );
      return;
    }
    if (!showPoints && i !== s.values.length - 1) return;
    const c = svg(
      'circle',
      {
        class: `point ${cls}`,
        cx: px(o.xs[i]),
        cy: py(y),
        r: 3.5,
        tabindex: o.onPointClick ? 0 : undefined,
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
    root.append(c);
  });
}

/** A legend for the series of a chart. */
export function legend(series: readonly Series[]): HTMLElement {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  series.forEach((s, k) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch series-${k % 8}`;
    li.append(swatch, s.name);
    ul.append(li);
  });
  return ul;
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

function summary(o: LineChartOptions): string {
  return o.series
    .map((s) => `${s.name}: ${s.values.map((v) => displayNumber(v)).join(', ')}`)
    .join('; ')
    .slice(0, 600);
}
