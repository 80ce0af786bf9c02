/** Text rendering for the CLI: colours, aligned tables, warning blocks (JSON goes through toJsonText). */
import { AnalysisReport, LayerReport, Warning } from '../core/diagnosis/report';
import { Fix } from '../core/format/fixEdits';
import { formatNumber } from '../shared/numbers';

const ESC = {
  bold: '\u001b[1m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  dim: '\u001b[2m',
  reset: '\u001b[0m',
};

/** Wraps text in an ANSI style when colour is on. */
export function paint(color: boolean, style: keyof typeof ESC, text: string): string {
  return color ? `${ESC[style]}${text}${ESC.reset}` : text;
}

/** Left-aligned text columns and right-aligned number columns, padded to their widest cell. */
export function table(header: string[], rows: string[][], numeric: boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The per-layer table of an analysis. */
export function layerTable(layers: readonly LayerReport[]): string {
  const rows = layers.map((l) => [
    String(l.index),
    l.name,
    String(l.units),
    l.activation,
    formatNumber(l.derivatives.meanAbs),
    formatNumber(l.gradients.weightNorm),
    formatNumber(l.gradients.biasNorm),
    formatNumber(l.gradients.updateRatio),
    String(l.deadUnits.length),
    String(l.saturatedUnits.length),
  ]);
  const columns = ['#', 'layer', 'units', 'activation', "mean|f'(z)|", '‖∂E/∂W‖', '‖∂E/∂b‖'];
  const numeric = [true, false, true, false, true, true, true, true, true, true];
  return table([...columns, 'lr·‖∇W‖/‖W‖', 'dead', 'saturated'], rows, numeric);
}

/** The mark before a warning's title, by severity. */
const SEVERITY_MARKS: Readonly<Record<Warning['severity'], string>> = { error: '✖', warning: '⚠', info: 'ℹ' };

/** Warnings as readable blocks: title, message, cause, fix, and the one-click fixes. */
export function warningBlocks(warnings: readonly Warning[], color: boolean): string {
  if (!warnings.length) return paint(color, 'dim', 'no warnings');
  return warnings
    .map((w) => {
      const style = w.severity === 'error' ? 'red' : w.severity === 'warning' ? 'yellow' : 'cyan';
      const where = w.layerIndex >= 0 ? ` in layer '${w.layer}'` : '';
      const when = w.firstStep !== undefined ? ` from step ${w.firstStep}` : '';
      return [
        paint(color, style, `${SEVERITY_MARKS[w.severity]} ${w.kind}${where}${when}`),
        `  ${w.message}`,
        `  ${paint(color, 'dim', 'cause:')} ${w.cause}`,
        `  ${paint(color, 'dim', 'fix:  ')} ${w.fix}`,
        ...(w.causeId ? [`  ${paint(color, 'dim', 'see:  ')} ${w.causeId} (its cause)`] : []),
        ...w.fixes.map((f, k) => `  ${paint(color, 'dim', `  ${k + 1}.`)} ${f.title}${effect(f, color)}`),
        ...(w.rejectedFixes ?? []).map(
          (f) => `  ${paint(color, 'dim', `  ✗ tried, does not help: ${f.title}`)}${effect(f, color)}`,
        ),
      ].join('\n');
    })
    .join('\n\n');
}

/** A verified fix's measured effect, as a dim suffix. */
function effect(f: Fix, color: boolean): string {
  return f.effect ? paint(color, 'dim', ` (${f.effect.summary})`) : '';
}

/** The whole text report of one analysis. */
export function analysisText(report: AnalysisReport, color: boolean): string {
  return [
    report.network,
    `loss ${formatNumber(report.loss, 6)} · ${report.samples} sample${report.samples === 1 ? '' : 's'} · ` +
      `${report.parameters} parameters`,
    '',
    layerTable(report.layers),
    '',
    warningBlocks(report.warnings, color),
  ].join('\n');
}
