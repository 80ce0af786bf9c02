/** Candidates for the gradient-flow kinds: vanishing, exploding, dead ReLU, saturation, non-finite values. */
import {
  Candidate,
  classifierHead,
  gen,
  hidden,
  hiddenTo,
  layer,
  lrDivided,
  net,
  recommendedInit,
  standardise,
  zeroBias,
} from './candidate';
import { csvData, pixelTargets } from './tables';

const GENS = ['xor', 'circle', 'gauss', 'spiral'];
const pickOf = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];

/** Deep sigmoid/tanh stacks whose gradient dies before the first layer, and deep nets that train fine. */
export function vanishingCases(): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < 24; i++) {
    const depth = pickOf([6, 8, 10], i);
    const g = pickOf(GENS, i >> 1);
    const { out: head, loss } = classifierHead(g, i);
    const init = pickOf([undefined, 'lecun', { type: 'normal', std: 0.3 }, 'xavier'], i >> 2);
    const opt = pickOf(['sgd', 'sgd', 'momentum'], i);
    const json = net(
      `Deep sigmoid ${g} classifier`,
      100 + i,
      2,
      [...hidden(depth, pickOf([8, 16], i >> 1), 'sigmoid', init), head],
      loss,
      gen(g, 120),
      {
        optimizer: opt,
        learningRate: opt === 'momentum' ? 0.02 : 0.2,
        steps: 300,
      },
    );
    out.push({
      id: `vanish-deep-sigmoid-${i}`,
      json,
      mode: i % 3 === 2 ? 'analyze' : 'train',
      fires: ['vanishing_gradient'],
      repair: hiddenTo('relu', 'he'),
      about: `${depth}-layer sigmoid stack`,
    });
  }
  for (let i = 0; i < 12; i++) {
    const depth = pickOf([6, 8, 10], i);
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i + 1);
    const json = net(
      `Deep tanh ${g}, tiny init`,
      170 + i,
      2,
      [...hidden(depth, 12, 'tanh', { type: 'normal', std: pickOf([0.05, 0.1], i >> 1) }), head],
      loss,
      gen(g, 120),
      {
        optimizer: pickOf(['sgd', 'momentum'], i),
        learningRate: 0.1,
        steps: 300,
      },
    );
    out.push({
      id: `stuck-deep-tanh-${i}`,
      json,
      mode: 'train',
      fires: ['not_learning'],
      nearMiss: ['vanishing_gradient'],
      repair: recommendedInit,
      about: `${depth}-layer tanh stack with init std 0.05–0.1: the signal dies forward, the gradient ratio stays ≥ 1`,
    });
  }
  const fine = ['tanh', 'relu', 'elu', 'gelu', 'silu', { type: 'leaky_relu', alpha: 0.1 }, 'softplus', 'tanh'];
  for (let i = 0; i < 16; i++) {
    const act = pickOf(fine, i);
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i + 1);
    const depth = pickOf([5, 6, 8], i);
    const json = net(
      `Deep ${JSON.stringify(act)} ${g} (trains)`,
      140 + i,
      2,
      [...hidden(depth, 16, act), head],
      loss,
      gen(g, 120),
      {
        optimizer: 'adam',
        learningRate: 0.01,
        steps: 300,
      },
    );
    out.push({
      id: `vanish-near-deep-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['vanishing_gradient'],
      about: 'deep network with recommended init that trains',
    });
  }
  for (let i = 0; i < 6; i++) {
    const g = pickOf(['xor', 'circle', 'gauss'], i);
    const json = net(
      `Shallow sigmoid ${g}`,
      160 + i,
      2,
      [...hidden(2, 8, 'sigmoid'), layer('out', 1, 'sigmoid')],
      'binary_cross_entropy',
      gen(g, 120),
      {
        optimizer: 'adam',
        learningRate: 0.03,
        steps: 400,
      },
    );
    out.push({
      id: `vanish-near-sigmoid2-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['vanishing_gradient'],
      alsoNear: ['saturated_activation'],
      pretrain: i >= 3 ? 400 : undefined,
      about: 'two sigmoid layers: small but healthy gradients',
    });
  }
  return out;
}

