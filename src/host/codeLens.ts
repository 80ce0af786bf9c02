/** CodeLens above each layer: its gradient norm, update ratio, dead/saturated units and warnings. */
import { findNodeAtLocation } from 'jsonc-parser';
import * as vscode from 'vscode';
import { formatNumber } from '../shared/numbers';
import { readSettings } from './config';
import { NetworkSession } from './session';
import { shallowTree } from '../core/format/json';

/** A line above each layer: its gradient norm, dead units and warnings. */
export class LayerLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly session: NetworkSession) {
    session.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!readSettings().codeLens) return [];
    const state = this.session.entry(doc.uri)?.state;
    const report = state?.report;
    if (!report || state.problems.length) return [];
    const tree = shallowTree(doc.getText());
    const layers = tree && findNodeAtLocation(tree, ['layers']);
    if (!layers?.children) return [];
    return layers.children.slice(0, report.layers.length).map((node, i) => {
      const l = report.layers[i];
      const warnings = report.warnings.filter((w) => w.layerIndex === i);
      // short enough for a half-width editor: the details are in the tooltip and the panel
      const parts = [
        `‖∇W‖ ${formatNumber(l.gradients.weightNorm)}`,
        `f′ ${formatNumber(l.derivatives.meanAbs)}`,
        ...(l.deadUnits.length ? [`${l.deadUnits.length} dead`] : []),
        ...(l.saturatedUnits.length ? [`${l.saturatedUnits.length} sat.`] : []),
        ...warnings.map((w) => `⚠ ${w.kind.split('_')[0]}`),
      ];
      const tooltip = [
        `‖∂E/∂W‖ ${formatNumber(l.gradients.weightNorm)} · update ratio ${formatNumber(l.gradients.updateRatio)}`,
        `mean |f'(z)| ${formatNumber(l.derivatives.meanAbs)}`,
        ...warnings.map((w) => `⚠ ${w.kind.replace(/_/g, ' ')}`),
        'Click to open the Gradient panel',
      ].join('\n');
      const range = new vscode.Range(doc.positionAt(node.offset), doc.positionAt(node.offset));
      return new vscode.CodeLens(range, {
        title: parts.join(' · '),
        command: 'gradientDebugger.openPanel',
        tooltip,
      });
    });
  }
}
