/**
 * A training run that can be advanced in slices, paused, reset and inspected: the one
 * implementation behind the CLI's `train` and the extension's worker thread. Each step is
 * measured here, between the Trainer's gradients and its update.
 */
import { PERCENTILE_VALUES, activationPercentiles, deadUnits, saturatedUnits } from './diagnosis/layerHealth';
import { hasNonFinite } from './diagnosis/stats';
import { OverTimeMonitor } from './diagnosis/overTime';
import { chanceLoss } from './diagnosis/chance';
import { StepRecord, Warning } from './diagnosis/report';
import { ThinnedHistory } from './diagnosis/thinnedHistory';
import { DEFAULT_THRESHOLDS, Thresholds } from './diagnosis/thresholds';
import { Dataset, NetworkSpec } from './format/spec';
import { LoadedNetwork } from './load';
import { Network } from './nn/network';
import { relativeUpdate } from './nn/init';
import { Trainer, norm } from './nn/train';

/** Percentiles recorded per layer and step: p5, p25, median, p75, p95. */
export const RECORDED_PERCENTILES = [5, 25, 50, 75, 95] as const;

/** One training step, measured: the loss and ∂E/∂W that produced the update, and the update's relative size. */
/**
 * `light` skips the activation percentiles (the charts' bands), recording only whether a layer's
 * activations were finite: what a short verification run needs, at a fraction of the cost.
 */
export function measuredStep(
  trainer: Trainer,
  t: Thresholds = DEFAULT_THRESHOLDS,
  light = false,
  scratch: Float64Array = new Float64Array(2 * PERCENTILE_VALUES),
): StepRecord {
  const step = trainer.stepsDone;
  const loss = trainer.gradients();
  const size = trainer.batchRows;
  const layers = trainer.network.layers;
  const gradNorms = layers.map((l) => norm(l.gradWeights));
  const deadFractions = layers.map((l) => deadUnits(l, size).length / l.units);
  const saturatedFractions = layers.map(
    (l) => saturatedUnits(l, size, t.saturationDerivative, t.saturationSamples).length / l.units,
  );
  const activationPercentilesPerLayer = layers.map((l) =>
    light
      ? [hasNonFinite(l.out, size * l.units) ? NaN : 0]
      : activationPercentiles(l, size, RECORDED_PERCENTILES, scratch),
  );
  const weightNorms = layers.map((l) => norm(l.weights));
  trainer.update();
  const updateRatios = layers.map((layer, l) =>
    relativeUpdate(Math.sqrt(trainer.updateSquares[l]), weightNorms[l], layer),
  );
  return {
    step,
    loss,
    gradNorms,
    updateRatios,
    deadFractions,
    saturatedFractions,
    activationPercentiles: activationPercentilesPerLayer,
  };
}

/**
 * Trains `network` for `steps` steps of `spec.training`; `onStep` sees each record and may return
 * false to stop early (the state reached so far is kept). Returns the records.
 */
export function train(
  spec: NetworkSpec,
  network: Network,
  dataset: Dataset,
  steps: number,
  onStep?: (r: StepRecord) => void | boolean,
): StepRecord[] {
  const trainer = new Trainer(spec, network, dataset);
  const history: StepRecord[] = [];
  for (let i = 0; i < steps; i++) {
    const record = measuredStep(trainer);
    history.push(record);
    if (onStep?.(record) === false) break;
  }
  return history;
}

/**
 * Holds the network being trained, its optimizer state, a thinned step history and the over-time
 * rules, which see every step: memory stays bounded however long it trains.
 */
export class TrainingRun {
  private trainer: Trainer;
  private readonly initial: LoadedNetwork;
  private readonly thresholds: Thresholds;
  private readonly thinned = new ThinnedHistory();
  /** Where each step's activation percentiles are sorted, so long runs allocate nothing outside the JS heap. */
  private readonly scratch = new Float64Array(2 * PERCENTILE_VALUES);
  private monitor: OverTimeMonitor;

  /** `light`: record no activation percentiles (see measuredStep), for short runs nobody charts. */
  constructor(
    loaded: LoadedNetwork,
    thresholds: Partial<Thresholds> = {},
    private readonly light = false,
  ) {
    this.initial = { ...loaded, network: loaded.network.clone() };
    this.trainer = new Trainer(loaded.spec, loaded.network, loaded.dataset);
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
    this.monitor = this.newMonitor();
  }

  /** The steps so far, evenly thinned to at most 1,201 points; the first and the latest always kept. */
  get history(): StepRecord[] {
    return this.thinned.records();
  }

  /** The network in its current (trained) state, with its spec and data. */
  get loaded(): LoadedNetwork {
    // the initial load's other facts (its normalisation) carry over
    return { ...this.initial, spec: this.trainer.spec, network: this.trainer.network, dataset: this.trainer.dataset };
  }

  get stepsDone(): number {
    return this.trainer.stepsDone;
  }

  /**
   * Takes steps until `target` steps are done in total, `shouldYield()` asks to hand back control,
   * or a step produces a non-finite loss, handing each new record to `onRecord`. Records are not
   * collected here, so a run of any length holds only the thinned history.
   */
  advance(
    target: number,
    shouldYield: () => boolean = () => false,
    onRecord: (r: StepRecord) => void = () => undefined,
  ): { steps: number; nonFinite: boolean } {
    const before = this.trainer.stepsDone;
    let nonFinite = false;
    while (this.trainer.stepsDone < target && !nonFinite) {
      const r = measuredStep(this.trainer, this.thresholds, this.light, this.scratch);
      this.thinned.push(r);
      this.monitor.observe(r);
      onRecord(r);
      nonFinite = !Number.isFinite(r.loss);
      if (shouldYield()) break;
    }
    return { steps: this.trainer.stepsDone - before, nonFinite };
  }

  /** Over-time warnings for every step so far. */
  warnings(): Warning[] {
    return this.monitor.warnings();
  }

  /** Back to the initial weights with fresh optimizer state and an empty history. */
  reset(): void {
    this.trainer = new Trainer(this.initial.spec, this.initial.network.clone(), this.initial.dataset);
    this.thinned.clear();
    this.monitor = this.newMonitor();
  }

  private newMonitor(): OverTimeMonitor {
    const deadUnitsNow = (l: number): readonly number[] =>
      deadUnits(this.trainer.network.layers[l], this.trainer.batchRows);
    const { spec, dataset } = this.trainer;
    return new OverTimeMonitor(spec, this.thresholds, {
      deadUnitsNow,
      chanceLoss: chanceLoss(spec.loss, dataset),
      plannedSteps: spec.training.steps,
    });
  }
}
