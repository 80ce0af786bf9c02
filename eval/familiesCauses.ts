/**
 * Candidates for the causes and over-time kinds: bad init, output mismatch, diverging loss, data scale,
 * learning rate too high, not learning, and healthy networks at init and after training.
 */
import {
  Candidate,
  classifierHead,
  edited,
  gen,
  hidden,
  layer,
  linearOutput,
  lrDivided,
  net,
  recommendedInit,
  standardise,
} from './candidate';
import { csvData, pixelTargets } from './tables';

const GENS = ['xor', 'circle', 'gauss', 'spiral'];
const ACTS = ['relu', 'tanh', 'sigmoid', 'elu', 'gelu', 'silu', 'softplus', { type: 'leaky_relu', alpha: 0.01 }];
const pickOf = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];
const name = (a: unknown): string => (typeof a === 'string' ? a : (a as { type: string }).type);

/** Zero-initialised hidden layers, inits 10×+ too large, identical explicit rows; and sound inits. */
export function badInitCases(): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < 12; i++) {
    const act = pickOf(ACTS, i);
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i);
    const json = net(
      `${name(act)} ${g}, hidden layers zero-initialised`,
      600 + i,
      2,
      [...hidden(pickOf([1, 2], i), 8, act, 'zeros'), head],
      loss,
      gen(g, 120),
      {
        optimizer: pickOf(['sgd', 'adam'], i),
        learningRate: i % 2 ? 0.01 : 0.1,
        steps: 300,
      },
    );
    out.push({
      id: `init-zeros-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['bad_init'],
      repair: recommendedInit,
      about: 'zero init: every hidden unit identical',
    });
  }
  for (let i = 0; i < 8; i++) {
    const act = pickOf(['relu', 'gelu', 'elu', 'linear'], i);
    const std = pickOf([10, 20], i);
    const init = i % 3 === 2 ? { type: 'uniform', limit: std * 1.8 } : { type: 'normal', std };
    const json = net(
      `${act} regression, init ${JSON.stringify(init)}`,
      620 + i,
      2,
      [...hidden(2, 16, act, init), layer('out', 1, 'linear')],
      'mse',
      gen(pickOf(['gauss', 'circle'], i), 100),
      {
        optimizer: 'adam',
        learningRate: 0.01,
        steps: 300,
      },
    );
    out.push({
      id: `init-huge-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['bad_init'],
      repair: recommendedInit,
      about: 'init 20–40× the recommended std',
    });
  }
  for (let i = 0; i < 4; i++) {
    const row = [0.3, -0.2];
    const json = net(
      'Hand-written XOR, every hidden unit the same',
      640 + i,
      2,
      [
        {
          name: 'h',
          units: 3,
          activation: pickOf(['tanh', 'sigmoid'], i),
          weights: [row, row, row],
          bias: [0.1, 0.1, 0.1],
        },
        { name: 'out', units: 1, activation: 'sigmoid', weights: [[0.5, -0.4, 0.3]], bias: [0] },
      ],
      'binary_cross_entropy',
      {
        inputs: [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ],
        targets: [[0], [1], [1], [0]],
      },
      { optimizer: 'sgd', learningRate: pickOf([0.5, 1], i), steps: 500 },
    );
    out.push({
      id: `init-identical-rows-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['bad_init'],
      repair: recommendedInit,
      about: 'identical rows never separate',
    });
  }
  const inits = ['he', 'xavier', 'lecun', { type: 'normal', std: 0.3 }, { type: 'uniform', limit: 0.5 }];
  for (let i = 0; i < 16; i++) {
    const act = pickOf(ACTS, i);
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i + 2);
    const json = net(
      `${name(act)} ${g}, init ${JSON.stringify(pickOf(inits, i))}`,
      660 + i,
      2,
      [...hidden(2, 16, act, pickOf(inits, i)), head],
      loss,
      gen(g, 120),
      {
        optimizer: 'adam',
        learningRate: 0.02,
        steps: 400,
      },
    );
    out.push({
      id: `init-near-sound-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['bad_init'],
      alsoNear: ['exploding_gradient', 'saturated_activation'],
      about: 'an init within 3× of the recommended scale',
    });
  }
  return out;
}