/** Oversized inits and raw-scale regressions whose gradients blow up, and look-alikes that stay bounded. */
export function explodingCases(): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < 18; i++) {
    const depth = pickOf([3, 4, 5], i);
    const std = pickOf([1, 2, 3], i >> 1);
    const g = pickOf(['gauss', 'circle', 'xor'], i);
    const width = pickOf([16, 32], i);
    const act = pickOf(['relu', 'relu', 'linear', 'leaky_relu'], i);
    const json = net(
      `${act} stack with normal(${std}) init`,
      200 + i,
      2,
      [...hidden(depth, width, act, { type: 'normal', std }), layer('out', 1, 'linear', { type: 'normal', std })],
      'mse',
      gen(g, 100),
      {
        optimizer: pickOf(['sgd', 'momentum'], i >> 2),
        learningRate: pickOf([0.01, 0.05], i),
        steps: 200,
      },
    );
    out.push({
      id: `explode-init-${i}`,
      json,
      mode: i % 3 === 1 ? 'analyze' : 'train',
      fires: ['exploding_gradient'],
      repair: recommendedInit,
      about: `init std ${std} in ${depth} ${act} layers of ${width}`,
    });
  }
  for (let i = 0; i < 6; i++) {
    const { data, csvs } = csvData('houses-price.csv', ['price']);
    const layers = i % 2 ? [layer('h', 8, 'relu'), layer('price', 1, 'linear')] : [layer('price', 1, 'linear')];
    const json = net('House prices, raw columns', 230 + i, 4, layers, 'mse', data, {
      optimizer: 'sgd',
      learningRate: pickOf([0.001, 0.01, 0.1], i >> 1),
      steps: 200,
    });
    out.push({
      id: `explode-raw-houses-${i}`,
      json,
      csvs,
      mode: 'train',
      fires: ['exploding_gradient'],
      repair: standardise,
      about: 'SGD on raw square feet and years',
    });
  }
  for (let i = 0; i < 16; i++) {
    const g = pickOf(GENS, i);
    const act = pickOf(['relu', 'tanh', 'gelu', 'elu'], i >> 1);
    const { out: head, loss } = classifierHead(g, i);
    const zeroHead = { ...head, init: 'zeros' };
    const json = net(
      `${g} with a zero-initialised output layer`,
      250 + i,
      2,
      [...hidden(pickOf([1, 2, 3], i), 16, act), zeroHead],
      loss,
      gen(g, 120),
      {
        optimizer: pickOf(['adam', 'sgd'], i),
        learningRate: i % 2 ? 0.3 : 0.02,
        steps: 300,
      },
    );
    out.push({
      id: `explode-near-zero-output-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['exploding_gradient', 'bad_init'],
      alsoNear: ['not_learning', 'vanishing_gradient'],
      about: 'zero-initialised output layer (normal practice)',
    });
  }
  for (let i = 0; i < 6; i++) {
    const json = net(
      'Deep ReLU regression, He init, brisk SGD',
      270 + i,
      2,
      [...hidden(pickOf([4, 6], i), 32, 'relu', 'he'), layer('out', 1, 'linear')],
      'mse',
      gen(pickOf(['gauss', 'circle'], i), 100),
      {
        optimizer: 'sgd',
        learningRate: 0.05,
        steps: 300,
      },
    );
    out.push({
      id: `explode-near-deep-he-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['exploding_gradient'],
      alsoNear: ['non_finite', 'learning_rate_too_high', 'vanishing_gradient'],
      about: 'deep ReLU with He init and a brisk learning rate',
    });
  }
  return out;
}

