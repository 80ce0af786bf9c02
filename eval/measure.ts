/**
 * Measurements the corpus labels rest on: losses, gradients, dead and saturated units, measured by the
 * core's own training (which matches PyTorch), never by the diagnosis rules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { activationFacts } from '../src/core/format/activationFacts';
import { Dataset, LossName, NetworkSpec } from '../src/core/format/spec';
import { LoadedNetwork, loadNetwork } from '../src/core/load';
import { Network } from '../src/core/nn/network';
import { Trainer, norm } from '../src/core/nn/train';

/** Loads a network file's text, reading CSVs relative to `dir`; throws with the first problem. */
export function loadText(text: string, dir: string): LoadedNetwork {
  const { loaded, problems } = loadNetwork(text, {
    readCsv: (rel) => {
      try {
        return fs.readFileSync(path.join(dir, rel), 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  if (!loaded) throw new Error(problems.map((p) => `${p.start.line + 1}: ${p.message}`).join('; '));
  return loaded;
}

/** Loss of the best constant predictor: column means for mse/half_sse, class priors for the cross-entropies. */
export function chanceLoss(loss: LossName, d: Dataset): number {
  const k = d.targetSize;
  const mean = new Float64Array(k);
  for (let i = 0; i < d.samples; i++) for (let c = 0; c < k; c++) mean[c] += d.targets[i * k + c] / d.samples;
  let sum = 0;
  for (let i = 0; i < d.samples; i++)
    for (let c = 0; c < k; c++) {
      const t = d.targets[i * k + c];
      const p = Math.min(Math.max(mean[c], 1e-12), 1 - 1e-12);
      if (loss === 'mse' || loss === 'half_sse') sum += (t - mean[c]) ** 2;
      else if (loss === 'cross_entropy') sum -= t > 0 ? t * Math.log(p) : 0;
      else sum -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
    }
  if (loss === 'mse' || loss === 'binary_cross_entropy') return sum / (d.samples * k);
  return loss === 'half_sse' ? sum / 2 / d.samples : sum / d.samples;
}

/** Figures of one full-batch forward/backward pass at a network's current parameters. */
export interface StateFacts {
  readonly loss: number;
  /** ‖∂E/∂W‖ per layer. */
  readonly gradNorms: number[];
  /** Fraction of units with z ≤ 0 on every sample, per layer (0 where the activation cannot die). */
  readonly dead: number[];
  /** mean |f'(z)| / max f' per layer, for saturating layers the loss does not exempt; NaN elsewhere. */
  readonly derivativeShare: number[];
  /** Whether the loss, every gradient and every parameter are finite. */
  readonly finite: boolean;
}

/** Whether layer `l` of a network on loss `loss` counts for saturation (hidden sigmoid/tanh, or outputs under MSE). */
function saturationCounts(network: Network, l: number, loss: LossName): boolean {
  const facts = activationFacts(network.layers[l].activation.id);
  const last = l === network.layers.length - 1;
  if (last)
    return (loss === 'mse' || loss === 'half_sse') && (facts.family === 'saturating' || facts.family === 'softmax');
  return facts.family === 'saturating';
}

/** Full-batch figures of `network` (a clone is used; the argument is not touched). */
export function stateFacts(network: Network, d: Dataset, loss: LossName): StateFacts {
  const net = network.clone();
  const value = net.lossAndGradients(d.inputs, d.targets, d.samples);
  let finite = Number.isFinite(value);
  const dead: number[] = [];
  const derivativeShare: number[] = [];
  net.layers.forEach((layer, l) => {
    const facts = activationFacts(layer.activation.id);
    let deadUnits = 0;
    for (let j = 0; j < layer.units && facts.dies; j++) {
      let alive = false;
      for (let i = 0; i < d.samples && !alive; i++) alive = layer.pre[i * layer.units + j] > 0;
      if (!alive) deadUnits++;
    }
    dead.push(deadUnits / layer.units);
    let sum = 0;
    for (let i = 0; i < d.samples * layer.units; i++) sum += Math.abs(layer.der[i]);
    const share = sum / (d.samples * layer.units) / facts.peakDerivative;
    derivativeShare.push(saturationCounts(net, l, loss) ? share : NaN);
    finite = finite && allFinite(layer.gradWeights) && allFinite(layer.weights) && allFinite(layer.bias);
  });
  return { loss: value, gradNorms: net.layers.map((l) => norm(l.gradWeights)), dead, derivativeShare, finite };
}

/** Whether every entry is finite. */
export function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** What a training run did, step by step and at its end. */
export interface RunFacts {
  /** Minibatch loss of every step, measured before its update. */
  readonly losses: number[];
  /** Total ‖∂E/∂W‖ over layers at every step. */
  readonly gradTotals: number[];
  /** Full-data loss after ¼, ½, ¾ and all of the steps. */
  readonly checkpoints: number[];
  /** First step whose loss, gradients or resulting parameters are not finite. */
  readonly nonFiniteStep?: number;
  /** ‖ΔW‖/‖W‖ of the first real optimizer step, per layer (NaN where ‖W‖ = 0). */
  readonly firstUpdateRatios: number[];
  /** ‖W₁(end) − W₁(0)‖ / ‖W₁(0)‖ of the first layer. */
  readonly firstLayerMove: number;
  /** Largest difference between two units' incoming weights, per layer, at the end. */
  readonly unitSpread: number[];
  readonly end: StateFacts;
  readonly network: Network;
}

/** Trains a copy of `loaded.network` (optionally on other data or another spec) for `steps` steps. */
export function runFacts(
  loaded: LoadedNetwork,
  steps: number,
  spec: NetworkSpec = loaded.spec,
  data = loaded.dataset,
): RunFacts {
  const net = loaded.network.clone();
  const w0 = Float64Array.from(net.layers[0].weights);
  const trainer = new Trainer(spec, net, data);
  const losses: number[] = [];
  const gradTotals: number[] = [];
  const checkpoints: number[] = [];
  const marks = [1, 2, 3, 4].map((q) => Math.max(1, Math.round((q * steps) / 4)));
  let nonFiniteStep: number | undefined;
  let firstUpdateRatios: number[] = [];
  for (let k = 0; k < steps; k++) {
    const loss = trainer.gradients();
    const g = Math.sqrt(net.layers.reduce((s, l) => s + norm(l.gradWeights) ** 2, 0));
    losses.push(loss);
    gradTotals.push(g);
    const before = net.layers.map((l) => norm(l.weights));
    trainer.update();
    if (k === 0) firstUpdateRatios = before.map((w, l) => (w > 0 ? Math.sqrt(trainer.updateSquares[l]) / w : NaN));
    if (!Number.isFinite(loss) || !Number.isFinite(g) || !net.layers.every((l) => allFinite(l.weights))) {
      nonFiniteStep = k;
      break;
    }
    if (marks.includes(k + 1)) checkpoints.push(net.clone().lossValue(data.inputs, data.targets, data.samples));
  }
  while (checkpoints.length < 4)
    checkpoints.push(nonFiniteStep !== undefined ? Infinity : (checkpoints[checkpoints.length - 1] ?? NaN));
  const w1 = net.layers[0].weights;
  let move = 0;
  for (let i = 0; i < w1.length; i++) move += (w1[i] - w0[i]) ** 2;
  const unitSpread = net.layers.map((l) => {
    let spread = 0;
    for (let j = 1; j < l.units; j++)
      for (let i = 0; i < l.inSize; i++)
        spread = Math.max(spread, Math.abs(l.weights[j * l.inSize + i] - l.weights[i]));
    return spread;
  });
  return {
    losses,
    gradTotals,
    checkpoints,
    ...(nonFiniteStep !== undefined ? { nonFiniteStep } : {}),
    firstUpdateRatios,
    firstLayerMove: Math.sqrt(move) / Math.max(norm(w0), 1e-300),
    unitSpread,
    end: stateFacts(net, data, spec.loss),
    network: net,
  };
}

/** Per-feature scale max(|mean|, std) of the inputs. */
export function featureScales(d: Dataset): number[] {
  return Array.from({ length: d.inputSize }, (_, f) => {
    let s = 0,
      s2 = 0;
    for (let i = 0; i < d.samples; i++) {
      const x = d.inputs[i * d.inputSize + f];
      s += x;
      s2 += x * x;
    }
    const mean = s / d.samples;
    const std = Math.sqrt(Math.max(s2 / d.samples - mean * mean, 0));
    return Math.max(Math.abs(mean), std);
  });
}

/** The data set with every input feature standardised to mean 0, std 1 (constant features left at 0). */
export function standardised(d: Dataset): Dataset {
  const inputs = Float64Array.from(d.inputs);
  for (let f = 0; f < d.inputSize; f++) {
    let s = 0,
      s2 = 0;
    for (let i = 0; i < d.samples; i++) s += d.inputs[i * d.inputSize + f];
    const mean = s / d.samples;
    for (let i = 0; i < d.samples; i++) s2 += (d.inputs[i * d.inputSize + f] - mean) ** 2;
    const std = Math.sqrt(s2 / d.samples) || 1;
    for (let i = 0; i < d.samples; i++) inputs[i * d.inputSize + f] = (d.inputs[i * d.inputSize + f] - mean) / std;
  }
  return { ...d, inputs };
}