/** Outputs whose range cannot reach the targets, and matched outputs. */
export function outputCases(): Candidate[] {
  const out: Candidate[] = [];
  const bounded = ['sigmoid', 'tanh'];
  for (let i = 0; i < 8; i++) {
    const temp = i % 2 === 0;
    const { data, csvs } = temp
      ? csvData('weather-tempf-std.csv', ['temp_f'])
      : csvData('houses-price-std.csv', ['price']);
    const act = pickOf(bounded, i >> 1);
    const json = net(
      temp ? 'Temperature in °F' : 'House price in $100k',
      700 + i,
      4,
      [layer('h', 8, 'tanh'), layer('y', 1, act)],
      pickOf(['mse', 'half_sse'], i >> 2),
      data,
      { optimizer: 'adam', learningRate: 0.01, steps: 300 },
    );
    out.push({
      id: `out-bounded-${i}`,
      json,
      csvs,
      mode: i % 3 === 1 ? 'analyze' : 'train',
      fires: ['output_mismatch'],
      repair: linearOutput,
      about: `${act} output for targets outside its range`,
    });
  }
  for (let i = 0; i < 8; i++) {
    const act = pickOf(['relu', 'softplus', 'sigmoid', 'relu'], i);
    const inputs = Array.from({ length: 12 }, (_, k) => [k / 6 - 1, Math.sin(k)]);
    const targets = inputs.map(([a, b]) => [Number((2 * a + b - (act === 'sigmoid' ? 1.5 : 0.5)).toFixed(3))]);
    const json = net(
      'Signed anomaly regression',
      720 + i,
      2,
      [layer('h', 8, 'tanh'), layer('y', 1, act)],
      'mse',
      { inputs, targets },
      { optimizer: 'adam', learningRate: 0.02, steps: 300 },
    );
    out.push({
      id: `out-signed-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['output_mismatch'],
      repair: linearOutput,
      about: `${act} output for negative targets`,
    });
  }
  for (let i = 0; i < 4; i++) {
    const json = net(
      'Binary classes with a one-unit softmax',
      740 + i,
      2,
      [layer('h', 8, 'relu'), layer('out', 1, 'softmax')],
      'cross_entropy',
      gen(pickOf(['xor', 'circle'], i), 80),
      { optimizer: 'adam', learningRate: 0.01, steps: 200 },
    );
    out.push({
      id: `out-softmax1-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['output_mismatch'],
      repair: {
        about: 'sigmoid output with binary cross-entropy',
        edit: (j) => edited(j, (c) => ((c.layers[1].activation = 'sigmoid'), (c.loss = 'binary_cross_entropy'))),
      },
      about: 'softmax over one unit is always 1',
    });
  }
  for (let i = 0; i < 16; i++) {
    const kind = i % 4;
    const g = pickOf(['gauss', 'circle', 'xor'], i);
    const head =
      kind === 0
        ? layer('out', 1, 'sigmoid')
        : kind === 1
          ? layer('out', 1, 'tanh')
          : kind === 2
            ? layer('out', 1, 'relu')
            : layer('out', 1, 'softplus');
    const csv = kind >= 2 && i % 8 >= 4 ? csvData('houses-price-std.csv', ['price']) : undefined;
    const json = csv
      ? net(
          'House price (positive) with a non-negative output',
          760 + i,
          4,
          [layer('h', 8, 'tanh'), head],
          'mse',
          csv.data,
          { optimizer: 'adam', learningRate: 0.02, steps: 300 },
        )
      : net(
          `${g} as 0/1 regression, ${name(head.activation)} output`,
          760 + i,
          2,
          [layer('h', 8, 'tanh'), head],
          'mse',
          gen(g, 100),
          { optimizer: 'adam', learningRate: 0.02, steps: 300 },
        );
    out.push({
      id: `out-near-matched-${i}`,
      json,
      csvs: csv?.csvs,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['output_mismatch'],
      alsoNear: ['saturated_activation'],
      about: 'bounded output whose range holds every target',
    });
  }
  return out;
}

