/**
 * Builds the labelled evaluation corpus: generates candidate networks, measures each with the core's own
 * training, keeps those whose measured behaviour matches their intended label, splits them at random
 * (fixed seed, stratified) into tune and held-out parts, and writes eval/cases/ and eval/corpus.json.
 * Run: node out/eval/build-corpus.js
 */
import * as fs from 'fs';
import * as path from 'path';
import { NetworkSpec } from '../src/core/format/spec';
import { createRng } from '../src/core/nn/rng';
import {
  Candidate,
  NetJson,
  Repair,
  edited,
  hiddenTo,
  linearOutput,
  lrDivided,
  recommendedInit,
  standardise,
} from './candidate';
import { csvText } from './data';
import { deadCases, explodingCases, nonFiniteCases, saturationCases, vanishingCases } from './familiesGradients';
import { causesAndHealthy } from './familiesCauses';
import { randomCases } from './familiesRandom';
import { CasePart, Corpus, CorpusCase, EVAL_KINDS, EvalKind } from './kinds';
import { chanceLoss, featureScales, loadText, runFacts, standardised, stateFacts } from './measure';
import { Measured, Verdict, verdicts } from './truth';

const EVAL_DIR = path.resolve(__dirname, '..', '..', 'eval');
const CASES_DIR = path.join(EVAL_DIR, 'cases');
/** Seed of the random held-out split. */
const SPLIT_SEED = 20240611;
const HELDOUT_SHARE = 0.45;

/** The network file text as a practitioner would write it: number rows and short objects on one line. */
export function formatNet(j: NetJson): string {
  let text = JSON.stringify({ $schema: '../../media/network.schema.json', ...j }, null, 2);
  text = text.replace(/\[\s*([-\d.eE+,\s]*?)\s*\]/g, (_, body: string) => `[${body.split(/,\s*/).join(', ')}]`);
  for (let pass = 0; pass < 3; pass++)
    text = text.replace(/\{\n\s*([^{}[\]]*?)\n\s*\}/g, (all, body: string) => {
      const line = `{ ${body.split(/,\n\s*/).join(', ')} }`;
      return line.length <= 110 ? line : all;
    });
  text = text.replace(/\[\n\s*((?:\[[^[\]]*\],?\s*)+)\n\s*\]/g, (all, body: string) => {
    const rows = body.split(/\],\s*/).map((r) => r.replace(/\]$/, '') + ']');
    const line = `[${rows.join(', ')}]`;
    return line.length <= 110 ? line : all;
  });
  return text + '\n';
}

/** The candidate's file with its pretrained weights written in (6 significant digits). */
function withTrainedWeights(c: Candidate): NetJson | undefined {
  if (!c.pretrain) return c.json;
  const loaded = loadText(formatNet(c.json), CASES_DIR);
  const run = runFacts(loaded, c.pretrain);
  if (run.nonFiniteStep !== undefined) return undefined;
  const sig = (x: number): number => Number(x.toPrecision(6));
  return edited(c.json, (j) => {
    j.name = `${j.name} (trained ${c.pretrain} steps)`;
    run.network.parameters().forEach((p, i) => {
      const l = j.layers[i];
      delete l.init;
      l.weights = p.weights.map((r) => r.map(sig));
      l.bias = p.bias.map(sig);
    });
  });
}

/** Measures a file's text: its state, its own run, the run at lr/10, and on standardised inputs when off scale. */
function measure(text: string, mode: Candidate['mode']): Measured {
  const loaded = loadText(text, CASES_DIR);
  const { spec, dataset } = loaded;
  const steps = spec.training.steps;
  const scales = featureScales(dataset);
  const offScale = Math.max(...scales) > 5 || Math.min(...scales) < 0.05;
  const lowSpec: NetworkSpec = {
    ...spec,
    training: { ...spec.training, learningRate: spec.training.learningRate / 10 },
  };
  return {
    spec,
    data: dataset,
    mode,
    chance: chanceLoss(spec.loss, dataset),
    init: stateFacts(loaded.network, dataset, spec.loss),
    run: runFacts(loaded, steps),
    lowLr: runFacts(loaded, steps, lowSpec),
    ...(offScale ? { standardised: runFacts(loaded, steps, spec, standardised(dataset)) } : {}),
    scales,
  };
}

