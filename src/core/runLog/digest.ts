/**
 * What a run log comes to once read, in bounded memory however long it is: every step record goes
 * through the online over-time rules (so a NaN at a single step is caught even when thinning drops
 * it), and a thinned history is kept for the charts. Shared by the CLI's `diagnose` and the editor's
 * live view of a run.
 */
import { OverTimeMonitor, RunContext } from '../diagnosis/overTime';
import { StepRecord, Warning } from '../diagnosis/report';
import { ThinnedHistory } from '../diagnosis/thinnedHistory';
import { DEFAULT_THRESHOLDS, Thresholds } from '../diagnosis/thresholds';
import { RunHeader } from './header';
import { RunLogReader } from './reader';
import { RunStepRecord } from './record';
import { specFromHeader } from './spec';

/** The loss of the best constant prediction, when the header gives one (no not-learning rule without it). */
function runContext(header: RunHeader): RunContext {
  const chance = (header as { readonly chanceLoss?: unknown }).chanceLoss;
  return typeof chance === 'number' && Number.isFinite(chance) ? { chanceLoss: chance } : {};
}

/** How a run was made, in one line: "ddp × 2 ranks · Adam · loss CrossEntropyLoss · every 10". */
export function runSummary(h: RunHeader): string {
  const world = (h.worldSize ?? 1) > 1 ? ` × ${h.worldSize} ranks` : '';
  return (
    `${h.strategy ?? 'single'}${world} · ${h.optimizer?.type ?? 'no optimizer'} · loss ${h.loss ?? '?'} · ` +
    `every ${h.every ?? '?'}`
  );
}

/** A run log read chunk by chunk: header, problems, online warnings and a thinned history. */
export class RunDigest {
  /** The line reader: header, fatal problem, skipped lines and the count of records. */
  readonly reader: RunLogReader;
  /** Evenly thinned records for the charts (between HISTORY_POINTS and twice that, plus the latest). */
  readonly history = new ThinnedHistory();
  private monitor: OverTimeMonitor | undefined;
  private last: RunStepRecord | undefined;

  /** `name` names the run in warnings; `thresholds` are the rules' (the defaults unless the user set some). */
  constructor(
    private readonly name: string,
    private readonly thresholds: Thresholds = DEFAULT_THRESHOLDS,
    maxLineChars?: number,
  ) {
    this.reader = new RunLogReader((record) => this.observe(record), maxLineChars);
  }

  /** Reads every complete line of the next chunk of text. */
  push(chunk: string): void {
    this.reader.push(chunk);
  }

  /** The text is complete: reads a last line without a newline (a run still writing never ends). */
  end(): void {
    this.reader.end();
  }

  /** The header once read. */
  get header(): RunHeader | undefined {
    return this.reader.header;
  }

  /** The latest valid record. */
  get latest(): RunStepRecord | undefined {
    return this.last;
  }

  /** The over-time warnings of every record read so far, each with the step and layer where it began. */
  warnings(): Warning[] {
    return this.monitor ? this.monitor.warnings() : [];
  }

  /** The thinned history, ending with the latest record. */
  records(): StepRecord[] {
    return this.history.records();
  }

  private observe(record: RunStepRecord): void {
    const header = this.reader.header!;
    this.monitor ??= new OverTimeMonitor(specFromHeader(header, this.name), this.thresholds, runContext(header));
    this.monitor.observe(record);
    this.history.push(record);
    this.last = record;
  }
}
