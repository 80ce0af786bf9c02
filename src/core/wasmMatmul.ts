/**
 * C = A·Bᵀ with the WebAssembly SIMD kernel (src/core/wasm/abt.wat, two f64 lanes per instruction).
 * Operands are copied into the module's memory zero-padded to the kernel's block sizes (rows of A to a
 * multiple of 4, rows of B to a multiple of 2, k to even), so the kernel never needs remainder code and the
 * padding contributes exact zeros. The compiled module is cached once per process: it holds no results
 * between calls, only scratch memory.
 */
import { WASM_KERNELS } from './wasm/kernels.generated';

interface AbtKernel {
  readonly memory: WebAssembly.Memory;
  abt(a: number, b: number, c: number, m: number, n: number, k: number): void;
  /** 6 independent f64x2 add chains and 6 multiply chains for `iterations` rounds (two passes unrolled): the SIMD float64 peak, 48 flops a round. */
  peak(iterations: number): number;
}

/** Measures the SIMD multiply-add peak (GFLOP/s) over `iterations` rounds, or NaN without WebAssembly. */
export function simdPeak(iterations: number, now: () => number): number {
  const kern = load();
  if (!kern) return NaN;
  const t = now();
  kern.peak(iterations);
  return (48 * iterations) / ((now() - t) * 1e6);
}

let kernel: AbtKernel | null | undefined;
let heap = new Float64Array(0);

/** Decodes base64 without Node's Buffer (the core also runs in browsers). */
function base64Bytes(s: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0, value = 0, o = 0;
  for (const ch of clean) {
    value = (value << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) { bits -= 8; out[o++] = (value >> bits) & 0xff; }
  }
  return out;
}

/** The kernel, or null where WebAssembly SIMD is unavailable (the TypeScript kernel is used then). */
function load(): AbtKernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = base64Bytes(WASM_KERNELS.abt);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    kernel = instance.exports as unknown as AbtKernel;
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Whether the SIMD kernel can run here. */
export function wasmAvailable(): boolean {
  return load() !== null;
}

/** Copies a rows×k row-major matrix into the heap at `offset` (in doubles) with rows of `kPad`, zero-padding to `rowsPad` rows. */
function put(src: Float64Array, rows: number, k: number, kPad: number, rowsPad: number, offset: number): void {
  if (k === kPad) heap.set(src.subarray(0, rows * k), offset);
  else for (let r = 0; r < rows; r++) { heap.set(src.subarray(r * k, r * k + k), offset + r * kPad); heap[offset + r * kPad + k] = 0; }
  heap.fill(0, offset + rows * kPad, offset + rowsPad * kPad);
}

/** C (m×n) = A (m×k) · Bᵀ (B stored n×k) with the SIMD kernel; false when it is unavailable. */
export function wasmMatmulABt(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number): boolean {
  const kern = load();
  if (!kern || k === 0) return false;
  const kPad = k + (k & 1), mPad = (m + 3) & ~3, nPad = n + (n & 1);
  const aOff = 0, bOff = mPad * kPad, cOff = bOff + nPad * kPad;
  const bytes = (cOff + mPad * nPad) * 8;
  if (kern.memory.buffer.byteLength < bytes) kern.memory.grow(Math.ceil((bytes - kern.memory.buffer.byteLength) / 65536));
  if (heap.buffer !== kern.memory.buffer) heap = new Float64Array(kern.memory.buffer);
  put(a, m, k, kPad, mPad, aOff);
  put(b, n, k, kPad, nPad, bOff);
  kern.abt(aOff * 8, bOff * 8, cOff * 8, mPad, nPad, kPad);
  if (n === nPad) c.set(heap.subarray(cOff, cOff + m * n));
  else for (let r = 0; r < m; r++) c.set(heap.subarray(cOff + r * nPad, cOff + r * nPad + n), r * n);
  return true;
}