/** Learning rates that make the loss climb, and brisk but stable ones. */
export function divergingCases(): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < 10; i++) {
    const g = pickOf(['xor', 'circle', 'gauss'], i);
    const sm = i % 3 === 2;
    const json = net(
      `${g}, Adam at ${pickOf([1, 0.5], i)}`,
      800 + i,
      2,
      [
        ...hidden(pickOf([1, 2], i), 16, pickOf(['tanh', 'relu', 'sigmoid'], i)),
        sm ? layer('out', 2, 'softmax') : layer('out', 1, 'sigmoid'),
      ],
      sm ? 'cross_entropy' : 'binary_cross_entropy',
      gen(g, 120),
      {
        optimizer: 'adam',
        learningRate: pickOf([1, 0.5], i),
        steps: 300,
      },
    );
    out.push({
      id: `lr-adam-${i}`,
      json,
      mode: i % 3 === 1 ? 'analyze' : 'train',
      fires: ['learning_rate_too_high'],
      repair: lrDivided(100),
      about: "the issue's Adam at learning rate 1.0",
    });
  }
  for (let i = 0; i < 12; i++) {
    const { data, csvs } = csvData(pickOf(['houses-price-std.csv', 'weather-sales-std.csv'], i), [
      i % 2 ? 'sales' : 'price',
    ]);
    const opt = pickOf(['sgd', 'momentum'], i >> 1);
    const json = net(
      'Standardised regression, large step',
      820 + i,
      4,
      [...hidden(pickOf([0, 1, 2], i), 8, pickOf(['tanh', 'relu', 'linear'], i >> 2)), layer('y', 1, 'linear')],
      'mse',
      data,
      {
        optimizer: opt,
        learningRate: opt === 'sgd' ? pickOf([1, 2, 4], i) : pickOf([0.3, 0.6], i),
        steps: 200,
      },
    );
    out.push({
      id: `diverge-sgd-${i}`,
      json,
      csvs,
      mode: 'train',
      fires: ['loss_diverging'],
      repair: lrDivided(10),
      about: 'SGD/momentum step beyond the stable range',
    });
  }
  for (let i = 0; i < 6; i++) {
    const g = pickOf(['xor', 'circle'], i);
    const json = net(
      `${g}, plain SGD at ${pickOf([20, 50], i)}`,
      840 + i,
      2,
      [layer('h', 8, 'tanh'), layer('out', 1, 'sigmoid')],
      'binary_cross_entropy',
      gen(g, 100),
      { optimizer: 'sgd', learningRate: pickOf([20, 50], i), steps: 300 },
    );
    out.push({
      id: `lr-sgd-huge-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['learning_rate_too_high'],
      repair: lrDivided(100),
      about: 'SGD at 20–50',
    });
  }
  for (let i = 0; i < 16; i++) {
    const { data, csvs } = csvData(
      pickOf(['houses-price-std.csv', 'weather-sales-std.csv', 'houses-class-std.csv', 'weather-rain-std.csv'], i),
      [pickOf(['price', 'sales', 'expensive', 'rain'], i)],
    );
    const cls = i % 4 >= 2;
    const opt = pickOf(['adam', 'momentum'], i >> 2);
    const json = net(
      `Standardised CSV, ${opt} at a large rate`,
      880 + i,
      4,
      [
        ...hidden(pickOf([1, 2], i >> 1), 16, pickOf(['relu', 'tanh', 'elu'], i)),
        layer('y', 1, cls ? 'sigmoid' : 'linear'),
      ],
      cls ? 'binary_cross_entropy' : 'mse',
      data,
      {
        optimizer: opt,
        learningRate: opt === 'adam' ? pickOf([1, 3], i >> 3) : pickOf([1, 2], i >> 3),
        steps: 200,
      },
    );
    out.push({
      id: `lr-csv-${i}`,
      json,
      csvs,
      mode: i % 3 === 1 ? 'analyze' : 'train',
      fires: ['learning_rate_too_high'],
      repair: lrDivided(100),
      about: 'a rate 100× the usual one',
    });
  }
  for (let i = 0; i < 16; i++) {
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i + 1);
    const opt = pickOf(['adam', 'sgd', 'momentum'], i);
    const json = net(
      `${g}, brisk but stable ${opt}`,
      860 + i,
      2,
      [...hidden(2, 16, pickOf(['tanh', 'relu', 'elu'], i)), head],
      loss,
      gen(g, 160, 0.1),
      {
        optimizer: opt,
        learningRate: opt === 'adam' ? 0.02 : opt === 'sgd' ? 0.5 : 0.05,
        steps: 400,
        ...(i % 2 ? { batchSize: 16, shuffle: true } : {}),
      },
    );
    out.push({
      id: `lr-near-stable-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['loss_diverging', 'learning_rate_too_high'],
      alsoNear: ['non_finite', 'not_learning'],
      about: 'noisy minibatches or a brisk rate, and the loss still falls',
    });
  }
  return out;
}

