/**
 * Thresholds of every warning rule, one-pass and over time, each with its source. Published rules are a
 * floor: see warnings.ts for how they are combined so a uniformly enormous or tiny network is still caught.
 */

/** Every tunable of the diagnosis; the host's settings `gradientDebugger.thresholds.<key>` override them. */
export interface Thresholds {
  /** ‖∇W_first‖/‖∇W_last‖ below this is vanishing (AutoTrainer, ICSE 2021: 1e-3). */
  readonly vanishingRatio: number;
  /**
   * A layer whose update ratio lr·‖∇W‖/‖W‖ is below this does not move (DeepDiagnosis, ICSE 2022:
   * healthy ≥ 1e-5).
   */
  readonly stalledUpdateRatio: number;
  /** …while the output layer's is at least this (TheDeepChecker: log10 ratio ≥ −4). */
  readonly learningUpdateRatio: number;
  /** ‖∇W_first‖/‖∇W_last‖ above this is exploding (AutoTrainer: 70). */
  readonly explodingRatio: number;
  /**
   * One update larger than this fraction of the weights is exploding, whatever the ratio between
   * layers (DeepDiagnosis and TheDeepChecker bound the healthy band at 1e-1; we flag at 1, a step
   * as large as the weights).
   */
  readonly explodingUpdateRatio: number;
  /**
   * A first step above this fraction of the weights (the healthy band's upper bound in DeepDiagnosis and
   * TheDeepChecker: 1e-1), in a network that does not fit yet, is checked by a look-ahead of a few real steps:
   * the learning rate is too high when they make the loss rise and a tenth of the rate does clearly better.
   */
  readonly lookAheadUpdateRatio: number;
  /**
   * Over time: an update ratio whose windowed median stays above this is exploding (DeepDiagnosis
   * and TheDeepChecker: upper bound 1e-1).
   */
  readonly sustainedExplodingUpdateRatio: number;
  /** Mean |∂E/∂W| above this is exploding in absolute terms (TheDeepChecker: 1e6). */
  readonly explodingMeanGradient: number;
  /**
   * Fraction of a layer's ReLU units dead (z ≤ 0 for every sample) that raises a warning (CS231n:
   * up to 40% dead with a bad learning rate; TheDeepChecker: > 50% of units).
   */
  readonly deadFraction: number;
  /**
   * f'(z) below this fraction of its peak (σ' peaks at ¼, tanh' at 1) counts as saturated
   * (σ'(z) < 0.0025 ⇔ |z| > 6; tanh'(z) < 0.01 ⇔ |z| > 3).
   */
  readonly saturationDerivative: number;
  /**
   * …for at least this fraction of the samples, for the unit to be saturated (DeepDiagnosis: > 50%
   * of pre-activations beyond ±5).
   */
  readonly saturationSamples: number;
  /**
   * Over time: a smoothed loss at least this multiple of the best smoothed loss is divergence
   * (TheDeepChecker: ≥ 2× the minimum).
   */
  readonly divergenceFactor: number;
  /** Over time: moving-average window (steps) for the loss and the update ratios, so minibatch noise does not count. */
  readonly lossWindow: number;
  /**
   * Over time: successive growing steps above the exploding limit that count as a blow-up
   * (TheDeepChecker watches 5 successive doublings).
   */
  readonly growthSteps: number;
  /** Over time: newly dead units must make up at least this fraction of a layer to be reported. */
  readonly newlyDeadFraction: number;
  /**
   * A sigmoid/tanh layer whose mean |f'(z)| is at most this share of its peak is saturated (DeepDiagnosis
   * flags > 50% of pre-activations beyond ±5, where tanh' < 2e-4; a layer at 10% of its peak passes ~10× less gradient).
   */
  readonly saturatedShare: number;
  /** A feature whose max(|mean|, std) is at least this is far from unit scale (standardised: 1). */
  readonly dataScaleHigh: number;
  /** …and a data set whose every feature is at most this is too small to see. */
  readonly dataScaleLow: number;
  /** Over time: a moving-average loss within this fraction of the chance level is not learning. */
  readonly notLearningBand: number;
  /** Over time: …for min(90% of the planned steps, this) steps (a short run may start with a jump). */
  readonly notLearningSteps: number;
  /** Over time: the total gradient norm growing this many times over its early value is exploding (TheDeepChecker: 5 doublings). */
  readonly gradientGrowth: number;
}

/** Defaults from the literature (see each field). */
export const DEFAULT_THRESHOLDS: Thresholds = {
  vanishingRatio: 1e-3,
  stalledUpdateRatio: 1e-5,
  learningUpdateRatio: 1e-4,
  explodingRatio: 70,
  explodingUpdateRatio: 1,
  lookAheadUpdateRatio: 1e-1,
  sustainedExplodingUpdateRatio: 1e-1,
  explodingMeanGradient: 1e6,
  deadFraction: 0.5,
  saturationDerivative: 0.01,
  saturationSamples: 0.5,
  divergenceFactor: 2,
  lossWindow: 10,
  growthSteps: 3,
  newlyDeadFraction: 0.1,
  saturatedShare: 0.1,
  dataScaleHigh: 10,
  dataScaleLow: 0.02,
  notLearningBand: 0.05,
  notLearningSteps: 200,
  gradientGrowth: 1000,
};
