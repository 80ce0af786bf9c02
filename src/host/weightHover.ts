/**
 * Hover on a weight or bias in the file: its gradient and the update one SGD step would make, with
 * a link to the full chain-rule breakdown.
 */
import { getLocation } from 'jsonc-parser';
import * as vscode from 'vscode';
import { formatNumber } from '../shared/numbers';
import { TrainingController } from './training/trainingController';

/** Hover on a weight or bias: its gradient, the SGD update, and a link to the chain-rule breakdown. */
export class WeightHoverProvider implements vscode.HoverProvider {
  constructor(private readonly training: TrainingController) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const path = getLocation(doc.getText(), doc.offsetAt(position)).path;
    if (path[0] !== 'layers' || typeof path[1] !== 'number') return undefined;
    const layer = path[1];
    let unit: number, input: number;
    if (path[2] === 'weights' && typeof path[3] === 'number' && typeof path[4] === 'number')
      [unit, input] = [path[3], path[4]];
    else if (path[2] === 'bias' && typeof path[3] === 'number') [unit, input] = [path[3], -1];
    else return undefined;
    const e = await this.training.explain(doc.uri, layer, unit, input).catch(() => undefined);
    if (!e) return undefined;
    const name = input < 0 ? `b_${unit}` : `w_${unit},${input}`;
    const md = new vscode.MarkdownString(undefined, true);
    const gradient = formatNumber(e.gradient, 6);
    const samples = `${e.samples} sample${e.samples === 1 ? '' : 's'}`;
    md.appendMarkdown(`**∂E/∂${name} = ${gradient}** (sum over ${samples})\n\n`);
    const step = `${formatNumber(e.weight, 6)} − ${e.learningRate} × ${gradient}`;
    md.appendMarkdown(`one SGD step: ${step} = ${formatNumber(e.updated, 6)}\n\n`);
    const args = encodeURIComponent(JSON.stringify([layer, unit, input]));
    md.appendMarkdown(
      `[Explain this weight](command:gradientDebugger.explainWeight?${args} "The chain rule with the actual numbers")`,
    );
    md.isTrusted = { enabledCommands: ['gradientDebugger.explainWeight'] };
    return new vscode.Hover(md);
  }
}
