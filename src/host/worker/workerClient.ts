/**
 * The host's side of a worker thread: requests with ids, their replies as promises, progress
 * callbacks, cancellation, and a worker that dies: every pending request is rejected with a
 * WorkerStoppedError (never left hanging), and the next request starts a fresh worker.
 */
import { Worker } from 'worker_threads';
import { FromWorker, ToWorker, WorkerProgress, WorkerRequest, WorkerResults } from './protocol';

/** A request's promise was rejected because its worker stopped (crashed, or was restarted). */
export class WorkerStoppedError extends Error {}

/** A request was cancelled before it finished. */
export class CancelledError extends Error {}

type ProgressOf<K> = K extends keyof WorkerProgress ? WorkerProgress[K] : never;

interface Pending {
  readonly resolve: (r: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly onProgress?: (p: never) => void;
}

/** One worker thread and its requests in flight. */
export class WorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `onStopped` hears about a worker that died on its own (not about stop() or restart()). */
  constructor(
    private readonly workerPath: string,
    private readonly onStopped?: (reason: string) => void,
  ) {}

  /** Sends a request; resolves with its reply, calling `onProgress` with each progress report. */
  request<K extends WorkerRequest['type']>(
    request: Extract<WorkerRequest, { type: K }>,
    onProgress?: (p: ProgressOf<K>) => void,
  ): { id: number; reply: Promise<WorkerResults[K]> } {
    const id = this.nextId++;
    const reply = new Promise<WorkerResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onProgress });
    });
    this.ensureWorker().postMessage({ id, request } satisfies ToWorker);
    return { id, reply };
  }

  /** Asks the worker to stop request `target` (its reply then says how far it got, or it fails as cancelled). */
  cancel(target: number): void {
    if (this.pending.has(target)) this.request({ type: 'cancel', target });
  }

  /** Whether any request is in flight. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Ends the worker now; requests in flight fail with WorkerStoppedError. The next request starts a new one. */
  restart(why = 'the worker was restarted'): void {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new WorkerStoppedError(why));
    void w?.terminate();
  }

  dispose(): void {
    this.restart('the extension stopped');
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    this.worker = worker;
    worker.on('message', (m: FromWorker) => this.receive(m));
    const died = (why: string): void => {
      if (this.worker !== worker) return; // restarted on purpose
      this.worker = undefined;
      this.failAll(new WorkerStoppedError(why));
      this.onStopped?.(why);
    };
    worker.on('error', (e) => died(`the worker failed: ${e.message}`));
    worker.on('exit', (code) => died(`the worker stopped (exit code ${code})`));
    return worker;
  }

  private receive(m: FromWorker): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    switch (m.type) {
      case 'progress':
        p.onProgress?.(m.progress as never);
        return;
      case 'result':
        this.pending.delete(m.id);
        p.resolve(m.result);
        return;
      case 'error':
        this.pending.delete(m.id);
        p.reject(m.message === 'cancelled' ? new CancelledError('cancelled') : new Error(m.message));
        return;
      default: {
        const unknown: never = m;
        return unknown;
      }
    }
  }

  private failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}
