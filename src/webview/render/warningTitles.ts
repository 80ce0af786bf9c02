import type { WarningKind } from '../../core/diagnosis/report';

/** What each warning kind is called on screen (panel and side view). */
export const KIND_TITLES: Record<WarningKind, string> = {
  vanishing_gradient: 'Vanishing gradient',
  exploding_gradient: 'Exploding gradient',
  dead_relu: 'Dead ReLU units',
  saturated_activation: 'Saturated units',
  non_finite: 'NaN or infinity',
  bad_init: 'Badly scaled initialisation',
  output_mismatch: 'Output cannot reach the targets',
  data_scale: 'Inputs far from unit scale',
  learning_rate_too_high: 'Learning rate too high',
  loss_diverging: 'Loss diverging',
  not_learning: 'Not learning',
};