/** The repair used for a kind when the candidate names none. */
const DEFAULT_REPAIRS: Partial<Record<EvalKind, Repair>> = {
  data_scale: standardise,
  bad_init: recommendedInit,
  output_mismatch: linearOutput,
  learning_rate_too_high: lrDivided(10),
  loss_diverging: lrDivided(10),
  non_finite: lrDivided(10),
  exploding_gradient: recommendedInit,
  vanishing_gradient: hiddenTo('relu', 'he'),
  saturated_activation: recommendedInit,
  dead_relu: hiddenTo('leaky_relu', 'he'),
  not_learning: {
    about: 'Adam at 0.01',
    edit: (j) => edited(j, (c) => Object.assign(c.training, { optimizer: 'adam', learningRate: 0.01 })),
  },
};

/** Worst final loss of the repaired network over the file's seed and the next two. */
function repairedLoss(json: NetJson, repair: Repair): { loss: number; losses: number[] } {
  const losses = [0, 1, 2].map((k) => {
    const seeded = edited(json, (j) => (j.seed = (j.seed as number) + k));
    const fixed = repair.edit ? repair.edit(seeded) : seeded;
    const loaded = loadText(formatNet(fixed), CASES_DIR);
    const data = repair.standardise ? standardised(loaded.dataset) : loaded.dataset;
    const run = runFacts(loaded, loaded.spec.training.steps, loaded.spec, data);
    return run.nonFiniteStep !== undefined ? Infinity : run.checkpoints[3];
  });
  return { loss: Math.max(...losses), losses };
}

const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : String(x));

/** Labels one candidate from its measurements, or the reason it is dropped. */
function label(
  c: Candidate,
  json: NetJson,
  m: Measured,
): { entry?: Omit<CorpusCase, 'part'>; dropped?: string; relabelled?: string } {
  const vs = verdicts(m);
  const want = (k: EvalKind, v: Verdict['v']): string | undefined =>
    vs[k].v === v ? undefined : `${k} intended ${v}, measured ${vs[k].v}: ${vs[k].why}`;
  const miss = [...(c.fires ?? []).map((k) => want(k, 'yes')), ...(c.nearMiss ?? []).map((k) => want(k, 'no'))].filter(
    Boolean,
  );
  if (miss.length) return { dropped: `${c.id}: ${miss.join('; ')}` };
  const fires = EVAL_KINDS.filter((k) => vs[k].v === 'yes');
  const allow = EVAL_KINDS.filter((k) => vs[k].v === 'grey');
  const healthy = Boolean(c.healthy) && fires.length === 0 && allow.length === 0;
  const relabelled = c.healthy && !healthy ? `${c.id}: not healthy (${[...fires, ...allow].join(', ')})` : undefined;
  let target: CorpusCase['target'];
  let repairText = '';
  if (fires.length) {
    const repair = c.repair ?? DEFAULT_REPAIRS[fires[0]]!;
    const r = repairedLoss(json, repair);
    if (Number.isFinite(r.loss)) target = { loss: Number(r.loss.toPrecision(4)), steps: m.spec.training.steps };
    repairText = ` Repair (${repair.about}) reaches ${r.losses.map(fmt).join(', ')} on seeds ${json.seed}…+2 in ${m.spec.training.steps} steps.`;
  }
  const nearMiss = EVAL_KINDS.filter(
    (k) => (c.nearMiss ?? []).includes(k) || ((c.alsoNear ?? []).includes(k) && vs[k].v === 'no'),
  );
  const shown = EVAL_KINDS.filter((k) => fires.includes(k) || allow.includes(k) || nearMiss.includes(k));
  const established =
    `${c.about}. Chance loss ${fmt(m.chance)}, start ${fmt(m.init.loss)}, after ${m.spec.training.steps} steps ${fmt(m.run.checkpoints[3])}. ` +
    shown.map((k) => `${k} ${vs[k].v}: ${vs[k].why}.`).join(' ') +
    (healthy ? ' Every kind measured clear (no).' : '') +
    repairText;
  return {
    entry: {
      id: c.id,
      file: `cases/${c.id}.net.json`,
      fires,
      nearMiss,
      allow,
      healthy,
      mode: c.mode,
      ...(target ? { target } : {}),
      established,
    },
    ...(relabelled ? { relabelled } : {}),
  };
}

