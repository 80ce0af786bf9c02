/**
 * Where a network's float64 buffers live, and the matrix products over them. Where WebAssembly SIMD runs,
 * every buffer is a view of one shared WebAssembly memory per network, so the SIMD kernels read and write the
 * layers' weights, activations and gradients in place, with no copies; a shared memory grows without
 * detaching the views already handed out. Elsewhere (or when the TypeScript kernels are asked for) the
 * buffers are plain Float64Arrays and the products run in TypeScript. Both give the same numbers to round-off.
 */
import { matmulABt, matmulStridedAB, transpose } from './matmul';
import { GemmExports, MAX_PAGES, instantiateGemm, newSharedMemory, wasmAvailable } from './wasmKernels';

/** Which kernels workspaces use: WebAssembly SIMD where it runs ('auto'), or TypeScript only. */
export type MatmulKernel = 'auto' | 'typescript';

/**
 * Another thread that multiplies over a workspace's shared memory alongside the calling one. The host supplies
 * it (the core starts no threads); without one every product runs on the calling thread.
 */
export interface ProductHelper {
  /**
   * C (m×n) = A (m×k) · Bᵀ over `memory` (byte addresses, as `gemm` takes them), by `gemm` on the calling thread
   * and the same kernels on the helper's, in blocks of whole 4-row groups (each output the same dot product as
   * one call gives, to the bit); returns once C is written.
   */
  abt(
    memory: WebAssembly.Memory,
    gemm: GemmExports,
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
  ): void;
}

/** The memory a released workspace gave back, with its kernels and how many bytes of it were written. */
interface SpareMemory {
  readonly memory: WebAssembly.Memory;
  readonly gemm: GemmExports;
  readonly used: number;
}

/**
 * What the workspaces of one caller share, held by that caller (the CLI, the editor's worker, a test) rather
 * than by this module: which kernels they use, a helper thread for large products (the host supplies it: the
 * core starts no threads), and the memory a released workspace gave back for the next one (a cache of address
 * space: zeroed before reuse).
 */
export class Kernels {
  /** Memory given back by a released workspace, until the next workspace takes it. */
  spare: SpareMemory | undefined;

  constructor(
    readonly choice: MatmulKernel = 'auto',
    readonly helper?: ProductHelper,
  ) {}
}

/** Multiply-adds from which a product is shared with the helper thread (handing it over costs tens of µs). */
export const PARALLEL_MIN_WORK = 1 << 22;

/**
 * Largest B (k×n doubles, 256 KB) that C = A·B multiplies in place: the kernel streams all of B for every 4 rows
 * of C, so B must stay in the L2 cache. Larger products transpose into scratch buffers and use the A·Bᵀ kernel,
 * whose rows stream contiguously (the copy is O(k·n) against O(m·n·k) multiply-adds).
 */
export const IN_PLACE_MAX_B = 32768;
const PAGE_BYTES = 65536;
/** Buffers start on 16-byte boundaries, so f64x2 loads of a row's first pair are aligned. */
const ALIGN = 16;

/** A network's buffers and the kernels that multiply them. */
export class Workspace {
  private readonly memory: WebAssembly.Memory | undefined;
  private readonly gemm: GemmExports | undefined;
  /** The kernels, helper and spare memory this workspace shares with others of its caller. */
  readonly kernels: Kernels;
  /**
   * The views `alloc` handed out. Residency cannot be told from a view's buffer: V8 gives a shared memory a new
   * SharedArrayBuffer object whenever any shared memory in the process grows.
   */
  private readonly views = new WeakSet<Float64Array>();
  private used = 0;
  /** Bytes from the start written by a previous owner of the memory (zeroed as `alloc` hands them out). */
  private dirty = 0;
  /** Scratch for transposed operands of large products, grown on demand. */
  private scratchA: Float64Array = new Float64Array(0);
  private scratchB: Float64Array = new Float64Array(0);

  private constructor(kernels: Kernels) {
    this.kernels = kernels;
    if (kernels.choice !== 'auto' || !wasmAvailable()) return;
    const reused = kernels.spare;
    kernels.spare = undefined;
    const memory = reused?.memory ?? newSharedMemory(1);
    const gemm = reused?.gemm ?? instantiateGemm(memory);
    this.dirty = reused?.used ?? 0;
    if (!gemm) return;
    this.memory = memory;
    this.gemm = gemm;
  }

  /**
   * Gives the memory back for the next workspace to reuse (only when none of the buffers this one handed out will
   * be read or written again): a large network's memory is tens of MB, which a fresh one would fault in page by
   * page, and which otherwise lives until a garbage collection happens to run.
   */
  release(): void {
    if (!this.memory || !this.gemm || this.used < 0) return;
    const { spare } = this.kernels;
    if (!spare || spare.memory.buffer.byteLength < this.memory.buffer.byteLength)
      this.kernels.spare = { memory: this.memory, gemm: this.gemm, used: this.used };
    this.used = -1; // a released workspace allocates nothing more
  }

  /** A workspace sharing `kernels` (by default its own: WebAssembly SIMD where it runs, no helper). */
  static create(kernels: Kernels = new Kernels()): Workspace {
    return new Workspace(kernels);
  }

  /** Whether products run in WebAssembly SIMD over buffers of this workspace. */
  get simd(): boolean {
    return this.gemm !== undefined;
  }

