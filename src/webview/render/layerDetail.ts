/**
 * One layer in detail: its activation's formulas, histograms of a = f(z) and |f'(z)|,
 * and the units × samples heat strip.
 */
import { displayNumber, exactNumber, toNumber } from '../../shared/numbers';
import type { LayerReport, LayerShapeView, Wire } from '../../shared/protocol';
import { histogram } from './charts';
import { el } from './dom';

/**
 * Histograms and the heat strip of one layer; `shape` (the same layer in the diagram's shape)
 * supplies f(z) and f'(z).
 */
export function layerDetail(l: Wire<LayerReport>, shape: Wire<LayerShapeView> | undefined): HTMLElement {
  const derMean = toNumber(l.derivatives.meanAbs);
  const root = el(
    'section',
    { class: 'layer-detail', 'data-layer-index': l.index },
    el('h3', {}, `'${l.name}': ${l.units} ${l.activation} units`),
    shape
      ? el(
          'p',
          { class: 'formula', title: 'activation and its derivative' },
          `${shape.formula}   ·   ${shape.derFormula}`,
        )
      : undefined,
    el(
      'div',
      { class: 'histograms' },
      el(
        'figure',
        {},
        histogram(`activations a = f(z) of '${l.name}'`, l.activations.histogram, 'activations', {
          value: toNumber(l.activations.mean),
          label: `mean a = ${exactNumber(l.activations.mean)}`,
        }),
        el(
          'figcaption',
          {},
          `activations: mean ${displayNumber(l.activations.mean)}, std ${displayNumber(l.activations.std)}, ` +
            `${displayNumber(toNumber(l.activations.fractionZero) * 100)}% exactly 0`,
        ),
      ),
      el(
        'figure',
        {},
        histogram(`|f'(z)| of '${l.name}'`, l.derivatives.histogram, 'derivatives', {
          value: derMean,
          label: `mean |f'(z)| = ${exactNumber(derMean)}`,
        }),
        el(
          'figcaption',
          {},
          `|f'(z)|: mean ${displayNumber(derMean)}, ` +
            `min ${displayNumber(l.derivatives.min)}, max ${displayNumber(l.derivatives.max)}`,
        ),
      ),
    ),
  );
  if (l.heat) root.append(heatStrip(l, l.heat));
  return root;
}

/**
 * Units × samples activations on a canvas (blue low → red high, theme colours); the hover names the
 * cell under the pointer.
 */
function heatStrip(l: Wire<LayerReport>, heat: NonNullable<Wire<LayerReport>['heat']>): HTMLElement {
  const units = toNumber(l.units),
    samples = toNumber(heat.samples);
  const dead = l.deadUnits.map(toNumber);
  const values = heat.values.map((v) => toNumber(v));
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite),
    hi = Math.max(...finite);
  const cell = Math.max(2, Math.min(8, Math.floor(720 / samples)));
  const range = `from ${displayNumber(lo)} to ${displayNumber(hi)}`;
  const canvas = el('canvas', {
    class: 'heat',
    width: samples * cell,
    height: units * cell,
    role: 'img',
    'aria-label': `activations of ${units} units over ${samples} samples, ${range}`,
  });
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const css = getComputedStyle(document.body);
    const low = css.getPropertyValue('--vscode-charts-blue').trim() || '#3794ff';
    const high = css.getPropertyValue('--vscode-charts-red').trim() || '#f14c4c';
    for (let j = 0; j < units; j++) {
      for (let s = 0; s < samples; s++) {
        const v = values[j * samples + s];
        const t = Number.isFinite(v) && hi > lo ? (v - lo) / (hi - lo) : 0.5;
        ctx.fillStyle = t < 0.5 ? low : high;
        ctx.globalAlpha = Math.abs(t - 0.5) * 1.8 + 0.05;
        ctx.fillRect(s * cell, j * cell, cell, cell);
      }
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = css.getPropertyValue('--vscode-errorForeground').trim() || '#f14c4c';
    for (const j of dead) ctx.strokeRect(0.5, j * cell + 0.5, samples * cell - 1, cell - 1);
  }
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const s = Math.floor(((e.clientX - r.left) / r.width) * samples);
    const j = Math.floor(((e.clientY - r.top) / r.height) * units);
    if (s >= 0 && s < samples && j >= 0 && j < units)
      canvas.title =
        `unit ${j}, sample ${s + 1}: a = ${values[j * samples + s]}` + (dead.includes(j) ? ' (dead unit)' : '');
  });
  return el(
    'figure',
    { class: 'heat-figure' },
    canvas,
    el(
      'figcaption',
      {},
      `activations, units (rows) × samples (columns), blue ${displayNumber(lo)} → red ${displayNumber(hi)}; ` +
        'dead units outlined',
    ),
  );
}