/** ReLU layers that die (negative biases, huge steps, raw pixels, narrow stacks) and live look-alikes. */
export function deadCases(): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < 10; i++) {
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i);
    const layers = [
      layer('h1', 12, 'relu', 'he', pickOf([-3, -4, -5], i)),
      ...(i % 2 ? [layer('h2', 12, 'relu')] : []),
      head,
    ];
    const json = net(`ReLU ${g} with a negative bias`, 300 + i, 2, layers, loss, gen(g, 120), {
      optimizer: pickOf(['sgd', 'adam'], i),
      learningRate: i % 2 ? 0.01 : 0.1,
      steps: 300,
    });
    out.push({
      id: `dead-bias-${i}`,
      json,
      mode: i % 3 === 2 ? 'analyze' : 'train',
      fires: ['dead_relu'],
      repair: zeroBias,
      about: 'bias −3…−5 keeps every z below 0',
    });
  }
  for (let i = 0; i < 8; i++) {
    const g = pickOf(['circle', 'gauss', 'xor'], i);
    const json = net(
      `ReLU ${g}, SGD at a large rate`,
      320 + i,
      2,
      [...hidden(2, 16, 'relu'), layer('out', 1, 'linear')],
      'mse',
      gen(g, 120),
      {
        optimizer: 'sgd',
        learningRate: pickOf([1, 2, 3], i),
        steps: 300,
      },
    );
    out.push({
      id: `dead-bigstep-${i}`,
      json,
      mode: 'train',
      fires: ['dead_relu'],
      repair: lrDivided(10),
      about: 'one large step pushes the ReLUs below zero for good',
    });
  }
  for (let i = 0; i < 6; i++) {
    const big = i % 3 === 0;
    const { data, csvs } = csvData(big ? 'pixels64.csv' : 'pixels16.csv', pixelTargets(big ? 10 : 4));
    const json = net(
      'Tiny digits from raw 0–255 pixels',
      340 + i,
      big ? 64 : 16,
      [layer('h', pickOf([32, 16], i), 'relu', 'he'), layer('out', big ? 10 : 4, 'softmax')],
      'cross_entropy',
      data,
      {
        optimizer: pickOf(['sgd', 'momentum'], i),
        learningRate: pickOf([0.1, 0.05], i),
        steps: 200,
      },
    );
    out.push({
      id: `dead-raw-pixels-${i}`,
      json,
      csvs,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['dead_relu', 'data_scale'],
      repair: standardise,
      about: "the issue's raw-pixel network",
    });
  }
  for (let i = 0; i < 14; i++) {
    const alt = pickOf(
      [{ type: 'leaky_relu', alpha: 0.2 }, 'elu', { type: 'leaky_relu', alpha: 0.1 }, { type: 'elu', alpha: 1 }],
      i,
    );
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i + 1);
    const json = net(
      `${JSON.stringify(alt)} ${g} with negative pre-activations`,
      360 + i,
      2,
      [layer('h1', 16, alt, 'he', pickOf([-1, -2], i)), layer('h2', 16, alt), head],
      loss,
      gen(g, 120),
      {
        optimizer: 'adam',
        learningRate: 0.02,
        steps: 300,
      },
    );
    out.push({
      id: `dead-near-leaky-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['dead_relu'],
      alsoNear: ['not_learning'],
      about: 'negative z everywhere, but leaky/elu units keep a gradient',
    });
  }
  for (let i = 0; i < 10; i++) {
    const g = pickOf(['spiral', 'circle', 'gauss', 'xor'], i);
    const { out: head, loss } = classifierHead(g, i);
    const json = net(
      `Wide ReLU ${g} (a few dead units)`,
      380 + i,
      2,
      [...hidden(2, 32, 'relu'), head],
      loss,
      gen(g, 150),
      {
        optimizer: 'adam',
        learningRate: 0.01,
        steps: 500,
        ...(i % 2 ? { batchSize: 32, shuffle: true } : {}),
      },
    );
    out.push({
      id: `dead-near-fits-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['dead_relu'],
      pretrain: i < 6 ? 500 : undefined,
      about: 'ReLU network that fits its data',
    });
  }
  return out;
}

