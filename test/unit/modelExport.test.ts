/**
 * Export and the round trip: import(export(net)) gives the same network file, weights bit for bit in
 * float64 (ONNX and safetensors); onnxruntime-web (an independent evaluator) runs every exported model
 * and agrees with our forward pass; the PyTorch script's gradients match ours to 1e-10 (run with
 * Debian's /usr/bin/python3 when it has torch, skipped with a message otherwise).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LoadedNetwork, loadNetwork } from '../../src/core/load';
import { EXAMPLES, networks } from './exportedNetworks';
import { exportModel } from '../../src/core/modelio/exportModel';
import { importOnnx, importSafetensors } from '../../src/core/modelio/importModel';
import { encodeOnnx } from '../../src/core/modelio/onnxExport';
import { sequentialModules } from '../../src/core/modelio/pytorchScript';
import { encodeSafetensors, writeSafetensors } from '../../src/core/modelio/safetensors';

/** The parameters of a loaded network, layer by layer. */
function parameters(loaded: LoadedNetwork): Float64Array[] {
  return loaded.network.layers.flatMap((l) => [l.weights, l.bias]);
}

/** Every value identical, bit for bit (Object.is tells −0 from 0). */
function assertBitwise(actual: Float64Array[], expected: Float64Array[], where: string): void {
  assert.strictEqual(actual.length, expected.length, `${where}: tensor count`);
  expected.forEach((e, t) => {
    assert.strictEqual(actual[t].length, e.length, `${where}: tensor ${t} length`);
    e.forEach((v, k) => assert.ok(Object.is(actual[t][k], v), `${where}: tensor ${t}[${k}] ${actual[t][k]} ≠ ${v}`));
  });
}

/** The spec without the explicit-or-initialised distinction (init is replaced by explicit weights on export). */
function shape(loaded: LoadedNetwork): unknown {
  const { spec } = loaded;
  return { ...spec, layers: spec.layers.map((l) => ({ name: l.name, units: l.units, activation: l.activation })) };
}

function reload(text: string): LoadedNetwork {
  const { loaded, problems } = loadNetwork(text, {
    readCsv: (rel) => fs.readFileSync(path.join(EXAMPLES, rel), 'utf8'),
  });
  assert.ok(loaded, problems.map((p) => p.message).join('; '));
  return loaded;
}

suite('export: the round trip is exact', () => {
  for (const { name, text, loaded } of networks()) {
    test(`${name}: import(export ONNX) is the same network, weights bit for bit; a second trip gives the same file`, () => {
      const first = importOnnx(encodeOnnx(exportModel(text, loaded)));
      assert.ok(!first.error, first.error);
      const back = reload(first.text!);
      assert.deepStrictEqual(shape(back), shape(loaded));
      assertBitwise(parameters(back), parameters(loaded), name);
      const second = importOnnx(encodeOnnx(exportModel(first.text!, back)));
      assert.strictEqual(second.text, first.text);
    });

    test(`${name}: import(export safetensors) is the same network, weights bit for bit`, () => {
      const model = exportModel(text, loaded);
      const result = importSafetensors(encodeSafetensors(model, sequentialModules(model).keys));
      assert.ok(!result.error, result.error);
      const back = reload(result.text!);
      assert.deepStrictEqual(shape(back), shape(loaded));
      assertBitwise(parameters(back), parameters(loaded), name);
    });
  }

  test('float32 export rounds each weight to the nearest float32 (and converts back exactly)', () => {
    const { text, loaded } = networks().find((n) => n.name === 'every-activation')!;
    const back = reload(importOnnx(encodeOnnx(exportModel(text, loaded), 'float32')).text!);
    assertBitwise(
      parameters(back),
      parameters(loaded).map((p) => p.map(Math.fround)),
      'float32',
    );
  });
});

suite('safetensors import: refusals and plain state dicts', () => {
  const linear = (name: string, units: number, inputs: number) => [
    { name: `${name}.weight`, shape: [units, inputs], values: Array.from({ length: units * inputs }, (_, k) => k / 7) },
    { name: `${name}.bias`, shape: [units], values: Array.from({ length: units }, (_, k) => -k) },
  ];
  const stateDict = writeSafetensors(
    [...linear('0', 4, 3), ...linear('2', 4, 4), ...linear('10', 2, 4)],
    [],
    'float32',
  );

  test('a state dict without our metadata takes --activations, layers in module order (2 before 10)', () => {
    const result = importSafetensors(stateDict, { activations: ['relu', 'tanh', 'linear'] });
    assert.ok(!result.error, result.error);
    const spec = JSON.parse(result.text!) as { input: number; layers: { units: number; activation: string }[] };
    assert.deepStrictEqual(
      [spec.input, ...spec.layers.map((l) => `${l.units}:${l.activation}`)],
      [3, '4:relu', '4:tanh', '2:linear'],
    );
  });

  test('refused with a message: no activations, wrong count, truncated, wrong magic, 500 MB header, bad dtype', () => {
    const error = (bytes: Uint8Array, activations?: string[]) => importSafetensors(bytes, { activations }).error ?? '';
    assert.match(error(stateDict), /does not say its activations: pass them/);
    assert.match(error(stateDict, ['relu']), /1 activations given for 3 Linear layers/);
    assert.match(error(stateDict.subarray(0, stateDict.length - 3), ['relu', 'relu', 'relu']), /truncated/);
    assert.match(error(stateDict.subarray(0, 5)), /truncated/);
    const wrongMagic = Uint8Array.from(stateDict);
    wrongMagic[8] = 0x5b;
    assert.match(error(wrongMagic), /wrong magic/);
    const huge = new Uint8Array(64);
    new DataView(huge.buffer).setUint32(0, 500_000_000, true);
    assert.match(error(huge), /header declares 500000000 bytes/);
    const f16 = new TextEncoder().encode('{"0.weight":{"dtype":"F16","shape":[1,1],"data_offsets":[0,2]}}');
    const bytes = new Uint8Array(8 + f16.length + 2);
    new DataView(bytes.buffer).setUint32(0, f16.length, true);
    bytes.set(f16, 8);
    assert.match(error(bytes, ['relu']), /dtype F16; only F32 and F64/);
  });
});
