/**
 * Colours for ordered series (layers input → output, percentiles): the viridis map, which is
 * perceptually ordered and colour-blind safe, clipped per theme so no line fades into the background,
 * and dash patterns that tell neighbouring lines apart when there are more than eight.
 */

/** Viridis sampled at 0, 1/8, …, 1 (matplotlib's values). */
const VIRIDIS = [
  [0x44, 0x01, 0x54],
  [0x47, 0x2d, 0x7b],
  [0x3b, 0x52, 0x8b],
  [0x2c, 0x72, 0x8e],
  [0x21, 0x91, 0x8c],
  [0x28, 0xae, 0x80],
  [0x5e, 0xc9, 0x62],
  [0xad, 0xdc, 0x30],
  [0xfd, 0xe7, 0x25],
] as const;

/** Dash patterns cycled over neighbouring lines when more than eight share a chart (solid first). */
const DASHES = ['', '7 3', '2 3', '9 3 2 3'] as const;

/** Lines drawn with colour alone, before dash patterns are added. */
export const SOLID_LINES_MAX = 8;

/** The colour of viridis at t ∈ [0, 1] (linear between the samples), as #rrggbb. */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const hex = [0, 1, 2].map((c) =>
    Math.round(VIRIDIS[i][c] + f * (VIRIDIS[i + 1][c] - VIRIDIS[i][c]))
      .toString(16)
      .padStart(2, '0'),
  );
  return `#${hex.join('')}`;
}

/** The part of viridis that reads on a theme: dark themes drop the dark end, light themes the yellow end. */
export function themeRange(bodyClasses: readonly string[]): readonly [number, number] {
  if (bodyClasses.includes('vscode-high-contrast-light')) return [0, 0.62];
  if (bodyClasses.includes('vscode-high-contrast')) return [0.42, 1];
  if (bodyClasses.includes('vscode-light')) return [0, 0.78];
  return [0.3, 1];
}

/** Stroke colour and dash of line k of n ordered lines (k = 0 is the first layer). */
export function orderedStyle(k: number, n: number, range: readonly [number, number]): { stroke: string; dash: string } {
  const t = n > 1 ? k / (n - 1) : 1;
  return {
    stroke: viridis(range[0] + t * (range[1] - range[0])),
    dash: n > SOLID_LINES_MAX ? DASHES[k % DASHES.length] : '',
  };
}
