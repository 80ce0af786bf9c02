/**
 * Small SVG charts as strings, for exported reports (the webview draws its own live charts with the
 * DOM). Log-scale line charts of per-layer series; colours are fixed here because exported files
 * have no theme.
 */
import { formatNumber } from '../shared/numbers';

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A line chart of several series over a shared x axis; `log` plots log10 of the positive values. */
export function lineChartSvg(
  title: string,
  xs: readonly number[],
  series: readonly { name: string; values: readonly number[] }[],
  log: boolean,
  xLabel: string,
): string {
  const W = 640,
    H = 320,
    L = 64,
    R = 150,
    T = 32,
    B = 40;
  const tx = (v: number): number => (log ? Math.log10(v) : v);
  const finite = series.flatMap((s) => s.values.filter((v) => Number.isFinite(v) && (!log || v > 0)).map(tx));
  let lo = finite.length ? Math.min(...finite) : 0,
    hi = finite.length ? Math.max(...finite) : 1;
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  if (log) {
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
  }
  const x0 = xs.length ? xs[0] : 0,
    x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 1;
  const px = (x: number): number => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R);
  const py = (y: number): number => T + (1 - (y - lo) / (hi - lo)) * (H - T - B);
  const ticks = log ? Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) : [lo, (lo + hi) / 2, hi];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      'font-family="sans-serif" font-size="11">',
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${L}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${L}" x2="${W - R}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>` +
        `<text x="${L - 6}" y="${py(t) + 4}" text-anchor="end">${log ? `1e${t}` : formatNumber(t)}</text>`,
    ),
    `<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
  ];
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const pts = s.values
      .map((v, i) => (Number.isFinite(v) && (!log || v > 0) ? `${px(xs[i]).toFixed(1)},${py(tx(v)).toFixed(1)}` : ''))
      .filter(Boolean);
    if (pts.length === 1)
      parts.push(`<circle cx="${pts[0].split(',')[0]}" cy="${pts[0].split(',')[1]}" r="3" fill="${color}"/>`);
    else if (pts.length)
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    parts.push(
      `<rect x="${W - R + 12}" y="${T + k * 16}" width="10" height="10" fill="${color}"/>` +
        `<text x="${W - R + 26}" y="${T + k * 16 + 9}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
