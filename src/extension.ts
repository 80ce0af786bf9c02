/** Activation: build the services and register every provider and command. No logic lives here. */
import * as vscode from 'vscode';
import { FixProvider } from './host/codeActions';
import { LayerLensProvider } from './host/codeLens';
import { registerCommands } from './host/commands';
import { openDemoOnStart } from './host/demoStartup';
import { NetworkDiagnostics } from './host/diagnostics';
import { GradientPanel } from './host/gradientPanel';
import { RunController } from './host/runs/runController';
import { NetworkSession } from './host/session';
import { SUMMARY_VIEW_ID, SummaryViewProvider } from './host/sidebarView';
import { TrainingController } from './host/training/trainingController';
import { CheckpointStore, watchForCheckpoints } from './host/training/checkpoints';
import { WeightHoverProvider } from './host/weightHover';
import { AnalysisService } from './host/worker/analysisService';

const NETWORK_FILES: vscode.DocumentSelector = { pattern: '**/*.net.json' };

/** Builds the session, the views and the providers, and registers every command. */
export function activate(context: vscode.ExtensionContext): void {
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'coreWorker.js').fsPath;
  const analysis = new AnalysisService(workerPath);
  const session = new NetworkSession(analysis);
  const checkpoints = new CheckpointStore(
    vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'checkpoints'),
  );
  const training = new TrainingController(workerPath, session, analysis, checkpoints);
  const runs = new RunController(() => panel.show());
  const panel = new GradientPanel(context.extensionUri, session, training, runs);
  const summary = new SummaryViewProvider(context.extensionUri, session, training, runs);
  const output = vscode.window.createOutputChannel('Gradient Debugger');
  context.subscriptions.push(
    watchForCheckpoints(checkpoints),
    analysis,
    session,
    training,
    runs,
    panel,
    summary,
    output,
    new NetworkDiagnostics(session),
    vscode.window.registerWebviewViewProvider(SUMMARY_VIEW_ID, summary),
    vscode.languages.registerCodeActionsProvider(NETWORK_FILES, new FixProvider(session, training), {
      providedCodeActionKinds: FixProvider.kinds,
    }),
    vscode.languages.registerCodeLensProvider(NETWORK_FILES, new LayerLensProvider(session)),
    vscode.languages.registerHoverProvider(NETWORK_FILES, new WeightHoverProvider(training)),
  );
  registerCommands({ context, session, panel, training, output, analysis, runs });
  void openDemoOnStart(panel);
}

/** Nothing to release beyond the subscriptions VS Code disposes. */
export function deactivate(): void {}
