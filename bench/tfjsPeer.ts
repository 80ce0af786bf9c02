/** The peer: the same network in TensorFlow.js (float32), trained with its normal autodiff path (optimizer.minimize). */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Network } from '../src/core/nn/network';
import { Workload } from './workloads';

export interface TfjsModel {
  step(): void;
  /** ∂E/∂W and ∂E/∂b per layer (row-major units × inputs, as our core) for the current weights. */
  gradients(): Float32Array[];
  dispose(): void;
}

/** Builds the workload in tfjs with the weights of `net` (transposed into tfjs's inputs × units layout). */
export function tfjsModel(w: Workload, net: Network, x: Float64Array, t: Float64Array): TfjsModel {
  const vars = net.layers.flatMap((l, i) => {
    const wt = new Float32Array(l.inSize * l.units);
    for (let j = 0; j < l.units; j++)
      for (let k = 0; k < l.inSize; k++) wt[k * l.units + j] = l.weights[j * l.inSize + k];
    return [
      tf.variable(tf.tensor2d(wt, [l.inSize, l.units]), true, `w${i}`),
      tf.variable(tf.tensor1d(Float32Array.from(l.bias)), true, `b${i}`),
    ];
  });
  const xs = tf.tensor2d(Float32Array.from(x), [w.batch, w.input]);
  const ts = tf.tensor2d(Float32Array.from(t), [w.batch, w.layers[w.layers.length - 1].units]);
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      let a: tf.Tensor2D = xs;
      w.layers.forEach((l, i) => {
        const z = tf.add(tf.matMul(a, vars[2 * i] as tf.Tensor2D), vars[2 * i + 1]) as tf.Tensor2D;
        if (i === w.layers.length - 1 && w.loss === 'cross_entropy') {
          a = z;
          return;
        }
        a = (
          l.activation === 'relu' ? tf.relu(z) : l.activation === 'tanh' ? tf.tanh(z) : tf.sigmoid(z)
        ) as tf.Tensor2D;
      });
      return w.loss === 'cross_entropy'
        ? (tf.losses.softmaxCrossEntropy(ts, a) as tf.Scalar)
        : (tf.mean(tf.square(tf.sub(a, ts))) as tf.Scalar);
    });
  const optimizer = tf.train.sgd(0.01);
  return {
    step: () => {
      const l = optimizer.minimize(loss, true);
      l?.dataSync();
      l?.dispose();
    },
    gradients: () => {
      const { value, grads } = tf.variableGrads(loss);
      const out = vars.map((v) => {
        const g = grads[v.name];
        if (v.rank === 1) return g.dataSync() as Float32Array;
        const [inSize, units] = v.shape;
        const raw = g.dataSync();
        const back = new Float32Array(inSize * units);
        for (let k = 0; k < inSize; k++) for (let j = 0; j < units; j++) back[j * inSize + k] = raw[k * units + j];
        return back;
      });
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
      return out;
    },
    dispose: () => {
      vars.forEach((v) => v.dispose());
      xs.dispose();
      ts.dispose();
      optimizer.dispose();
    },
  };
}
