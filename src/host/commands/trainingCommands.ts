/** Commands that drive training of the active network: train, one step, pause, reset. */
import * as vscode from 'vscode';
import { LIMITS } from '../../core/format/spec';
import { CommandServices, CommandTable } from './services';
import { activeDocument } from './targets';
import { activeLargeFile } from '../training/largeFiles';

/** Handlers of the training commands, by id. */
export function trainingCommands(s: CommandServices): CommandTable {
  const { session, training } = s;
  return {
    'gradientDebugger.train': (steps?: unknown) => train(s, steps),
    'gradientDebugger.step': async () => {
      const doc = await activeDocument(session);
      if (doc) await training.train(doc, 1);
    },
    'gradientDebugger.pause': () => training.pause(),
    'gradientDebugger.reset': async () => {
      const doc = await activeDocument(session);
      if (doc) await training.reset(doc);
    },
  };
}

/** Trains `steps` steps (asked for, defaulting to the file's, when not given) and shows the panel. */
async function train({ session, panel, training }: CommandServices, steps: unknown): Promise<void> {
  const large = await activeLargeFile(); // over 50 MB: no document; the worker reads it from disk
  if (large) {
    const n = typeof steps === 'number' ? steps : await askSteps(1000);
    if (n !== undefined) await training.train(large, n);
    return;
  }
  const doc = await activeDocument(session);
  const spec = doc && (session.entry(doc.uri) ?? (await session.analyzeNow(doc))).spec;
  if (!doc || !spec) return;
  const n = typeof steps === 'number' ? steps : await askSteps(spec.training.steps);
  if (n === undefined) return;
  panel.show();
  await training.train(doc, n);
}

/** Asks for a number of steps from 1 to the step limit; undefined when cancelled. */
async function askSteps(defaultSteps: number): Promise<number | undefined> {
  const input = await vscode.window.showInputBox({
    title: 'Train',
    prompt: 'Number of steps',
    value: String(defaultSteps),
    validateInput: (v) =>
      /^\d+$/.test(v.trim()) && Number(v) > 0 && Number(v) <= LIMITS.maxSteps
        ? undefined
        : `A whole number from 1 to ${LIMITS.maxSteps.toLocaleString('en-US')}`,
  });
  return input === undefined ? undefined : Number(input);
}
