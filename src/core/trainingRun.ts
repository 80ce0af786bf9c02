/**
 * A training run that can be advanced in slices, paused, reset and inspected: the one
 * implementation behind the CLI's `train` and the extension's worker thread.
 */
import { LoadedNetwork } from './load';
import { diagnoseHistory } from './diagnosis/overTime';
import { StepRecord, Warning } from './diagnosis/report';
import { Trainer } from './nn/train';

/** Holds the network being trained, its optimizer state and the full step history. */
export class TrainingRun {
  private trainer: Trainer;
  private readonly initial: LoadedNetwork;
  readonly history: StepRecord[] = [];

  constructor(loaded: LoadedNetwork) {
    this.initial = { ...loaded, network: loaded.network.clone() };
    this.trainer = new Trainer(loaded.spec, loaded.network, loaded.dataset);
  }

  /** The network in its current (trained) state, with its spec and data. */
  get loaded(): LoadedNetwork {
    return { spec: this.trainer.spec, network: this.trainer.network, dataset: this.trainer.dataset };
  }

  get stepsDone(): number {
    return this.trainer.stepsDone;
  }

  /**
   * Takes steps until `target` steps are done in total, `shouldYield()` asks to hand back control,
   * or a step produces a non-finite loss. Returns the new records.
   */
  advance(target: number, shouldYield: () => boolean = () => false): { records: StepRecord[]; nonFinite: boolean } {
    const records: StepRecord[] = [];
    let nonFinite = false;
    while (this.trainer.stepsDone < target && !nonFinite) {
      const r = this.trainer.step();
      records.push(r);
      this.history.push(r);
      nonFinite = !Number.isFinite(r.loss);
      if (shouldYield()) break;
    }
    return { records, nonFinite };
  }

  /** Over-time warnings for the history so far. */
  warnings(): Warning[] {
    return diagnoseHistory(this.trainer.spec, this.history);
  }

  /** Back to the initial weights with fresh optimizer state and an empty history. */
  reset(): void {
    this.trainer = new Trainer(this.initial.spec, this.initial.network.clone(), this.initial.dataset);
    this.history.length = 0;
  }
}
