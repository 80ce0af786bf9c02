/**
 * `npm run bench [-- --quick]`: our float64 core against TensorFlow.js (cpu and wasm backends, float32)
 * on the same networks, weights and batches, in one process and one run. Checks that the gradients
 * agree before timing anything; reports median/min ms per step, samples/s, ratios (peer ÷ ours,
 * > 1 means we are faster), the matrix kernel's GFLOP/s against a measured SIMD probe, heap growth per step, and A5 (analyze).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../src/core/analysis';
import { loadNetwork } from '../src/core/load';
import { matmulABt } from '../src/core/kernels/matmul';
import { simdPeak } from '../src/core/kernels/wasmKernels';
import { Workspace } from '../src/core/kernels/workspace';
import { heapBytesPerCall } from './heapGrowth';
import { Network } from '../src/core/nn/network';
import { createRng } from '../src/core/nn/rng';
import { Dataset } from '../src/core/format/spec';
import { Trainer } from '../src/core/nn/train';
import { tfjsModel } from './tfjsPeer';
import { WORKLOADS, Workload, specOf } from './workloads';

const quick = process.argv.includes('--quick');
/** `--only W2,W3`: just these workloads (for quick comparisons while working on one). */
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const ROOT = process.cwd(); // bench/run.mjs runs the bundle from the repository root
type Timing = { medianMs: number; minMs: number };

/** Median and min of per-step times over `reps` repetitions of `steps` steps, after warming up for `warm` steps and at least 0.3 s (so the JIT has optimised the hot loop). */
function time(step: () => void, steps: number, reps: number, warm: number): Timing {
  const warmEnd = Date.now() + 300;
  for (let i = 0; i < warm || Date.now() < warmEnd; i++) step();
  const per: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < steps; i++) step();
    per.push(Number(process.hrtime.bigint() - t0) / 1e6 / steps);
  }
  per.sort((a, b) => a - b);
  return { medianMs: per[Math.floor(per.length / 2)], minMs: per[0] };
}

function dataFor(w: Workload): Dataset {
  const rng = createRng(7);
  const out = w.layers[w.layers.length - 1].units;
  const inputs = Float64Array.from({ length: w.batch * w.input }, () => 2 * rng.next() - 1);
  const targets = new Float64Array(w.batch * out);
  for (let s = 0; s < w.batch; s++) {
    if (w.loss === 'cross_entropy') targets[s * out + rng.int(out)] = 1;
    else for (let j = 0; j < out; j++) targets[s * out + j] = rng.next();
  }
  return { samples: w.batch, inputSize: w.input, targetSize: out, inputs, targets };
}

/** Largest |ours − tfjs| relative to the layer's largest |gradient|: float32 round-off is ~1e-6 of that. */
function gradientGap(net: Network, tfGrads: Float32Array[]): number {
  let worst = 0;
  net.layers.forEach((l, i) => {
    for (const [ours, theirs] of [
      [l.gradWeights, tfGrads[2 * i]],
      [l.gradBias, tfGrads[2 * i + 1]],
    ] as const) {
      let scale = 1e-30,
        gap = 0;
      for (let k = 0; k < ours.length; k++) {
        scale = Math.max(scale, Math.abs(ours[k]));
        gap = Math.max(gap, Math.abs(ours[k] - theirs[k]));
      }
      worst = Math.max(worst, gap / scale);
    }
  });
  return worst;
}

/**
 * GFLOP/s of C = A·Bᵀ at n×n×n with the kernel the core uses (WebAssembly SIMD, in place in a workspace) and with
 * the TypeScript fallback, against a measured SIMD probe: independent f64x2 add and multiply chains with no memory
 * traffic (src/core/kernels/wasm/gemm.wat `peak`), a lower bound on the machine's float64 SIMD peak that a compute-bound
 * kernel reaches.
 */
