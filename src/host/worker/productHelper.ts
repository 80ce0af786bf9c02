/**
 * A second thread for the large matrix products of a worker (issue 13: a 100k-parameter analysis spends most of
 * its time in them). C's rows are cut into blocks that the calling thread and the helper take in turn from a
 * shared counter, both multiplying over the same shared WebAssembly memory; a block is the same dot products
 * whichever thread takes it, so the numbers are the same to the bit. When the helper thread gets no core (a busy
 * machine), the calling thread simply takes every block: it never waits for more than the one block the helper
 * is multiplying. The calling thread blocks (Atomics.wait) until C is written, so the core's passes stay synchronous.
 */
import * as os from 'os';
import { MessageChannel, Worker } from 'worker_threads';
import { GemmExports, gemmModule } from '../../core/kernels/wasmKernels';
import { Kernels, ProductHelper } from '../../core/kernels/workspace';

/**
 * Slots of the control block both threads share: the state word, the memory's id, then a, b, c, m, n, k, the rows
 * of a block, the next block to take and the number of blocks (helperMain writes them as literals: it sees no
 * outer names).
 */
const STATE = 0,
  MEMORY = 1,
  ARGS = 2,
  NEXT = 9;
/** The state word: no request; a request not yet taken; taken by the helper (3, written by helperMain only: done). */
const IDLE = 0,
  WORK = 1,
  TAKEN = 2;
/** Blocks of rows a product is cut into: small enough to balance two threads, large enough to cost nothing. */
const BLOCKS_PER_PRODUCT = 16;
/** Memories the helper keeps kernels for (a network's workspace each); older ones are released for collection. */
const KEEP_MEMORIES = 2;
/** How long the caller waits for the helper's last block before giving the helper up as stopped. */
const STALL_MS = 60_000;

/**
 * The helper thread's whole program (run from source text, so it needs no bundle of its own): wait for a
 * request, take it (unless the caller took every block first), map any memories handed over before it, multiply
 * blocks until none is left, say done, and wait for the caller to see it.
 */
function helperMain(): void {
  const { workerData, receiveMessageOnPort } = require('worker_threads');
  const { control, port, module } = workerData;
  // this thread allocates almost nothing, so its heap is never collected on its own, and the memories it let go
  // (tens of MB each) would stay alive: it collects itself after letting one go
  const v8 = require('v8');
  v8.setFlagsFromString('--expose-gc');
  const collect: () => void = require('vm').runInNewContext('gc');
  v8.setFlagsFromString('--no-expose-gc');
  const state = new Int32Array(control);
  const args = new Uint32Array(control);
  const kernels = new Map<number, { abt(...a: number[]): void }>();
  const take = (): void => {
    for (let msg = receiveMessageOnPort(port); msg; msg = receiveMessageOnPort(port)) {
      const { id, memory, drop } = msg.message;
      kernels.set(id, new WebAssembly.Instance(module, { env: { memory } }).exports as never);
      if (drop !== undefined && kernels.delete(drop)) collect();
    }
  };
  for (;;) {
    Atomics.wait(state, 0, 0);
    const now = Atomics.load(state, 0);
    if (now === 3) Atomics.wait(state, 0, 3);
    if (now !== 1 || Atomics.compareExchange(state, 0, 1, 2) !== 1) continue;
    take();
    // the memory was posted before the request: wait for it while the caller has blocks left
    for (let tries = 0; !kernels.has(args[1]) && args[9] < args[10] && tries < 1000; tries++) {
      Atomics.wait(state, 1, args[1], 1);
      take();
    }
    const gemm = kernels.get(args[1]);
    const [a, b, c, m, n, k, rows, , blocks] = args.subarray(2, 11);
    // without the memory's kernels it takes no block (the caller then takes them all)
    for (let block = gemm ? Atomics.add(state, 9, 1) : blocks; block < blocks; block = Atomics.add(state, 9, 1)) {
      const r = block * rows;
      gemm!.abt(a + 8 * r * k, b, c + 8 * r * n, Math.min(rows, m - r), n, k);
    }
    Atomics.store(state, 0, 3);
    Atomics.notify(state, 0);
  }
}

