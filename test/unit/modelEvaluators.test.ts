/**
 * Independent evaluators of exported models: onnxruntime-web (its WebAssembly backend, in Node) runs
 * every exported ONNX model and agrees with our forward pass; Debian's PyTorch runs every exported
 * script and its full-batch gradients agree with ours to 1e-10 (skipped, with a message, without torch).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../src/cli/main';
import { nodeIo } from '../../src/cli/io';
import { LoadedNetwork } from '../../src/core/load';
import { exportModel } from '../../src/core/modelio/exportModel';
import { ExportDtype, encodeOnnx } from '../../src/core/modelio/onnxExport';
import { sequentialModules } from '../../src/core/modelio/pytorchScript';
import { networks } from './exportedNetworks';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort = require('onnxruntime-web') as typeof import('onnxruntime-web');
ort.env.wasm.numThreads = 1;

/** Our forward pass on the first `n` samples. */
function ours(loaded: LoadedNetwork, n: number): Float64Array {
  const { network, dataset } = loaded;
  return Float64Array.from(
    network.forward(dataset.inputs.subarray(0, n * dataset.inputSize), n).subarray(0, n * network.output.units),
  );
}

/** onnxruntime's output for `bytes` on the first `n` samples, or undefined when it has no kernel for this dtype. */
async function theirs(
  loaded: LoadedNetwork,
  bytes: Uint8Array,
  dtype: ExportDtype,
  n: number,
): Promise<Float64Array | undefined> {
  let session;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  } catch (e) {
    if (/Could not find an implementation/.test(String(e))) return undefined;
    throw e;
  }
  const { dataset } = loaded;
  const x = dataset.inputs.subarray(0, n * dataset.inputSize);
  const input = new ort.Tensor(dtype, dtype === 'float64' ? Float64Array.from(x) : Float32Array.from(x), [
    n,
    dataset.inputSize,
  ]);
  const out = await session.run({ input });
  await session.release();
  return Float64Array.from(out.output.data as Float64Array | Float32Array);
}

suite('onnxruntime-web runs every exported model and agrees with our forward pass', () => {
  const ran: string[] = [];
  suiteTeardown(() => console.log(`      onnxruntime-web dtypes: ${ran.join(', ')}`));
  for (const { name, text, loaded } of networks()) {
    test(name, async () => {
      const n = Math.min(loaded.dataset.samples, 64);
      const expected = ours(loaded, n);
      const model = exportModel(text, loaded);
      // float64 where onnxruntime has double kernels for every op (Gemm, Relu, Sigmoid, Tanh, Softmax...), else float32
      let dtype: ExportDtype = 'float64';
      let actual = await theirs(loaded, encodeOnnx(model, dtype), dtype, n);
      if (!actual) {
        dtype = 'float32';
        actual = await theirs(loaded, encodeOnnx(model, dtype), dtype, n);
      }
      assert.ok(actual, `${name}: onnxruntime could not run the model`);
      ran.push(`${name} ${dtype}`);
      const scale = Math.max(...expected.map(Math.abs), 1e-300);
      const tol = dtype === 'float64' ? 1e-12 : 1e-5;
      assert.strictEqual(actual.length, expected.length);
      expected.forEach((v, k) =>
        assert.ok(
          Math.abs(actual![k] - v) <= tol * scale,
          `${name} ${dtype} output[${k}]: onnxruntime ${actual![k]}, ours ${v}`,
        ),
      );
    });
  }
});

const PYTHON = '/usr/bin/python3';
const HAS_TORCH = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

/** Runs each script's gradients() in one Python process; returns {loss, gradients by state-dict key} per script. */
function runScripts(scripts: readonly string[]): { loss: number; gradients: Record<string, number[] | number[][]> }[] {
  const driver = `import json, runpy, sys\nfor p in sys.argv[1:]:\n    print(json.dumps(runpy.run_path(p, run_name="exported")["gradients"]()))`;
  const run = spawnSync(PYTHON, ['-c', driver, ...scripts], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.strictEqual(run.status, 0, run.stderr);
  return run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

suite('the PyTorch script reproduces our gradients (Debian python3-torch, float64)', () => {
  test('every exported script: full-batch loss, ∂E/∂W and ∂E/∂b within 1e-10', function () {
    if (!HAS_TORCH) {
      console.log(`      SKIPPED: ${PYTHON} has no torch (apt-get install python3-torch to run this test)`);
      this.skip();
    }
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-export-'));
    const nets = networks();
    const scripts = nets.map(({ name, text }, i) => {
      const file = name.endsWith('.net.json')
        ? path.join(__dirname, '..', '..', '..', 'examples', name)
        : path.join(dir, `net${i}.net.json`);
      if (!name.endsWith('.net.json')) fs.writeFileSync(file, text);
      const out = path.join(dir, `net${i}.py`);
      const io = { ...nodeIo(), out: () => undefined, err: (t: string) => assert.fail(`${name}: ${t}`) };
      assert.strictEqual(runCli(['export', file, '--pytorch', out], io), 0, name);
      return out;
    });
    assert.ok(
      fs.existsSync(path.join(dir, `net${nets.findIndex((n) => n.name === 'large')}.safetensors`)),
      'the large network has a sidecar',
    );
    runScripts(scripts).forEach((torch, i) => {
      const { name, loaded, text } = nets[i];
      const { network, dataset } = loaded;
      const loss = network.lossAndGradients(dataset.inputs, dataset.targets, dataset.samples);
      const near = (a: number, b: number, where: string) =>
        assert.ok(
          Math.abs(a - b) <= 1e-10 * Math.abs(b) || Math.abs(a - b) <= 1e-12,
          `${name} ${where}: ours ${a}, torch ${b}`,
        );
      near(loss, torch.loss, 'loss');
      const keys = sequentialModules(exportModel(text, loaded)).keys;
      network.layers.forEach((layer, l) => {
        (torch.gradients[`${keys[l]}.weight`] as number[][])
          .flat()
          .forEach((g, k) => near(layer.gradWeights[k], g, `${layer.name} ∂E/∂W[${k}]`));
        (torch.gradients[`${keys[l]}.bias`] as number[]).forEach((g, k) =>
          near(layer.gradBias[k], g, `${layer.name} ∂E/∂b[${k}]`),
        );
      });
    });
    fs.rmSync(dir, { recursive: true });
  });
});