function gflops(): { kernel: number; typescript: number; ceiling: number; size: number } {
  const rate = (
    n: number,
    alloc: (length: number) => Float64Array,
    run: (a: Float64Array, b: Float64Array, c: Float64Array, n: number) => void,
    reps: number,
  ): number => {
    const rng = createRng(3);
    const a = alloc(n * n),
      b = alloc(n * n);
    for (let i = 0; i < n * n; i++) {
      a[i] = rng.next();
      b[i] = rng.next();
    }
    const c = alloc(n * n);
    const t = time(() => run(a, b, c, n), 1, reps, 1);
    return (2 * n ** 3) / (t.minMs * 1e6);
  };
  const n = quick ? 256 : 512;
  const ws = Workspace.create();
  if (!ws.simd) throw new Error('WebAssembly SIMD is not available: the benchmark measures the kernel the core uses');
  const kernel = rate(
    n,
    (len) => ws.alloc(len),
    (a, b, c, s) => ws.abt(a, b, c, s, s, s),
    quick ? 3 : 5,
  );
  const typescript = rate(
    n,
    (len) => new Float64Array(len),
    (a, b, c, s) => matmulABt(a, b, c, s, s, s),
    quick ? 3 : 5,
  );
  const ceiling = Math.max(...Array.from({ length: 5 }, () => simdPeak(100_000_000, () => performance.now())));
  return { kernel, typescript, ceiling, size: n };
}

