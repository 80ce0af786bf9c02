import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_THRESHOLDS, Thresholds } from '../../src/core/diagnosis/thresholds';

const MANIFEST = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const PROPERTIES: Record<string, { default: unknown }> = MANIFEST.contributes.configuration.properties;
const PREFIX = 'gradientDebugger.thresholds.';

suite('threshold settings', () => {
  test('every threshold setting names an entry of the one threshold table, with its default', () => {
    const keys = Object.keys(PROPERTIES).filter((k) => k.startsWith(PREFIX));
    assert.ok(keys.length >= 8, `only ${keys.length} threshold settings`);
    for (const key of keys) {
      const name = key.slice(PREFIX.length) as keyof Thresholds;
      assert.ok(name in DEFAULT_THRESHOLDS, `${key} is not in DEFAULT_THRESHOLDS`);
      assert.strictEqual(PROPERTIES[key].default, DEFAULT_THRESHOLDS[name], key);
    }
  });

  test('one-step and sustained exploding limits are two settable entries (the old key still means one step)', () => {
    assert.strictEqual(PROPERTIES[`${PREFIX}explodingUpdateRatio`].default, 1);
    assert.strictEqual(PROPERTIES[`${PREFIX}sustainedExplodingUpdateRatio`].default, 0.1);
  });
});