  /**
   * A zeroed buffer of `length` doubles (a plain one if the memory cannot grow that far: it then multiplies in
   * TypeScript). `zeroed: false` skips clearing what a previous owner of a reused memory wrote there, for buffers
   * the caller writes before it reads them (a layer's per-batch buffers).
   */
  alloc(length: number, zeroed = true): Float64Array {
    const memory = this.memory;
    if (!memory) return new Float64Array(length);
    if (this.used < 0) throw new Error('a released workspace cannot allocate (its memory is reused)');
    const start = Math.ceil(this.used / ALIGN) * ALIGN;
    const end = start + length * 8;
    const have = memory.buffer.byteLength;
    if (end > have) {
      const pages = have / PAGE_BYTES;
      const needed = Math.ceil(end / PAGE_BYTES);
      if (needed > MAX_PAGES) return new Float64Array(length);
      memory.grow(Math.min(MAX_PAGES, Math.max(needed, 2 * pages)) - pages);
    }
    this.used = end;
    if (zeroed && start < this.dirty) this.gemm!.zero(start, Math.min(end, this.dirty) - start);
    const view = new Float64Array(memory.buffer, start, length); // fresh memory is zero and never handed out twice
    this.views.add(view);
    return view;
  }

  /**
   * Whether `a` is a buffer the kernels can read in place: one `alloc` returned (any array, for
   * TypeScript kernels).
   */
  holds(a: Float64Array): boolean {
    return !this.memory || this.views.has(a);
  }

  /**
   * Byte address of `a` in the memory where the SIMD kernels can use it in place, else −1. Reading a typed
   * array's buffer and offset costs a builtin call each, so callers that multiply the same arrays every step
   * (dense layers) keep these addresses and pass them to the products below.
   */
  address(a: Float64Array): number {
    return this.gemm !== undefined && this.holds(a) ? a.byteOffset : -1;
  }

  /**
   * C (m×n) = A (m×k) · Bᵀ with B stored n×k; aAt, bAt, cAt are the operands' addresses
   * (any −1: TypeScript).
   */
  abt(
    a: Float64Array,
    b: Float64Array,
    c: Float64Array,
    m: number,
    n: number,
    k: number,
    aAt = this.address(a),
    bAt = this.address(b),
    cAt = this.address(c),
  ): void {
    const { helper } = this.kernels;
    if (aAt < 0 || bAt < 0 || cAt < 0) matmulABt(a, b, c, m, n, k);
    else if (!helper || m < 8 || m * n * k < PARALLEL_MIN_WORK) this.gemm!.abt(aAt, bAt, cAt, m, n, k);
    else helper.abt(this.memory!, this.gemm!, aAt, bAt, cAt, m, n, k);
  }

  /** C (m×n) = A (m×k) · B (k×n); addresses as for `abt`. */
  ab(
    a: Float64Array,
    b: Float64Array,
    c: Float64Array,
    m: number,
    n: number,
    k: number,
    aAt = this.address(a),
    bAt = this.address(b),
    cAt = this.address(c),
  ): void {
    this.timesB(a, false, b, c, m, n, k, aAt, bAt, cAt);
  }

  /** C (m×n) = Aᵀ · B with A stored k×m and B k×n; addresses as for `abt`. */
  atb(
    a: Float64Array,
    b: Float64Array,
    c: Float64Array,
    m: number,
    n: number,
    k: number,
    aAt = this.address(a),
    bAt = this.address(b),
    cAt = this.address(c),
  ): void {
    this.timesB(a, true, b, c, m, n, k, aAt, bAt, cAt);
  }

  /** C = A·B or Aᵀ·B (`transposed`: A stored k×m), read through A's strides, or via A·Bᵀ when B outgrows L2. */
  private timesB(
    a: Float64Array,
    transposed: boolean,
    b: Float64Array,
    c: Float64Array,
    m: number,
    n: number,
    k: number,
    aAt: number,
    bAt: number,
    cAt: number,
  ): void {
    const sr = transposed ? 1 : k,
      sp = transposed ? m : 1; // A(r, p) = a[r·sr + p·sp]
    if (k * n > IN_PLACE_MAX_B) {
      let rows = a,
        rowsAt = aAt;
      if (transposed) {
        rows = this.scratch('A', k * m);
        transpose(a, k, m, rows);
        rowsAt = this.address(rows);
      }
      const bt = this.scratch('B', k * n);
      transpose(b, k, n, bt);
      this.abt(rows, bt, c, m, n, k, rowsAt, this.address(bt), cAt);
    } else if (aAt >= 0 && bAt >= 0 && cAt >= 0) {
      this.gemm!.ab(aAt, 8 * sr, 8 * sp, bAt, cAt, m, n, k);
    } else {
      matmulStridedAB(a, sr, sp, b, c, m, n, k);
    }
  }

  /** Scratch slot A or B holding at least `length` doubles. */
  private scratch(slot: 'A' | 'B', length: number): Float64Array {
    const have = slot === 'A' ? this.scratchA : this.scratchB;
    if (have.length >= length) return have;
    const fresh = this.alloc(length, false); // written by a transpose before each product reads it
    if (slot === 'A') this.scratchA = fresh;
    else this.scratchB = fresh;
    return fresh;
  }
}