/** A5: one full analyze of a ~1M-parameter network on 32 samples, and of W1 on its 10 samples. */
function analysisTimes(): Record<string, Timing & { parameters: number }> {
  const big = {
    name: 'A5',
    seed: 1,
    input: 1000,
    layers: [
      { units: 600, activation: 'relu' },
      { units: 500, activation: 'relu' },
      { units: 300, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
    loss: 'cross_entropy',
    data: { inputs: [] as number[][], targets: [] as number[][] },
  };
  const rng = createRng(5);
  for (let s = 0; s < 32; s++) {
    big.data.inputs.push(Array.from({ length: 1000 }, () => 2 * rng.next() - 1));
    big.data.targets.push(Array.from({ length: 10 }, (_, j) => (j === s % 10 ? 1 : 0)));
  }
  const w1 = specOf(WORKLOADS[0]);
  const w1Data = dataFor(WORKLOADS[0]);
  const w1Json = {
    ...w1,
    layers: w1.layers.map((l) => ({ name: l.name, units: l.units, activation: l.activation.type, init: l.init.type })),
    data: {
      inputs: Array.from({ length: 10 }, (_, s) => Array.from(w1Data.inputs.subarray(2 * s, 2 * s + 2))),
      targets: Array.from({ length: 10 }, (_, s) => [w1Data.targets[s]]),
    },
    training: undefined,
  };
  const out: Record<string, Timing & { parameters: number }> = {};
  for (const [id, json] of [
    ['A5 ~1M params, 32 samples', big],
    ['A5 W1 network, 10 samples', w1Json],
  ] as const) {
    const { loaded, problems } = loadNetwork(JSON.stringify(json));
    if (!loaded) throw new Error(`A5 spec invalid: ${JSON.stringify(problems)}`);
    const t = time(() => analyze(loaded), id.includes('1M') ? 1 : 200, quick ? 3 : 7, 2);
    out[id] = { ...t, parameters: loaded.network.parameterCount() };
  }
  return out;
}

async function main(): Promise<void> {
  setWasmPaths(path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + path.sep);
  setThreadsCount(1); // single-threaded SIMD: all tfjs allows in Node
  tf.env().set('IS_TEST', false);
  const results: Record<string, unknown> = {
    machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, tfjs ${tf.version_core}`,
    date: new Date().toISOString(),
    quick,
    workloads: {} as Record<string, unknown>,
  };
  const rows: string[][] = [];
  for (const w of WORKLOADS.filter((x) => !only || only.includes(x.id))) {
    const data = dataFor(w);
    const spec = specOf(w);
    const [steps, quickSteps] = w.steps;
    const n = quick ? quickSteps : steps;
    const reps = quick ? 3 : 7;
    const entry: Record<string, unknown> = { title: w.title };
    // ours
    const net = Network.fromSpec(spec);
    const reference = net.clone();
    reference.lossAndGradients(data.inputs, data.targets, w.batch);
    const trainer = new Trainer({ ...spec, training: { ...spec.training, batchSize: w.batch } }, net, data);
    const ours = time(
      () => {
        trainer.gradients();
        trainer.update();
      },
      n,
      reps,
      Math.max(2, Math.ceil(n / 5)),
    );
    const heapBytesPerStep = heapBytesPerCall(
      () => {
        trainer.gradients();
        trainer.update();
      },
      quick ? 8 : 16,
      Math.max(20, Math.ceil(n / 4)),
    ); // ≥ 20 calls a window: the measurement itself allocates
    entry.ours = { ...ours, heapBytesPerStep };
    const row = [
      w.id,
      w.title,
      ours.medianMs.toPrecision(3),
      ours.minMs.toPrecision(3),
      Math.round((w.batch * 1000) / ours.medianMs).toString(),
      heapBytesPerStep.toFixed(0),
    ];
    for (const backend of ['cpu', 'wasm'] as const) {
      if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend)
        throw new Error(`tfjs backend ${backend} could not be initialised`);
      await tf.ready();
      const model = tfjsModel(w, reference, data.inputs, data.targets);
      const gap = gradientGap(reference, model.gradients());
      if (!(gap < 1e-3))
        throw new Error(
          `${w.id}: tfjs-${backend} gradients differ from ours by ${gap} of the layer's largest gradient: not timing a wrong answer`,
        );
      const peerSteps = Math.max(1, Math.round(n * (backend === 'cpu' && w.id === 'W4' ? 0.5 : 1)));
      const peer = time(() => model.step(), peerSteps, reps, Math.max(1, Math.ceil(peerSteps / 5)));
      model.dispose();
      entry[`tfjs-${backend}`] = { ...peer, gradientGap: gap };
      entry[`ratio-${backend}`] = peer.medianMs / ours.medianMs;
      row.push(`${peer.medianMs.toPrecision(3)} (${(peer.medianMs / ours.medianMs).toFixed(1)}×)`);
    }
    (results.workloads as Record<string, unknown>)[w.id] = entry;
    rows.push(row);
    console.error(`${w.id} done`);
  }
  const flops = gflops();
  const a5 = analysisTimes();
  results.matmul = flops;
  results.analysis = a5;
  const header = [
    'workload',
    '',
    'ours median ms',
    'ours min ms',
    'samples/s',
    'heap B/step',
    'tfjs-cpu ms (ratio)',
    'tfjs-wasm ms (ratio)',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${results.machine}${quick ? ' (quick)' : ''}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => console.log(line(r)));
  console.log(
    `\nmatrix products C = A·Bᵀ at ${flops.size}³, float64: ${flops.kernel.toFixed(2)} GFLOP/s (WebAssembly SIMD), ${flops.typescript.toFixed(2)} GFLOP/s (TypeScript fallback); SIMD probe ${flops.ceiling.toFixed(2)} GFLOP/s (independent f64x2 add and multiply chains, no memory traffic): kernel at ${((100 * flops.kernel) / flops.ceiling).toFixed(0)}% of it`,
  );
  for (const [id, t] of Object.entries(a5))
    console.log(
      `${id} (${t.parameters} parameters): median ${t.medianMs.toPrecision(3)} ms, min ${t.minMs.toPrecision(3)} ms`,
    );
  console.log('\nratio = peer time / our time: above 1 means we are faster. tfjs runs float32, we run float64.');
  console.log(
    'heap B/step: growth of the JavaScript heap per training step of ours (no buffers; a boxed float is 16 B).',
  );
  fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('written bench/results.json');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
