// Benchmark (issue 12, item 6): the extension host's event-loop delay while a 5M-parameter network, specified
// by its initialisers, is analysed. This Node process stands in for the host's thread: it parses the file as the
// host does and hands the analysis to the worker (dist/coreWorker.js) through the same AnalysisService, while
// a timer measures how late the loop is. The peer, in the same run, is the old path: the analysis on this thread.
// Targets: p99 ≤ 100 ms, max ≤ 250 ms. Run: npm run build && npx tsc -p test/tsconfig.json && node bench/hostEventLoop.mjs
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const out = (p) => require(path.join(root, 'out', 'src', p));
const { AnalysisService } = out('host/worker/analysisService.js');
const { parseNetworkText } = out('core/format/parse.js');
const { loadNetwork } = out('core/load.js');
const { analyze } = out('core/analysis.js');

const width = 2230; // 2·w + w² + w + biases ≈ 4.98M parameters, under the 5,000,000 limit
const text = JSON.stringify({
  name: 'five-million',
  input: 2,
  layers: [
    { name: 'h1', units: width, activation: 'relu' },
    { name: 'h2', units: width, activation: 'relu' },
    { name: 'out', units: 1, activation: 'sigmoid' },
  ],
  loss: 'binary_cross_entropy',
  data: { generate: 'circle', samples: 2000 },
});

/**
 * Runs `work` while a 5 ms interval timer measures how late each tick comes (a blocked thread shows as one
 * late tick as long as the block); returns the work's time and the lateness's p99 and max in ms.
 */
async function measured(work) {
  const late = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    late.push(Math.max(0, now - last - 5));
    last = now;
  }, 5);
  await new Promise((resolve) => setTimeout(resolve, 20)); // a few ticks before the work starts
  const t = performance.now();
  await work();
  const ms = performance.now() - t;
  await new Promise((resolve) => setTimeout(resolve, 20)); // the tick after a block records it
  clearInterval(timer);
  late.sort((a, b) => a - b);
  return { ms, p99: late[Math.floor(0.99 * (late.length - 1))], max: late[late.length - 1] };
}

const row = (label, r) =>
  console.log(
    `${label.padEnd(34)} ${r.ms.toFixed(0).padStart(7)} ms   p99 ${r.p99.toFixed(0).padStart(6)} ms   max ${r.max.toFixed(0).padStart(6)} ms`,
  );

const service = new AnalysisService(path.join(root, 'dist', 'coreWorker.js'));
const worker = await measured(async () => {
  parseNetworkText(text); // what the host still does itself
  const r = await service.analyze('bench', { text, csv: {}, maxSamples: 2000 });
  if (!r?.report) throw new Error(JSON.stringify(r?.problems));
});
service.dispose();
const inline = await measured(async () => {
  analyze(loadNetwork(text, { maxSamples: 2000 }).loaded);
});
console.log(`${(2 * width + width * width + width + 1 + width + 1).toLocaleString('en-US')} parameters, 2,000 samples`);
row('analysis in the worker (now)', worker);
row('analysis on the host thread (peer)', inline);
console.log(`targets: p99 ≤ 100 ms, max ≤ 250 ms for the worker path`);
