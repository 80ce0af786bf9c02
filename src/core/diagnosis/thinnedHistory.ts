/**
 * A run's step records in bounded memory: every `stride`-th record is kept, and the stride doubles
 * (dropping every other kept record) whenever more than 2·cap are held, so a run of any length keeps
 * between cap and 2·cap evenly spaced points, plus the latest record.
 */
import { StepRecord } from './report';

/** Points the views draw (they thin to this many); the history keeps between this and twice this. */
export const HISTORY_POINTS = 600;

/** Evenly thinned step records with the first and the latest always present. */
export class ThinnedHistory {
  private kept: StepRecord[] = [];
  private latest: StepRecord | undefined;
  private stride = 1;
  /** Records observed in all, kept or not. */
  private observed = 0;

  constructor(private readonly cap = HISTORY_POINTS) {}

  /** Observes the next record (in step order). */
  push(record: StepRecord): void {
    if (this.observed % this.stride === 0) {
      this.kept.push(record);
      if (this.kept.length > 2 * this.cap) {
        this.kept = this.kept.filter((_, i) => i % 2 === 0);
        this.stride *= 2;
      }
    }
    this.latest = record;
    this.observed++;
  }

  /** How many records were observed. */
  get count(): number {
    return this.observed;
  }

  /** The kept records in step order, ending with the latest one. */
  records(): StepRecord[] {
    const last = this.kept[this.kept.length - 1];
    return this.latest && last !== this.latest ? [...this.kept, this.latest] : [...this.kept];
  }

  /** Forgets everything. */
  clear(): void {
    this.kept = [];
    this.latest = undefined;
    this.stride = 1;
    this.observed = 0;
  }
}