/**
 * A product helper, or undefined where it would not help (one core) or cannot run (no WebAssembly SIMD). Its
 * thread starts with the first product handed to it, does not keep the process alive, and stops with the thread
 * that created it.
 */
export function createProductHelper(): ProductHelper | undefined {
  const module = gemmModule();
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return module && cores >= 2 ? new HelperThread(module) : undefined;
}

/**
 * The kernels of a thread that analyses and trains many networks (the editor's worker, the CLI): their large
 * products shared with a helper thread where there are two cores, unless GD_PRODUCT_HELPER=0 (the panel-speed
 * benchmark compares both), and a released network's memory reused by the next.
 */
export function threadKernels(): Kernels {
  return new Kernels('auto', process.env.GD_PRODUCT_HELPER !== '0' ? createProductHelper() : undefined);
}

/** The calling thread's side of the helper: the shared control block, the thread, the memories handed over. */
class HelperThread implements ProductHelper {
  private readonly control = new SharedArrayBuffer(16 * 4);
  private readonly state = new Int32Array(this.control);
  private readonly args = new Uint32Array(this.control);
  private readonly port = new MessageChannel();
  private worker: Worker | undefined;
  private stopped = false;
  private readonly ids = new WeakMap<WebAssembly.Memory, number>();
  private readonly resident: number[] = [];
  private nextId = 1;

  constructor(private readonly module: WebAssembly.Module) {}

  abt(memory: WebAssembly.Memory, gemm: GemmExports, a: number, b: number, c: number, m: number, n: number, k: number) {
    const { state, args } = this;
    if (this.stopped || Atomics.load(state, STATE) !== IDLE) return gemm.abt(a, b, c, m, n, k);
    const rows = 4 * Math.ceil(m / (4 * BLOCKS_PER_PRODUCT));
    const blocks = Math.ceil(m / rows);
    args[MEMORY] = this.ready(memory);
    args.set([a, b, c, m, n, k, rows, 0, blocks], ARGS);
    Atomics.store(state, NEXT, 0);
    Atomics.store(state, STATE, WORK);
    Atomics.notify(state, STATE);
    for (let block = Atomics.add(state, NEXT, 1); block < blocks; block = Atomics.add(state, NEXT, 1)) {
      const r = block * rows;
      gemm.abt(a + 8 * r * k, b, c + 8 * r * n, Math.min(rows, m - r), n, k);
    }
    this.settle();
  }

  /** Starts the thread (with the first product) and hands `memory` over unless it holds it; returns its id. */
  private ready(memory: WebAssembly.Memory): number {
    if (!this.worker) {
      this.worker = new Worker(`(${helperMain.toString()})()`, {
        eval: true,
        workerData: { control: this.control, port: this.port.port2, module: this.module },
        transferList: [this.port.port2],
      });
      this.worker.unref();
      this.worker.on('error', () => (this.stopped = true));
      this.worker.on('exit', () => (this.stopped = true));
    }
    let id = this.ids.get(memory);
    if (id !== undefined && this.resident.includes(id)) return id;
    id = this.nextId++;
    this.ids.set(memory, id);
    this.resident.push(id);
    const drop = this.resident.length > KEEP_MEMORIES ? this.resident.shift() : undefined;
    this.port.port1.postMessage({ id, memory, drop });
    return id;
  }

  /** Waits until the helper has finished the blocks it took, unless it never took the request. */
  private settle(): void {
    const state = this.state;
    if (Atomics.compareExchange(state, STATE, WORK, IDLE) === WORK) return;
    while (Atomics.load(state, STATE) === TAKEN) {
      if (Atomics.wait(state, STATE, TAKEN, STALL_MS) === 'timed-out' && Atomics.load(state, STATE) === TAKEN) {
        this.stopped = true;
        void this.worker?.terminate();
        throw new Error('the matrix-product helper thread stopped answering');
      }
    }
    Atomics.store(state, STATE, IDLE);
    Atomics.notify(state, STATE);
  }
}
