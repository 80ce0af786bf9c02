/** Training runs as `train` reports them, shared by the tests of diagnosis and fix verification. */
import { analyze } from '../../src/core/analysis';
import { runWarnings } from '../../src/core/diagnosis/warningOrder';
import { Warning } from '../../src/core/diagnosis/report';
import { verifyFixes } from '../../src/core/fixVerification';
import { LoadOptions, loadNetwork } from '../../src/core/load';
import { TrainingRun } from '../../src/core/trainingRun';

/** The warnings of a full training run of `text` (the file's steps), before verification. */
export function runWarningsOf(text: string, options: LoadOptions = {}): Warning[] {
  const loaded = loadNetwork(text, options).loaded!;
  const atStart = analyze(loaded);
  const run = new TrainingRun(loaded);
  run.advance(loaded.spec.training.steps);
  return runWarnings(run.warnings(), atStart, analyze(run.loaded));
}

/** The same with their fixes verified. */
export function runVerified(text: string, options: LoadOptions = {}): Warning[] {
  return verifyFixes(text, options, runWarningsOf(text, options));
}
