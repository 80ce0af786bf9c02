/**
 * Bytes the JavaScript heap grows per call of `step`: the median over windows of `calls` calls, skipping windows in
 * which a collection ran (the heap shrank). Zero-allocation code measures 0; a boxed float return costs 16 bytes,
 * any typed array or view 80 or more. Used by the benchmark's report and by the unit test of the training step.
 */
export function heapBytesPerCall(step: () => void, windows = 40, calls = 2000): number {
  const per: number[] = [];
  for (let w = 0; w < windows; w++) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < calls; i++) step();
    const grown = process.memoryUsage().heapUsed - before;
    if (grown >= 0) per.push(grown / calls);
  }
  if (per.length < windows / 4)
    throw new Error(`heap growth: only ${per.length} of ${windows} windows ran without a collection`);
  per.sort((a, b) => a - b);
  return per[per.length >> 1];
}