/** Raw-scale CSV columns that stop learning, and the same data rescaled. */
export function dataScaleCases(): Candidate[] {
  const out: Candidate[] = [];
  const raw: [string, string[], number, string, string][] = [
    ['houses-class.csv', ['expensive'], 4, 'sigmoid', 'binary_cross_entropy'],
    ['houses-price.csv', ['price'], 4, 'linear', 'mse'],
    ['weather-rain.csv', ['rain'], 4, 'sigmoid', 'binary_cross_entropy'],
    ['assay.csv', ['active'], 2, 'sigmoid', 'binary_cross_entropy'],
    ['pixels16.csv', pixelTargets(4), 16, 'softmax', 'cross_entropy'],
  ];
  for (let i = 0; i < 20; i++) {
    const [file, targets, input, outAct, loss] = pickOf(raw, i);
    const { data, csvs } = csvData(file, targets);
    const act = pickOf(['tanh', 'relu', 'sigmoid', 'elu'], i >> 1);
    const json = net(
      `${file} as recorded, ${act} hidden`,
      900 + i,
      input,
      [layer('h', 12, act), layer('y', targets.length, outAct)],
      loss,
      data,
      {
        optimizer: pickOf(['adam', 'sgd', 'momentum'], i >> 2),
        learningRate: pickOf([0.01, 0.05], i),
        steps: 300,
      },
    );
    out.push({
      id: `scale-raw-${i}`,
      json,
      csvs,
      mode: i % 3 === 2 ? 'analyze' : 'train',
      fires: ['data_scale'],
      repair: standardise,
      about: 'features in the hundreds/thousands or ~1e-4',
    });
  }
  const scaled: [string, string[], number, string, string][] = [
    ['houses-class-std.csv', ['expensive'], 4, 'sigmoid', 'binary_cross_entropy'],
    ['houses-price-minmax.csv', ['price'], 4, 'linear', 'mse'],
    ['weather-rain-minmax.csv', ['rain'], 4, 'sigmoid', 'binary_cross_entropy'],
    ['assay-std.csv', ['active'], 2, 'sigmoid', 'binary_cross_entropy'],
    ['pixels16-unit.csv', pixelTargets(4), 16, 'softmax', 'cross_entropy'],
    ['pixels64-unit.csv', pixelTargets(10), 64, 'softmax', 'cross_entropy'],
  ];
  for (let i = 0; i < 18; i++) {
    const [file, targets, input, outAct, loss] = pickOf(scaled, i);
    const { data, csvs } = csvData(file, targets);
    const act = pickOf(['tanh', 'relu', 'gelu'], i >> 1);
    const json = net(
      `${file}, ${act} hidden`,
      930 + i,
      input,
      [layer('h', 12, act), layer('y', targets.length, outAct)],
      loss,
      data,
      { optimizer: 'adam', learningRate: 0.02, steps: 300 },
    );
    out.push({
      id: `scale-near-${i}`,
      json,
      csvs,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['data_scale'],
      about: 'features standardised or in [0, 1] (mean ≈ 0.5)',
    });
  }
  return out;
}

/** Networks stuck at chance (tiny rates, all-zero init, dead stacks), and plateaus that end in learning. */
export function notLearningCases(): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < 10; i++) {
    const g = pickOf(['xor', 'circle', 'gauss', 'spiral'], i);
    const { out: head, loss } = classifierHead(g, i);
    const json = net(
      `${g} with a rate of ${pickOf([1e-5, 1e-6], i)}`,
      1000 + i,
      2,
      [...hidden(2, 16, pickOf(['relu', 'tanh'], i)), { ...head, init: 'zeros' }],
      loss,
      gen(g, 120),
      {
        optimizer: pickOf(['sgd', 'momentum', 'adam'], i),
        learningRate: pickOf([1e-5, 1e-6], i),
        steps: 300,
      },
    );
    out.push({
      id: `stuck-tiny-lr-${i}`,
      json,
      mode: 'train',
      fires: ['not_learning'],
      repair: {
        about: 'learning rate 0.01 with Adam',
        edit: (j) => edited(j, (c) => Object.assign(c.training, { optimizer: 'adam', learningRate: 0.01 })),
      },
      about: 'steps too small to move',
    });
  }
  for (let i = 0; i < 8; i++) {
    const g = pickOf(['xor', 'circle', 'gauss', 'spiral'], i);
    const { out: head, loss } = classifierHead(g, i + 1);
    const json = net(
      `${g}, every layer zero-initialised`,
      1020 + i,
      2,
      [...hidden(pickOf([1, 2], i), 8, pickOf(['relu', 'tanh', 'gelu'], i), 'zeros'), { ...head, init: 'zeros' }],
      loss,
      gen(g, 120),
      {
        optimizer: pickOf(['sgd', 'adam'], i),
        learningRate: i % 2 ? 0.01 : 0.5,
        steps: 300,
      },
    );
    out.push({
      id: `stuck-all-zeros-${i}`,
      json,
      mode: 'train',
      fires: ['not_learning', 'bad_init'],
      repair: recommendedInit,
      about: 'all-zero weights: no gradient reaches the hidden layers',
    });
  }
  for (let i = 0; i < 12; i++) {
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i + 1);
    const json = net(
      `${g}, slow start then learns`,
      1040 + i,
      2,
      [...hidden(pickOf([3, 4], i), 12, pickOf(['tanh', 'relu', 'silu'], i), { type: 'normal', std: 0.2 }), head],
      loss,
      gen(g, 120),
      {
        optimizer: pickOf(['adam', 'momentum'], i),
        learningRate: pickOf([0.01, 0.05], i),
        steps: 500,
      },
    );
    out.push({
      id: `stuck-near-plateau-${i}`,
      json,
      mode: 'train',
      nearMiss: ['not_learning'],
      about: 'a plateau near chance before the loss falls',
    });
  }
  for (let i = 0; i < 10; i++) {
    const g = pickOf(['xor', 'circle', 'gauss'], i);
    const json = net(
      `${g}, slow SGD that gets there`,
      1060 + i,
      2,
      [
        layer('h', 16, pickOf(['tanh', 'relu', 'elu', 'softplus', 'gelu'], i)),
        { ...layer('out', 1, 'sigmoid'), init: 'zeros' },
      ],
      'binary_cross_entropy',
      gen(g, 120),
      {
        optimizer: pickOf(['sgd', 'momentum'], i),
        learningRate: pickOf([0.2, 0.03], i),
        steps: 600,
      },
    );
    out.push({
      id: `stuck-near-slow-${i}`,
      json,
      mode: 'train',
      nearMiss: ['not_learning'],
      alsoNear: ['learning_rate_too_high'],
      about: 'starts exactly at chance (zero output layer) and learns slowly',
    });
  }
  return out;
}

