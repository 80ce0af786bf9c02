import * as assert from 'assert';
import { SOLID_LINES_MAX, orderedStyle, themeRange, viridis } from '../../src/webview/render/palette';

/** WCAG relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

suite('chart palette: layers coloured by depth', () => {
  test("viridis returns matplotlib's samples at their positions and interpolates between them", () => {
    assert.strictEqual(viridis(0), '#440154');
    assert.strictEqual(viridis(0.5), '#21918c');
    assert.strictEqual(viridis(1), '#fde725');
    // halfway between the samples at 0 and 1/8: (0x44+0x47)/2 = 69.5 → 70 = 0x46, (0x01+0x2d)/2 = 23, (0x54+0x7b)/2 = 103.5 → 104
    assert.strictEqual(viridis(1 / 16), '#461768');
    assert.strictEqual(viridis(-1), viridis(0));
    assert.strictEqual(viridis(2), viridis(1));
  });

  test('lightness rises with depth on every theme, so order reads without hue', () => {
    for (const classes of [
      ['vscode-dark'],
      ['vscode-light'],
      ['vscode-high-contrast'],
      ['vscode-high-contrast-light'],
    ]) {
      const range = themeRange(classes);
      const l = Array.from({ length: 9 }, (_, k) => luminance(orderedStyle(k, 9, range).stroke));
      for (let k = 1; k < l.length; k++) assert.ok(l[k] > l[k - 1], `${classes[0]}: layer ${k} is not lighter`);
    }
  });

  test('dark themes drop the darkest end and light themes the yellow end', () => {
    assert.ok(themeRange(['vscode-dark'])[0] > 0);
    assert.strictEqual(themeRange(['vscode-dark'])[1], 1);
    assert.strictEqual(themeRange(['vscode-light'])[0], 0);
    assert.ok(themeRange(['vscode-light'])[1] < 1);
    assert.ok(themeRange(['vscode-high-contrast-light'])[1] < themeRange(['vscode-light'])[1]);
  });

  test('up to eight lines are solid; beyond, neighbouring lines differ in dash as well as colour', () => {
    const range = themeRange(['vscode-dark']);
    const eight = Array.from({ length: SOLID_LINES_MAX }, (_, k) => orderedStyle(k, SOLID_LINES_MAX, range));
    assert.ok(eight.every((s) => s.dash === ''));
    const nine = Array.from({ length: 9 }, (_, k) => orderedStyle(k, 9, range));
    assert.strictEqual(new Set(nine.map((s) => `${s.stroke} ${s.dash}`)).size, 9);
    for (let k = 1; k < nine.length; k++) assert.notStrictEqual(nine[k].dash, nine[k - 1].dash);
    assert.strictEqual(nine[0].dash, '');
  });

  test('a single line takes the end of the range', () => {
    assert.strictEqual(orderedStyle(0, 1, [0, 1]).stroke, viridis(1));
  });
});
