/** Export Report: Markdown with the charts as SVG images, plus the report as JSON and the training history as CSV. */
import * as vscode from 'vscode';
import { AnalysisReport, LayerReport, StepRecord, Warning } from '../core/diagnosis/report';
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

/** Writes a text file as UTF-8. */
function writeText(uri: vscode.Uri, text: string): Thenable<void> {
  return vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

/** The gradient-flow chart: ‖∂E/∂W‖ and the update ratio per layer, on a log axis. */
function gradientFlowSvg(report: AnalysisReport): string {
  return lineChartSvg(
    'Gradient flow: ‖∂E/∂W‖ per layer (log scale)',
    report.layers.map((l) => l.index),
    [
      { name: '‖∂E/∂W‖', values: report.layers.map((l) => l.gradients.weightNorm) },
      { name: 'update ratio', values: report.layers.map((l) => l.gradients.updateRatio) },
    ],
    true,
    'layer index (input → output)',
  );
}

/** The Markdown layer table's column headings (Markdown-escaped). */
const LAYER_COLUMNS = [
  '#',
  'layer',
  'units',
  'activation',
  "mean \\|f'(z)\\|",
  '‖∂E/∂W‖',
  '‖∂E/∂b‖',
  'update ratio',
  'dead',
  'saturated',
];

/** One row of the Markdown layer table. */
function layerRowMarkdown(l: LayerReport): string {
  const cells = [
    l.index,
    cell(l.name),
    l.units,
    l.activation,
    formatNumber(l.derivatives.meanAbs, 4),
    formatNumber(l.gradients.weightNorm, 4),
    formatNumber(l.gradients.biasNorm, 4),
    formatNumber(l.gradients.updateRatio, 4),
    l.deadUnits.length,
    l.saturatedUnits.length,
  ];
  return `| ${cells.join(' | ')} |`;
}

/** One warning as a Markdown list item with its cause and fix. */
function warningMarkdown(w: Warning): string {
  const when = w.firstStep !== undefined ? ` from step ${w.firstStep}` : '';
  return `- **${w.kind}** in \`${cell(w.layer)}\`${when}: ${w.message}\n  - cause: ${w.cause}\n  - fix: ${w.fix}`;
}

/** The report's Markdown lines: heading, source line, flow chart, layer table and warnings (training ones first). */
function reportMarkdown(
  report: AnalysisReport,
  source: string,
  name: string,
  trainingWarnings: readonly Warning[],
): string[] {
  return [
    `# Gradient report: ${report.network}`,
    '',
    `Source: \`${source}\` · loss ${formatNumber(report.loss, 4)} · ${report.samples} samples · ` +
      `${report.parameters} parameters · ${new Date().toISOString()}`,
    '',
    `![gradient flow](${name}-gradient-flow.svg)`,
    '',
    `| ${LAYER_COLUMNS.join(' | ')} |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.layers.map(layerRowMarkdown),
    '',
    '## Warnings',
    '',
    ...(report.warnings.length || trainingWarnings.length
      ? [...trainingWarnings, ...report.warnings].map(warningMarkdown)
      : ['None.']),
  ];
}

/** Writes the loss and gradient-norm charts and the history CSV; returns their URIs in that order. */
async function writeTrainingFiles(
  file: (suffix: string) => vscode.Uri,
  names: readonly string[],
  history: readonly StepRecord[],
): Promise<vscode.Uri[]> {
  const steps = history.map((r) => r.step);
  await writeText(
    file('-loss.svg'),
    lineChartSvg('Loss per step', steps, [{ name: 'loss', values: history.map((r) => r.loss) }], true, 'step'),
  );
  await writeText(
    file('-grad-norms.svg'),
    lineChartSvg(
      '‖∂E/∂W‖ per layer over training (log scale)',
      steps,
      names.map((n, i) => ({ name: n, values: history.map((r) => r.gradNorms[i]) })),
      true,
      'step',
    ),
  );
  await writeText(file('-history.csv'), historyCsv(names, history));
  return [file('-loss.svg'), file('-grad-norms.svg'), file('-history.csv')];
}

/** The Markdown "Training" section: loss from first to last step, the two charts and a link to the CSV. */
function trainingMarkdown(name: string, history: readonly StepRecord[]): string[] {
  const firstLoss = formatNumber(history[0].loss, 4);
  const lastLoss = formatNumber(history[history.length - 1].loss, 4);
  return [
    '',
    '## Training',
    '',
    `${history.length} steps; loss ${firstLoss} → ${lastLoss}.`,
    '',
    `![loss](${name}-loss.svg)`,
    '',
    `![gradient norms](${name}-grad-norms.svg)`,
    '',
    `History: [${name}-history.csv](${name}-history.csv)`,
  ];
}

/**
 * Writes `<base>.md`, `<base>.json`, `<base>-gradient-flow.svg` and, after training,
 * `<base>-history.csv` and `<base>-loss.svg`.
 */
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
  const written: vscode.Uri[] = [];
  await writeText(file('-gradient-flow.svg'), gradientFlowSvg(report));
  written.push(file('-gradient-flow.svg'));
  const md = reportMarkdown(report, source, name, trainingWarnings);
  if (history.length) {
    const names = report.layers.map((l) => l.name);
    written.push(...(await writeTrainingFiles(file, names, history)));
    md.push(...trainingMarkdown(name, history));
  }
  await writeText(file('.json'), toJsonText({ report, training: { history, warnings: trainingWarnings } }, 2));
  await writeText(target, `${md.join('\n')}\n`);
  written.push(file('.json'), target);
  return written;
}
