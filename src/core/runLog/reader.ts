/**
 * Streaming reader of a run log (`*.gd.jsonl`): text arrives in chunks of any size (a multi-GB file, or a
 * file still being written), complete lines are parsed one at a time, and memory stays bounded by the longest
 * allowed line. Malformed, truncated or oversized lines are skipped and counted with their line numbers.
 */
import { RUN_LOG_LIMITS, RunHeader, readRunHeader } from './header';
import { RunStepRecord, readStepRecord } from './record';

/** A problem at a 1-based line (and column, when JSON.parse names a position). */
export interface RunLogProblem {
  readonly line: number;
  readonly column?: number;
  readonly message: string;
}

/** Receives each valid step record, in file order. */
export type RecordSink = (record: RunStepRecord, line: number) => void;

/** Reads a run log incrementally: `push` text chunks, then `end` once the text is complete. */
export class RunLogReader {
  /** The header, once line 1 was read and accepted. */
  header: RunHeader | undefined;
  /** Why the log cannot be read at all (line 1 is not a header, or an unknown version). */
  fatal: RunLogProblem | undefined;
  /** The first `RUN_LOG_LIMITS.listedProblems` skipped lines, with reasons. */
  readonly problems: RunLogProblem[] = [];
  /** Lines skipped in all. */
  skipped = 0;
  /** Valid step records read. */
  records = 0;
  private parts: string[] = [];
  private partLength = 0;
  private oversized = false;
  private lineNumber = 1;
  private lastStep = -1;

  constructor(
    private readonly onRecord: RecordSink,
    private readonly maxLineChars: number = RUN_LOG_LIMITS.maxLineChars,
  ) {}

  /** Reads every complete line of `chunk` (the rest waits for the next chunk). */
  push(chunk: string): void {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      this.append(chunk.slice(start, nl));
      this.finishLine(false);
      start = nl + 1;
    }
    if (start < chunk.length) this.append(chunk.slice(start));
  }

  /**
   * The text is complete: a last line without a newline is read too (a partial line left by a writer that
   * stopped mid-line is reported as truncated).
   */
  end(): void {
    if (this.partLength > 0 || this.oversized) this.finishLine(true);
  }

  /** Characters held for the partial last line (none once it is known to be over the cap). */
  get pendingChars(): number {
    return this.oversized ? 0 : this.partLength;
  }

  private append(text: string): void {
    this.partLength += text.length;
    if (this.oversized) return;
    if (this.partLength > this.maxLineChars) {
      this.oversized = true;
      this.parts = [];
    } else this.parts.push(text);
  }

  private finishLine(atEnd: boolean): void {
    const line = this.lineNumber++;
    const text = this.parts.join('').replace(/\r$/, '');
    const oversized = this.oversized;
    const length = this.partLength;
    this.parts = [];
    this.partLength = 0;
    this.oversized = false;
    if (this.fatal) return;
    if (oversized) return this.skip(line, `line of ${length} characters exceeds the ${this.maxLineChars} limit`);
    if (line > 1 && text.trim() === '') return;
    this.readLine(text, line, atEnd);
  }

  private readLine(text: string, line: number, atEnd: boolean): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const at = /position (\d+)/.exec(message);
      const cut = /end of JSON input/.test(message);
      const column = at ? Number(at[1]) + 1 : cut ? text.length + 1 : undefined;
      const what = atEnd
        ? 'truncated last line (no newline at the end: the run may still be writing)'
        : cut
          ? 'truncated line (it ends before its JSON object does)'
          : message;
      if (line === 1) this.fatal = { line, column, message: `not valid JSON: ${message}` };
      else this.skip(line, what, column);
      return;
    }
    if (line === 1) {
      const result = readRunHeader(value);
      if ('error' in result) this.fatal = { line, message: result.error };
      else this.header = result.header;
      return;
    }
    const result = readStepRecord(value, this.header!.layers.length);
    if ('error' in result) return this.skip(line, result.error);
    if (result.record.step <= this.lastStep)
      return this.skip(line, `step ${result.record.step} does not follow step ${this.lastStep}`);
    this.lastStep = result.record.step;
    this.records++;
    this.onRecord(result.record, line);
  }

  private skip(line: number, message: string, column?: number): void {
    this.skipped++;
    if (this.problems.length < RUN_LOG_LIMITS.listedProblems) this.problems.push({ line, column, message });
  }
}

/** A whole log held in memory, read at once: the header, every record, and the problems. */
export function parseRunLog(text: string): {
  header: RunHeader | undefined;
  records: RunStepRecord[];
  reader: RunLogReader;
} {
  const records: RunStepRecord[] = [];
  const reader = new RunLogReader((r) => records.push(r));
  reader.push(text);
  reader.end();
  return { header: reader.header, records, reader };
}