/** Per kind and part: positives and near-misses. */
function counts(cases: readonly CorpusCase[], part?: CorpusCase['part']): Record<EvalKind, [number, number]> {
  const inPart = cases.filter((c) => !part || c.part === part);
  return Object.fromEntries(
    EVAL_KINDS.map((k) => [
      k,
      [inPart.filter((c) => c.fires.includes(k)).length, inPart.filter((c) => c.nearMiss.includes(k)).length],
    ]),
  ) as Record<EvalKind, [number, number]>;
}

/** Random split with a fixed seed, redrawn until every kind has ≥ 6 positives and near-misses in each part. */
function split(entries: Omit<CorpusCase, 'part'>[]): CorpusCase[] {
  const rng = createRng(SPLIT_SEED);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const cases = entries.map((e) => ({ ...e, part: rng.next() < HELDOUT_SHARE ? 'heldout' : 'tune' }) as CorpusCase);
    const held = cases.filter((c) => c.part === 'heldout').length;
    const ok = (['tune', 'heldout'] as const).every((p) => {
      const n = counts(cases, p);
      const healthy = cases.filter((c) => c.part === p && c.healthy).length;
      return healthy >= 5 && EVAL_KINDS.every((k) => n[k][0] >= 6 && n[k][1] >= 6);
    });
    if (ok && held >= 0.4 * cases.length) {
      console.log(`split: attempt ${attempt} of seed ${SPLIT_SEED}: ${held} held out of ${cases.length}`);
      return cases;
    }
  }
  throw new Error('no split satisfies the per-kind minimums: add cases');
}

/** A kept candidate: its corpus entry (without a part) and its file text. */
interface Kept {
  readonly entry: Omit<CorpusCase, 'part'>;
  readonly text: string;
}

/** Every candidate measured and labelled (CSV files written first); prints what was dropped or relabelled. */
function labelAll(candidates: readonly Candidate[]): Kept[] {
  fs.mkdirSync(path.join(CASES_DIR, 'data'), { recursive: true });
  for (const c of candidates)
    for (const [name, table] of Object.entries(c.csvs ?? {}))
      fs.writeFileSync(path.join(CASES_DIR, 'data', name), csvText(table));
  const kept: Kept[] = [];
  const dropped: string[] = [];
  const relabelled: string[] = [];
  for (const c of candidates) {
    const json = withTrainedWeights(c);
    if (!json) {
      dropped.push(`${c.id}: pretraining went non-finite`);
      continue;
    }
    const text = formatNet(json);
    const r = label(c, json, measure(text, c.mode));
    if (r.dropped) dropped.push(r.dropped);
    if (r.relabelled) relabelled.push(r.relabelled);
    if (r.entry) kept.push({ entry: r.entry, text });
    process.stderr.write(r.entry ? '.' : 'x');
  }
  process.stderr.write('\n');
  for (const d of dropped) console.log(`dropped ${d}`);
  for (const d of relabelled) console.log(`relabelled ${d}`);
  console.log(
    `${candidates.length} candidates, ${kept.length} kept, ${dropped.length} dropped, ${relabelled.length} relabelled`,
  );
  const all = counts(kept.map((k) => ({ ...k.entry, part: 'tune' as const })));
  for (const k of EVAL_KINDS) console.log(`${k.padEnd(24)} fires ${all[k][0]} · near-miss ${all[k][1]}`);
  console.log(`healthy ${kept.filter((k) => k.entry.healthy).length}`);
  return kept;
}

