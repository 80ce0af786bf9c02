/**
 * Registers every command of the palette; each module keeps its handlers thin, delegating to the
 * session, panel, training or an edit.
 */
import * as vscode from 'vscode';
import { analysisCommands } from './analysisCommands';
import { fileCommands } from './fileCommands';
import { modelCommands } from './modelCommands';
import { runCommands } from './runCommands';
import { CommandServices } from './services';
import { trainingCommands } from './trainingCommands';
import { walkthroughCommands } from './walkthroughCommands';

/** Registers every command id contributed in package.json; each registration is disposed with the extension. */
export function registerCommands(services: CommandServices): void {
  const commands = {
    ...analysisCommands(services),
    ...fileCommands(services),
    ...modelCommands(services),
    ...runCommands(services),
    ...trainingCommands(services),
    ...walkthroughCommands(services),
  };
  for (const [id, handler] of Object.entries(commands))
    services.context.subscriptions.push(vscode.commands.registerCommand(id, handler));
}
