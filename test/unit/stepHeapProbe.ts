/**
 * Run by train.test.ts as `node stepHeapProbe.js '{"training": {…}, "leak": false}'`: prints the heap growth in bytes
 * per quiet training step (gradients, then the update) of the XOR network on 256 samples, measured in this fresh
 * process. `leak` adds one 16-double buffer a step: the control that the measure sees an allocation.
 */
import { heapBytesPerCall } from '../../bench/heapGrowth';
import { Dataset, TrainingSpec } from '../../src/core/format/spec';
import { Network } from '../../src/core/nn/network';
import { Trainer } from '../../src/core/nn/train';
import { xorSpec } from './helpers';

const SAMPLES = 256;
const DATA: Dataset = {
  samples: SAMPLES,
  inputSize: 2,
  targetSize: 1,
  inputs: Float64Array.from({ length: 2 * SAMPLES }, (_, i) => Math.sin(i)),
  targets: Float64Array.from({ length: SAMPLES }, (_, i) => i % 2),
};

/** Bytes per step: the least of three medians, so a late JIT tier-up landing in one measurement does not count. */
function stepHeapBytes(training: Partial<TrainingSpec>, leak: boolean): number {
  const spec = xorSpec(training);
  const trainer = new Trainer(spec, Network.fromSpec(spec), DATA);
  let sink = 0;
  const step = (): void => {
    trainer.gradients();
    trainer.update();
    if (leak) sink += new Float64Array(16).length;
  };
  for (let i = 0; i < 20000; i++) step(); // let the JIT settle
  const bytes = Math.min(...[1, 2, 3].map(() => heapBytesPerCall(step)));
  if (leak && sink === 0) throw new Error('the control allocated nothing');
  return bytes;
}

const { training, leak } = JSON.parse(process.argv[2] ?? '{}') as { training: Partial<TrainingSpec>; leak: boolean };
process.stdout.write(String(stepHeapBytes(training, leak)));
