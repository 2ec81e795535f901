import { batchNormFires } from '../model/batchnorm.js';
import { wordsFor, xnorPopcount } from '../model/bits.js';
import { denseOnly } from '../model/shapes.js';
import { activationQuant } from '../model/elements.js';
import type { Model } from '../model/types.js';
import { predictCnn } from './evaluate-conv.js';

/**
 * Fast evaluation of an exported model on raw images, computing exactly what the float
 * reference (src/model/float-reference.ts) computes: the ±1 dot product is 2p − N with p an
 * XNOR-popcount on packed words (an exact integer either way), and the BatchNorm predicate is
 * the same IEEE double expression in the same order. Predictions therefore equal floatForward's.
 */
export function predictAll(model: Model, images: Uint8Array, count: number, out?: Uint8Array): Uint8Array {
  // Convolutional or fixed-point-input models: the convolutional evaluator (same exactness).
  if (model.input.encoding.kind !== 'threshold' || model.layers.some((l) => l.kind !== 'dense' || activationQuant(l.activation))) {
    const p = predictCnn(model, images, count);
    if (out) out.set(p);
    return out ?? p;
  }
  const pixels = model.input.shape.reduce((a, b) => a * b, 1);
  const enc = model.input.encoding;
  if (enc.kind !== 'threshold') throw new Error('predictAll: binarized inputs only');
  const thr = enc.threshold;
  const layers = denseOnly(model, 'predictAll');
  const preds = out ?? new Uint8Array(count);
  const maxWidth = Math.max(pixels, ...layers.map((l) => l.outputs));
  let x = new Uint32Array(wordsFor(maxWidth));
  let y = new Uint32Array(wordsFor(maxWidth));
  const scores = new Float64Array(Math.max(...layers.map((l) => l.outputs)));
  for (let s = 0; s < count; s++) {
    x.fill(0);
    const base = s * pixels;
    for (let i = 0; i < pixels; i++) if (images[base + i]! >= thr) x[i >>> 5]! |= 1 << (i & 31);
    let nScores = -1;
    let lastWidth = pixels;
    for (const layer of layers) {
      const n = layer.inputs;
      const a = layer.activation;
      if (a.kind === 'none') {
        for (let j = 0; j < layer.outputs; j++) scores[j] = 2 * xnorPopcount(layer.weights[j]!, x, n) - n;
        nScores = layer.outputs;
        break;
      }
      y.fill(0);
      for (let j = 0; j < layer.outputs; j++) {
        const p = xnorPopcount(layer.weights[j]!, x, n);
        let fire: boolean;
        if (a.kind === 'batchnorm') {
          const dot = 2 * p - n;
          fire = batchNormFires(a, j, dot);
        } else if (a.kind === 'threshold') {
          fire = a.direction[j] === 'ge' ? p >= a.thresholds[j]! : p <= a.thresholds[j]!;
        } else throw new Error('unreachable: multi-bit models go to predictCnn');
        if (fire) y[j >>> 5]! |= 1 << (j & 31);
      }
      const tmp = x;
      x = y;
      y = tmp;
      lastWidth = layer.outputs;
    }
    if (nScores < 0) {
      nScores = lastWidth;
      for (let j = 0; j < nScores; j++) scores[j] = (x[j >>> 5]! >>> (j & 31)) & 1;
    }
    let best = 0;
    for (let j = 1; j < nScores; j++) if (scores[j]! > scores[best]!) best = j;
    preds[s] = best;
  }
  return preds;
}

export function accuracyOf(model: Model, images: Uint8Array, labels: Uint8Array, count: number): number {
  const p = predictAll(model, images, count);
  let ok = 0;
  for (let s = 0; s < count; s++) if (p[s] === labels[s]) ok++;
  return count === 0 ? 0 : ok / count;
}
