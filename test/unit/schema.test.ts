import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ACTIVATIONS } from '../../src/core/nn/activations';
import { LOSSES } from '../../src/core/nn/losses';
import { GENERATOR_NAMES, INIT_NAMES, LOSS_NAMES, OPTIMIZER_NAMES } from '../../src/core/format/spec';
import { ACTIVATION_NAMES } from '../../src/core/format/activationFacts';

const schema = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'media', 'network.schema.json'), 'utf8'),
);

suite('JSON schema agrees with the core registries', () => {
  test('activation enum = ACTIVATION_NAMES = the activation registry', () => {
    assert.deepStrictEqual(schema.definitions.activationName.enum, [...ACTIVATION_NAMES]);
    assert.deepStrictEqual(Object.keys(ACTIVATIONS).sort(), [...ACTIVATION_NAMES].sort());
    assert.strictEqual(schema.definitions.activationName.enumDescriptions.length, ACTIVATION_NAMES.length);
  });

  test('loss enum = LOSS_NAMES = the loss registry', () => {
    assert.deepStrictEqual(schema.properties.loss.enum, [...LOSS_NAMES]);
    assert.deepStrictEqual(Object.keys(LOSSES).sort(), [...LOSS_NAMES].sort());
  });

  test('optimizer, generator and init names match', () => {
    assert.deepStrictEqual(schema.properties.training.properties.optimizer.enum, [...OPTIMIZER_NAMES]);
    assert.deepStrictEqual(schema.properties.data.oneOf[1].properties.generate.enum, [...GENERATOR_NAMES]);
    const init = schema.definitions.layer.properties.init.oneOf;
    assert.deepStrictEqual(
      [...init[0].enum, init[1].properties.type.const, init[2].properties.type.const],
      [...INIT_NAMES],
    );
  });

  test('every property has a description (they are the editor hovers)', () => {
    const missing: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      const obj = node as Record<string, unknown>;
      if (obj.properties) {
        for (const [k, v] of Object.entries(obj.properties as Record<string, Record<string, unknown>>)) {
          if (!v.description && !v.$ref) missing.push(`${at}.${k}`);
          walk(v, `${at}.${k}`);
        }
      }
      for (const key of ['oneOf', 'items']) {
        const sub = obj[key];
        if (Array.isArray(sub)) sub.forEach((s, i) => walk(s, `${at}.${key}[${i}]`));
        else if (sub) walk(sub, `${at}.${key}`);
      }
      if (obj.definitions) for (const [k, v] of Object.entries(obj.definitions as object)) walk(v, `#${k}`);
    };
    walk(schema, '');
    assert.deepStrictEqual(missing, []);
  });
});