/** Saturated sigmoid/tanh layers (raw inputs, large init, biases) and confident outputs that are fine. */
export function saturationCases(): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < 8; i++) {
    const act = pickOf(['tanh', 'sigmoid'], i);
    const { data, csvs } = csvData(i % 2 ? 'weather-rain.csv' : 'weather-sales.csv', [i % 2 ? 'rain' : 'sales']);
    const head = i % 2 ? layer('rain', 1, 'sigmoid') : layer('sales', 1, 'linear');
    const json = net(
      `Weather in °F/hPa, ${act} hidden`,
      400 + i,
      4,
      [layer('h', 8, act), head],
      i % 2 ? 'binary_cross_entropy' : 'mse',
      data,
      {
        optimizer: pickOf(['sgd', 'adam', 'momentum'], i),
        learningRate: pickOf([0.05, 0.01], i),
        steps: 300,
      },
    );
    out.push({
      id: `sat-raw-weather-${i}`,
      json,
      csvs,
      mode: i % 3 === 1 ? 'analyze' : 'train',
      fires: ['saturated_activation', 'data_scale'],
      repair: standardise,
      about: 'raw temperatures and pressures saturate the hidden layer',
    });
  }
  for (let i = 0; i < 8; i++) {
    const act = pickOf(['tanh', 'sigmoid'], i);
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i + 1);
    const json = net(
      `${act} ${g} with a large bias`,
      420 + i,
      2,
      [layer('h1', 12, act, 'xavier', pickOf([8, -8, 10], i)), head],
      loss,
      gen(g, 120),
      {
        optimizer: 'sgd',
        learningRate: 0.1,
        steps: 300,
      },
    );
    out.push({
      id: `sat-bias-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['saturated_activation'],
      repair: zeroBias,
      about: 'bias ±8 pins every unit at its flat end',
    });
  }
  for (let i = 0; i < 8; i++) {
    const act = pickOf(['tanh', 'sigmoid'], i);
    const g = pickOf(GENS, i);
    const { out: head, loss } = classifierHead(g, i);
    const json = net(
      `${act} ${g}, normal(${pickOf([5, 8], i)}) init`,
      440 + i,
      2,
      [...hidden(2, 16, act, { type: 'normal', std: pickOf([5, 8], i) }), head],
      loss,
      gen(g, 120),
      {
        optimizer: pickOf(['sgd', 'momentum'], i),
        learningRate: 0.05,
        steps: 300,
      },
    );
    out.push({
      id: `sat-init-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['saturated_activation', 'bad_init'],
      repair: recommendedInit,
      about: 'init std 5–8 saturates the units',
    });
  }
  for (let i = 0; i < 14; i++) {
    const g = pickOf(['xor', 'circle', 'gauss'], i);
    const sm = i % 3 === 2;
    const head = sm ? layer('out', 2, 'softmax') : layer('out', 1, 'sigmoid');
    const json = net(
      `${g}, confident ${sm ? 'softmax' : 'sigmoid'} output (trained)`,
      460 + i,
      2,
      [layer('h', 8, pickOf(['tanh', 'relu', 'gelu'], i)), head],
      sm ? 'cross_entropy' : 'binary_cross_entropy',
      gen(g, 100, 0.02),
      {
        optimizer: 'adam',
        learningRate: 0.05,
        steps: 600,
      },
    );
    out.push({
      id: `sat-near-confident-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['saturated_activation'],
      alsoNear: ['output_mismatch'],
      healthy: true,
      pretrain: 600,
      about: 'confident output under BCE/CE: gradient y − t, not a fault',
    });
  }
  for (let i = 0; i < 6; i++) {
    const act = pickOf(['tanh', 'sigmoid'], i);
    const { data, csvs } = csvData('weather-rain-std.csv', ['rain']);
    const json = net(
      `Weather standardised, ${act} hidden`,
      480 + i,
      4,
      [layer('h', 8, act), layer('rain', 1, 'sigmoid')],
      'binary_cross_entropy',
      data,
      { optimizer: 'adam', learningRate: 0.02, steps: 300 },
    );
    out.push({
      id: `sat-near-weather-std-${i}`,
      json,
      csvs,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['saturated_activation', 'data_scale'],
      about: 'same weather data, standardised',
    });
  }
  return out;
}

/** Runs that overflow to ∞/NaN, and huge-but-finite look-alikes. */
export function nonFiniteCases(): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < 8; i++) {
    const { data, csvs } = csvData('houses-price.csv', ['price']);
    const layers =
      i % 2
        ? [layer('h', 8, pickOf(['relu', 'linear'], i >> 1)), layer('price', 1, 'linear')]
        : [layer('price', 1, 'linear')];
    const json = net(
      'House prices from raw columns, SGD',
      500 + i,
      4,
      layers,
      pickOf(['mse', 'half_sse'], i >> 1),
      data,
      { optimizer: pickOf(['sgd', 'momentum'], i >> 2), learningRate: pickOf([0.01, 0.1], i >> 1), steps: 300 },
    );
    out.push({
      id: `nan-raw-houses-${i}`,
      json,
      csvs,
      mode: 'train',
      fires: ['non_finite'],
      repair: standardise,
      about: 'raw square feet and years overflow SGD',
    });
  }
  for (let i = 0; i < 8; i++) {
    const json = net(
      'Deep ReLU, normal(3), SGD',
      520 + i,
      2,
      [
        ...hidden(pickOf([5, 6], i), 32, 'relu', { type: 'normal', std: 3 }),
        layer('out', 1, 'linear', { type: 'normal', std: 3 }),
      ],
      'mse',
      gen(pickOf(['gauss', 'circle'], i), 100),
      {
        optimizer: pickOf(['sgd', 'momentum'], i),
        learningRate: pickOf([0.1, 0.5], i >> 1),
        steps: 200,
      },
    );
    out.push({
      id: `nan-deep-init-${i}`,
      json,
      mode: 'train',
      fires: ['non_finite'],
      repair: recommendedInit,
      about: 'activations and gradients overflow',
    });
  }
  for (let i = 0; i < 6; i++) {
    const huge = pickOf([1e200, 1e160, 1e180], i);
    const json = net(
      'Hand-entered weights with a typo exponent',
      540 + i,
      2,
      [
        {
          name: 'h',
          units: 2,
          activation: pickOf(['tanh', 'relu', 'linear'], i),
          weights: [
            [huge, 0.5],
            [-0.3, 0.8],
          ],
          bias: [0, 0],
        },
        { name: 'out', units: 1, activation: 'linear', weights: [[pickOf([1e200, 0.7, 1e150], i), -0.4]], bias: [0] },
      ],
      'mse',
      {
        inputs: [
          [0, 1],
          [1, 0],
          [1, 1],
          [0.5, -0.5],
        ],
        targets: [[1], [1], [0], [0.5]],
      },
      { optimizer: 'sgd', learningRate: 0.1, steps: 50 },
    );
    out.push({
      id: `nan-typo-weights-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      fires: ['non_finite'],
      repair: recommendedInit,
      about: 'a weight of 1e200 squares to ∞',
    });
  }
  for (let i = 0; i < 8; i++) {
    const { data, csvs } = csvData(pickOf(['houses-price.csv', 'weather-sales.csv'], i), [i % 2 ? 'sales' : 'price']);
    const json = net(
      'Raw columns with Adam (large but finite loss)',
      560 + i,
      4,
      [layer('h', 8, pickOf(['relu', 'tanh'], i >> 1)), layer('y', 1, 'linear')],
      'mse',
      data,
      { optimizer: 'adam', learningRate: 0.01, steps: 300 },
    );
    out.push({
      id: `nan-near-adam-raw-${i}`,
      json,
      csvs,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['non_finite'],
      alsoNear: ['loss_diverging', 'exploding_gradient'],
      about: 'raw-scale inputs, bounded Adam steps: finite throughout',
    });
  }
  for (let i = 0; i < 8; i++) {
    const g = pickOf(['xor', 'circle', 'gauss'], i);
    const json = net(
      `${g}, SGD at 1.0 with clipping`,
      580 + i,
      2,
      [...hidden(2, 16, pickOf(['tanh', 'relu'], i)), layer('out', 1, 'sigmoid')],
      'binary_cross_entropy',
      gen(g, 120),
      {
        optimizer: 'sgd',
        learningRate: pickOf([0.5, 1], i),
        steps: 300,
        ...(i % 2 ? { clip: { norm: 1 } } : {}),
      },
    );
    out.push({
      id: `nan-near-brisk-${i}`,
      json,
      mode: i % 2 ? 'analyze' : 'train',
      nearMiss: ['non_finite', 'loss_diverging'],
      alsoNear: ['learning_rate_too_high', 'exploding_gradient'],
      about: 'large but stable steps',
    });
  }
  return out;
}