/** Healthy networks of every activation, loss and optimizer, at init and with trained weights. */
export function healthyCases(): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < 24; i++) {
    const act = pickOf(
      ACTS.filter((a) => a !== 'sigmoid'),
      i,
    );
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i);
    const opt = pickOf(['adam', 'sgd', 'momentum'], i >> 1);
    const json = net(
      `Healthy ${name(act)} ${g}`,
      1100 + i,
      2,
      [...hidden(pickOf([1, 2], i), 16, act), head],
      i % 8 === 7 && loss === 'mse' ? 'half_sse' : loss,
      gen(g, 120, 0.05),
      {
        optimizer: opt,
        learningRate: opt === 'adam' ? 0.02 : opt === 'sgd' ? 0.3 : 0.05,
        steps: 500,
      },
    );
    out.push({
      id: `healthy-gen-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      healthy: true,
      alsoNear: opt === 'adam' ? ['not_learning'] : ['learning_rate_too_high', 'loss_diverging'],
      pretrain: i % 3 === 0 ? 500 : undefined,
      about: 'a sound network on generated data',
    });
  }
  const csvSets: [string, string[], number, string, string][] = [
    ['houses-price-std.csv', ['price'], 4, 'linear', 'mse'],
    ['weather-rain-std.csv', ['rain'], 4, 'sigmoid', 'binary_cross_entropy'],
    ['weather-sales-std.csv', ['sales'], 4, 'linear', 'half_sse'],
    ['pixels16-unit.csv', pixelTargets(4), 16, 'softmax', 'cross_entropy'],
  ];
  for (let i = 0; i < 12; i++) {
    const [file, targets, input, outAct, loss] = pickOf(csvSets, i);
    const { data, csvs } = csvData(file, targets);
    const json = net(
      `${file}, healthy`,
      1130 + i,
      input,
      [layer('h', 12, pickOf(['tanh', 'relu', 'elu'], i >> 1)), layer('y', targets.length, outAct)],
      loss,
      data,
      {
        optimizer: pickOf(['adam', 'momentum'], i),
        learningRate: pickOf([0.02, 0.05], i),
        steps: 400,
      },
    );
    out.push({
      id: `healthy-csv-${i}`,
      json,
      csvs,
      mode: i % 2 ? 'analyze' : 'train',
      healthy: true,
      alsoNear: ['output_mismatch', 'data_scale', 'saturated_activation'],
      pretrain: i % 3 === 1 ? 400 : undefined,
      about: 'a sound network on rescaled CSV data',
    });
  }
  return out;
}

/** Every candidate the builder considers, in a fixed order. */
export function causesAndHealthy(): Candidate[] {
  return [
    ...badInitCases(),
    ...outputCases(),
    ...divergingCases(),
    ...dataScaleCases(),
    ...notLearningCases(),
    ...healthyCases(),
  ];
}
