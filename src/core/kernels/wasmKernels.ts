/**
 * The WebAssembly SIMD matrix kernels (src/core/kernels/wasm/gemm.wat, two f64 lanes per instruction), bound to a
 * shared memory that holds the operands. The module is compiled once per process (a cache of code, not of
 * results); each Workspace instantiates it over its own memory.
 */
import { WASM_KERNELS } from './wasm/kernels.generated';

/** The exports of gemm.wat; addresses are byte offsets into the bound memory. */
export interface GemmExports {
  /** C (m×n) = A (m×k) · Bᵀ, B stored n×k. */
  abt(a: number, b: number, c: number, m: number, n: number, k: number): void;
  /** C (m×n) = A·B, B stored k×n, A's element (r, p) at a + r·sr + p·sp bytes. */
  ab(a: number, sr: number, sp: number, b: number, c: number, m: number, n: number, k: number): void;
  /**
   * 7 independent f64x2 add chains and 7 multiply chains for `iterations` rounds: a probe of the
   * SIMD float64 rate with no memory traffic, 28 flops a round.
   */
  peak(iterations: number): number;
  /** Sets `bytes` bytes from address `at` to 0 (one bulk fill). */
  zero(at: number, bytes: number): void;
}

/** Pages (64 KiB) a workspace memory may grow to: the 4 GiB a 32-bit address reaches. */
export const MAX_PAGES = 65536;

let compiled: WebAssembly.Module | null | undefined;

/** Decodes base64 without Node's Buffer (the core also runs in browsers). */
function base64Bytes(s: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0,
    value = 0,
    o = 0;
  for (const ch of clean) {
    value = (value << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * The compiled module, or null where WebAssembly SIMD or shared memory is unavailable (the
 * TypeScript kernels are used then).
 */
function module(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WebAssembly.Module(base64Bytes(WASM_KERNELS.gemm));
    new WebAssembly.Instance(compiled, { env: { memory: newSharedMemory(1) } }); // shared memory is allowed here
  } catch {
    compiled = null;
  }
  return compiled;
}

/** The compiled kernels' module (to instantiate on another thread over the same memory), or null without SIMD. */
export function gemmModule(): WebAssembly.Module | null {
  return module();
}

/** A shared memory of `pages` pages that can grow to MAX_PAGES without detaching its views. */
export function newSharedMemory(pages: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
}

/** The kernels bound to `memory`, or null where they cannot run. */
export function instantiateGemm(memory: WebAssembly.Memory): GemmExports | null {
  const mod = module();
  return mod && (new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as GemmExports);
}

/** Whether the SIMD kernels can run here. */
export function wasmAvailable(): boolean {
  return module() !== null;
}

/** Measures the SIMD multiply-add probe (GFLOP/s) over `iterations` rounds, or NaN without WebAssembly. */
export function simdPeak(iterations: number, now: () => number): number {
  const kernels = wasmAvailable() ? instantiateGemm(newSharedMemory(1)) : null;
  if (!kernels) return NaN;
  const t = now();
  kernels.peak(iterations);
  return (28 * iterations) / ((now() - t) * 1e6);
}
