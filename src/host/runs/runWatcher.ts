/**
 * Tails a run log (`*.gd.jsonl`) on disk while the training run appends to it: Node's own file
 * watching where it works, stat polling always (network file systems, watchers that miss events),
 * new bytes read in chunks from where the last read stopped. Nothing but the digest is kept, so a
 * multi-GB log streams in bounded memory; a partial last line waits for the rest of it, and a file
 * that shrinks or is replaced (a new run at the same path) is read again from the start.
 */
import * as fs from 'fs';
import { RunDigest } from '../../core/runLog/digest';
import { Thresholds } from '../../core/diagnosis/thresholds';

/** How a run log is tailed. */
export interface TailOptions {
  /** Milliseconds between stat polls (also the safety net beside fs.watch). */
  readonly pollMs?: number;
  /** Poll only, never fs.watch (as where watching is not supported). */
  readonly pollOnly?: boolean;
  /** Bytes read per chunk. */
  readonly chunkBytes?: number;
  /** The over-time rules' thresholds (the user's settings). */
  readonly thresholds?: Thresholds;
  /** The longest line read (characters); see RUN_LOG_LIMITS. */
  readonly maxLineChars?: number;
}

/** Chunks read between two progress updates while a long log is read. */
const CHUNKS_PER_UPDATE = 16;

/** One run log followed as it grows: `digest` holds what was read; `onUpdate` fires after new lines. */
export class RunWatcher {
  /** What the lines read so far come to (replaced when the file is read again from the start). */
  digest: RunDigest;
  /** Why the file cannot be read now (gone, a folder), or undefined. */
  error: string | undefined;
  /** How often the file shrank or was replaced and was read again from the start. */
  restarts = 0;
  private offset = 0;
  private identity: string | undefined;
  private decoder = new TextDecoder('utf-8');
  private watcher: fs.FSWatcher | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    /** The log's path on this machine. */
    readonly file: string,
    private readonly name: string,
    private readonly onUpdate: () => void,
    private readonly options: TailOptions = {},
  ) {
    this.digest = this.freshDigest();
  }

  /** Whether fs.watch is in use (polling runs either way). */
  get watching(): boolean {
    return this.watcher !== undefined;
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.offset;
  }

  /** Reads what the file holds now, then follows it; resolves once the first read is done. */
  async start(): Promise<void> {
    await this.poke();
    if (this.stopped) return;
    if (!this.options.pollOnly) this.watch();
    this.timer = setInterval(() => void this.poke(), this.options.pollMs ?? 1000);
  }

  /** Reads any new bytes now (at most one read at a time; a call during a read queues one more). */
  poke(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        await this.readNew();
      } while (this.again && !this.stopped);
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Stops watching and polling. */
  dispose(): void {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.timer);
  }

  private watch(): void {
    try {
      this.watcher = fs.watch(this.file, { persistent: false }, () => void this.poke());
      this.watcher.on('error', () => {
        this.watcher?.close(); // e.g. the file was deleted: polling goes on and sees it come back
        this.watcher = undefined;
      });
    } catch {
      this.watcher = undefined; // not supported here: polling alone
    }
  }

  private freshDigest(): RunDigest {
    return new RunDigest(this.name, this.options.thresholds, this.options.maxLineChars);
  }

  /** Starts over on a new file at the same path, or the same file rewritten shorter. */
  private restart(): void {
    this.digest = this.freshDigest();
    this.offset = 0;
    this.decoder = new TextDecoder('utf-8');
    this.restarts++;
  }

  /** Reads the bytes appended since the last read, in chunks, updating as it goes. */
  private async readNew(): Promise<void> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.file, 'r');
    } catch (e) {
      return this.failed((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file is gone' : 'cannot read the file');
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return this.failed('not a file');
      const identity = `${stat.dev}:${stat.ino}`;
      if ((this.identity !== undefined && identity !== this.identity) || stat.size < this.offset) this.restart();
      this.identity = identity;
      const hadError = this.error !== undefined;
      this.error = undefined;
      const read = await this.readChunks(handle, stat.size);
      if (read || hadError) this.onUpdate();
    } catch {
      this.failed('cannot read the file');
    } finally {
      await handle.close();
    }
  }

  /** Reads from the offset to `size` into the digest; true when anything was read. */
  private async readChunks(handle: fs.promises.FileHandle, size: number): Promise<boolean> {
    const buffer = Buffer.alloc(this.options.chunkBytes ?? 1 << 20);
    let read = false;
    for (let chunks = 1; this.offset < size && !this.stopped && !this.digest.reader.fatal; chunks++) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - this.offset), this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      this.digest.push(this.decoder.decode(buffer.subarray(0, bytesRead), { stream: true }));
      read = true;
      if (chunks % CHUNKS_PER_UPDATE === 0) this.onUpdate(); // a long log shows its progress while read
    }
    return read;
  }

  private failed(why: string): void {
    if (this.error === why) return;
    this.error = why;
    this.onUpdate();
  }
}
