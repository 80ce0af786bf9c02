/** What every command module receives, and the shape of the handler tables they return. */
import * as vscode from 'vscode';
import { GradientPanel } from '../gradientPanel';
import { RunController } from '../runs/runController';
import { NetworkSession } from '../session';
import { TrainingController } from '../training/trainingController';
import { AnalysisService } from '../worker/analysisService';

/** The extension's services a command may use. */
export interface CommandServices {
  readonly context: vscode.ExtensionContext;
  readonly session: NetworkSession;
  readonly panel: GradientPanel;
  readonly training: TrainingController;
  readonly output: vscode.OutputChannel;
  readonly analysis: AnalysisService;
  /** Training runs read from their logs (`*.gd.jsonl`). */
  readonly runs: RunController;
}

/** Handlers by command id (`gradientDebugger.*`, as contributed in package.json). */
export type CommandTable = Record<string, (...args: unknown[]) => unknown>;