/** The corpus manifest as committed. */
const readCorpus = (): Corpus => JSON.parse(fs.readFileSync(path.join(EVAL_DIR, 'corpus.json'), 'utf8')) as Corpus;

/** Writes the manifest. */
function writeCorpus(cases: CorpusCase[]): void {
  const corpus: Corpus = { version: 1, seed: SPLIT_SEED, kinds: EVAL_KINDS, cases };
  fs.writeFileSync(path.join(EVAL_DIR, 'corpus.json'), JSON.stringify(corpus, null, 1) + '\n');
}

/**
 * The held-out cases rebuilt on seed + each offset (initial weights, generated data and pretraining drawn anew),
 * labelled by measurement as every case is, and put in the manifest as part `heldout-seeds` (replacing earlier
 * variants of the same offsets); the tune and held-out cases are left as they are.
 */
function addHeldoutSeeds(candidates: readonly Candidate[], offsets: readonly number[]): void {
  const corpus = readCorpus();
  const held = new Set(corpus.cases.filter((c) => c.part === 'heldout').map((c) => c.id));
  const variants = offsets.flatMap((offset) =>
    candidates
      .filter((c) => held.has(c.id))
      .map((c) => ({ ...c, id: `${c.id}-s${offset}`, json: { ...c.json, seed: (c.json.seed as number) + offset } })),
  );
  appendPart(corpus, variants, 'heldout-seeds');
  console.log(`on seed offsets ${offsets.join(', ')}`);
}

/** Candidates labelled and put in the manifest as `part`, replacing earlier cases of the same ids. */
function appendPart(corpus: Corpus, candidates: readonly Candidate[], part: CasePart): void {
  const kept = labelAll(candidates);
  for (const k of kept) fs.writeFileSync(path.join(EVAL_DIR, k.entry.file), k.text);
  const rebuilt = new Set(candidates.map((v) => v.id));
  writeCorpus([
    ...corpus.cases.filter((c) => !rebuilt.has(c.id)),
    ...kept.map((k) => ({ ...k.entry, part }) as CorpusCase),
  ]);
  console.log(`${part}: ${kept.length} cases`);
}

function main(): void {
  const candidates = [
    ...vanishingCases(),
    ...explodingCases(),
    ...deadCases(),
    ...saturationCases(),
    ...nonFiniteCases(),
    ...causesAndHealthy(),
  ];
  const [first, second] = process.argv.slice(2);
  if (first === '--heldout-seeds') return addHeldoutSeeds(candidates, second.split(',').map(Number));
  // --random COUNT:SEED,…: random practitioner networks, a part of their own (--random-heldout: one never tuned on)
  if (first === '--random' || first === '--random-heldout')
    return appendPart(
      readCorpus(),
      second.split(',').flatMap((d) => randomCases(...(d.split(':').map(Number) as [number, number]))),
      first === '--random' ? 'random' : 'random-heldout',
    );
  const only = first;
  const kept = labelAll(candidates.filter((x) => !only || x.id.startsWith(only)));
  if (only) return;
  for (const f of fs.readdirSync(CASES_DIR)) if (f.endsWith('.net.json')) fs.rmSync(path.join(CASES_DIR, f));
  for (const k of kept) fs.writeFileSync(path.join(EVAL_DIR, k.entry.file), k.text);
  const cases = split(kept.map((k) => k.entry));
  writeCorpus(cases);
  const tune = counts(cases, 'tune'),
    held = counts(cases, 'heldout');
  for (const k of EVAL_KINDS)
    console.log(
      `${k.padEnd(24)} fires tune ${tune[k][0]} held ${held[k][0]} · near-miss tune ${tune[k][1]} held ${held[k][1]}`,
    );
  console.log(
    `healthy: tune ${cases.filter((c) => c.healthy && c.part === 'tune').length}, held ${cases.filter((c) => c.healthy && c.part === 'heldout').length}`,
  );
}

if (require.main === module) main();
