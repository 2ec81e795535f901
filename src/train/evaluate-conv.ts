import { batchNormFires } from '../model/batchnorm.js';
import { activationQuant } from '../model/elements.js';
import { getBit } from '../model/bits.js';
import type { Conv2dLayer, DenseLayer, Model } from '../model/types.js';
import type { ArchOp } from './arch.js';
import { geometry, type Geo } from './geometry.js';
import { im2col, loadInput, matmul, maxPool } from './kernels.js';

/** Exact evaluation of an exported convolutional (or fixed-point-input) model, chunk by chunk. */
interface EvalLayer {
  g: Geo;
  wb: Float32Array;
  act: Conv2dLayer['activation'];
}

/** The geometry and ±1 weight matrices of an exported conv/pool/dense model. */
export function evalPlan(model: Model): EvalLayer[] {
  const shape = model.input.shape.length === 3 ? model.input.shape : [1, 1, model.input.shape[0]!];
  const ops: ArchOp[] = model.layers.map((l) =>
    l.kind === 'conv2d' ? { kind: 'conv', out: l.outChannels, k: l.kernel, s: l.stride, p: l.padding } : l.kind === 'maxpool2d' ? { kind: 'pool', k: l.kernel } : { kind: 'dense', out: l.outputs },
  );
  const geos = geometry(ops, shape[0]!, shape[1]!, shape[2]!, model.input.encoding.kind === 'fixed');
  const weightLayers = model.layers.filter((l): l is Conv2dLayer | DenseLayer => l.kind !== 'maxpool2d');
  return geos.map((g, i) => {
    const l = weightLayers[i]!;
    if (l.kind === 'conv2d') g.padValue = l.padValue;
    const wb = new Float32Array(g.n * g.m); // output-major [m, n]
    for (let j = 0; j < g.m; j++) for (let k = 0; k < g.n; k++) wb[j * g.n + k] = getBit(l.weights[j]!, k) ? 1 : -1;
    if (l.activation.kind === 'threshold' || l.activation.kind === 'multithreshold' || activationQuant(l.activation)) throw new Error('cnn evaluator: one-bit batchnorm or none activations only');
    return { g, wb, act: l.activation };
  });
}

/**
 * Run the exported model on images [first, first+count) of `images` in chunks. For every weight
 * layer up to `upto` (inclusive), `onDots(layerIndex, dots, rows)` sees its exact dot products.
 * Returns the predictions (argmax of the last layer's dots, lowest index on ties) when the whole
 * network ran. Dot products are exact integers in float32 (|dot| ≤ N·255 < 2^24), and the
 * BatchNorm predicate is floatForward's double expression, so predictions equal floatForward's.
 */
export function runExported(plan: EvalLayer[], model: Model, images: Uint8Array, count: number, upto: number, onDots?: (l: number, dots: Float32Array, rows: number) => void): Uint8Array {
  const px = model.input.shape.reduce((a, b) => a * b, 1);
  const fixed = model.input.encoding.kind === 'fixed';
  const thr = model.input.encoding.kind === 'threshold' ? model.input.encoding.threshold : 0;
  const CH = 50;
  const preds = new Uint8Array(count);
  const bufs = plan.map((p) => ({
    cols: new Float32Array(p.g.conv ? CH * p.g.P * p.g.n : 0),
    z: new Float32Array(CH * p.g.P * p.g.m),
    y: new Float32Array(CH * p.g.P * p.g.m),
    act: new Float32Array(CH * p.g.poolH * p.g.poolW * p.g.m),
    arg: new Int32Array(CH * p.g.poolH * p.g.poolW * p.g.m),
  }));
  const x0 = new Float32Array(CH * px);
  for (let s0 = 0; s0 < count; s0 += CH) {
    const B = Math.min(CH, count - s0);
    for (let b = 0; b < B; b++) loadInput(images, s0 + b, 1, px, fixed, thr, 0, 0, x0, b * px);
    let x = x0;
    for (let l = 0; l <= upto; l++) {
      const { g, wb, act } = plan[l]!;
      const bf = bufs[l]!;
      const R = B * g.P;
      let a = x;
      if (g.conv) {
        im2col(g, x, B, bf.cols);
        a = bf.cols;
      }
      matmul(a, wb, R, g.n, g.m, bf.z);
      onDots?.(l, bf.z, R);
      if (act.kind === 'none') {
        for (let b = 0; b < B; b++) {
          let best = 0;
          for (let j = 1; j < g.m; j++) if (bf.z[b * g.m + j]! > bf.z[b * g.m + best]!) best = j;
          preds[s0 + b] = best;
        }
        break;
      }
      if (act.kind !== 'batchnorm') throw new Error('unreachable');
      const m = g.m;
      for (let r = 0; r < R; r++)
        for (let j = 0; j < m; j++) {
          const dot: number = bf.z[r * m + j]!;
          bf.y[r * m + j] = batchNormFires(act, j, dot) ? 1 : -1;
        }
      if (g.pool) maxPool(bf.y, B, g.outH, g.outW, m, g.pool, bf.act, bf.arg);
      else bf.act.set(bf.y.subarray(0, R * m));
      x = bf.act;
    }
  }
  return preds;
}

/** Predictions of an exported convolutional model (conv2d/maxpool2d/dense), equal to floatForward's. */
export function predictCnn(model: Model, images: Uint8Array, count: number): Uint8Array {
  const plan = evalPlan(model);
  return runExported(plan, model, images, count, plan.length - 1);
}

export function accuracyCnn(model: Model, images: Uint8Array, labels: Uint8Array, count: number): number {
  const p = predictCnn(model, images, count);
  let ok = 0;
  for (let s = 0; s < count; s++) if (p[s] === labels[s]) ok++;
  return count === 0 ? 0 : ok / count;
}
