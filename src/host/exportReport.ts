/** Export Report: Markdown with the charts as SVG images, plus the report as JSON and the training history as CSV. */
import * as vscode from 'vscode';
import { AnalysisReport, StepRecord, Warning } from '../core/diagnosis/report';
import { formatNumber, toJsonText } from '../shared/numbers';
import { lineChartSvg } from './svgCharts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The training history as CSV: step, loss, then ‖∇W‖ and the update ratio of each layer. */
export function historyCsv(layers: readonly string[], history: readonly StepRecord[]): string {
  const header = [
    'step',
    'loss',
    ...layers.map((l) => `grad_norm_${l}`),
    ...layers.map((l) => `update_ratio_${l}`),
    ...layers.map((l) => `dead_fraction_${l}`),
  ];
  const rows = history.map((r) => [r.step, r.loss, ...r.gradNorms, ...r.updateRatios, ...r.deadFractions].join(','));
  return `${header.join(',')}\n${rows.join('\n')}\n`;
}

/** Writes `<base>.md`, `<base>.json`, `<base>-gradient-flow.svg` and, after training, `<base>-history.csv` and `<base>-loss.svg`. */
export async function exportReport(
  target: vscode.Uri,
  source: string,
  report: AnalysisReport,
  history: readonly StepRecord[],
  trainingWarnings: readonly Warning[],
): Promise<vscode.Uri[]> {
  const base = target.path.replace(/\.md$/, '');
  const name = base.split('/').pop()!;
  const file = (suffix: string): vscode.Uri => target.with({ path: `${base}${suffix}` });
  const write = (uri: vscode.Uri, text: string): Thenable<void> =>
    vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const names = report.layers.map((l) => l.name);
  const written: vscode.Uri[] = [];
  const flow = lineChartSvg(
    'Gradient flow: ‖∂E/∂W‖ per layer (log scale)',
    report.layers.map((l) => l.index),
    [
      { name: '‖∂E/∂W‖', values: report.layers.map((l) => l.gradients.weightNorm) },
      { name: 'update ratio', values: report.layers.map((l) => l.gradients.updateRatio) },
    ],
    true,
    'layer index (input → output)',
  );
  await write(file('-gradient-flow.svg'), flow);
  written.push(file('-gradient-flow.svg'));
  const md = [
    `# Gradient report: ${report.network}`,
    '',
    `Source: \`${source}\` · loss ${formatNumber(report.loss, 4)} · ${report.samples} samples · ${report.parameters} parameters · ${new Date().toISOString()}`,
    '',
    `![gradient flow](${name}-gradient-flow.svg)`,
    '',
    "| # | layer | units | activation | mean \\|f'(z)\\| | ‖∂E/∂W‖ | ‖∂E/∂b‖ | update ratio | dead | saturated |",
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.layers.map(
      (l) =>
        `| ${l.index} | ${cell(l.name)} | ${l.units} | ${l.activation} | ${formatNumber(l.derivatives.meanAbs, 4)} | ${formatNumber(l.gradients.weightNorm, 4)} | ${formatNumber(l.gradients.biasNorm, 4)} | ${formatNumber(l.gradients.updateRatio, 4)} | ${l.deadUnits.length} | ${l.saturatedUnits.length} |`,
    ),
    '',
    '## Warnings',
    '',
    ...(report.warnings.length || trainingWarnings.length
      ? [...trainingWarnings, ...report.warnings].map(
          (w) =>
            `- **${w.kind}** in \`${cell(w.layer)}\`${w.firstStep !== undefined ? ` from step ${w.firstStep}` : ''}: ${w.message}\n  - cause: ${w.cause}\n  - fix: ${w.fix}`,
        )
      : ['None.']),
  ];
  if (history.length) {
    const steps = history.map((r) => r.step);
    await write(
      file('-loss.svg'),
      lineChartSvg('Loss per step', steps, [{ name: 'loss', values: history.map((r) => r.loss) }], true, 'step'),
    );
    await write(
      file('-grad-norms.svg'),
      lineChartSvg(
        '‖∂E/∂W‖ per layer over training (log scale)',
        steps,
        names.map((n, i) => ({ name: n, values: history.map((r) => r.gradNorms[i]) })),
        true,
        'step',
      ),
    );
    await write(file('-history.csv'), historyCsv(names, history));
    written.push(file('-loss.svg'), file('-grad-norms.svg'), file('-history.csv'));
    md.push(
      '',
      '## Training',
      '',
      `${history.length} steps; loss ${formatNumber(history[0].loss, 4)} → ${formatNumber(history[history.length - 1].loss, 4)}.`,
      '',
      `![loss](${name}-loss.svg)`,
      '',
      `![gradient norms](${name}-grad-norms.svg)`,
      '',
      `History: [${name}-history.csv](${name}-history.csv)`,
    );
  }
  await write(file('.json'), toJsonText({ report, training: { history, warnings: trainingWarnings } }, 2));
  await write(target, `${md.join('\n')}\n`);
  written.push(file('.json'), target);
  return written;
}
