import { activationQuant } from '../model/elements.js';
import { outputRule, selectClass } from '../model/output-rule.js';
import { denseOnly } from '../model/shapes.js';
import type { Model } from '../model/types.js';
import { predictCnn } from './evaluate-conv.js';
import { integerSums, outputCode, packedLayout, rowSums, writeCode, type PackedLayout } from './packed-dense.js';

/**
 * Fast evaluation of an exported model on raw images, computing exactly what the float
 * reference (src/model/float-reference.ts) computes. Dense layers run on bit-packed vectors
 * (src/train/packed-dense.ts): the ±1 dot product is 2p − N with p an XNOR-popcount, the sum over
 * A-bit elements is formed from AND-popcounts of their bit planes — exact integers either way —
 * and the BatchNorm (and quantizer) is the same IEEE double expression, on dot = outScale·s, in
 * the same order. Predictions therefore equal floatForward's.
 */
export function predictAll(model: Model, images: Uint8Array, count: number, out?: Uint8Array): Uint8Array {
  // Convolutional or fixed-point-input models: the convolutional evaluator (same exactness).
  if (model.input.encoding.kind !== 'threshold' || model.layers.some((l) => l.kind !== 'dense')) {
    const p = predictCnn(model, images, count);
    if (out) out.set(p);
    return out ?? p;
  }
  const thr = model.input.encoding.threshold;
  const pixels = model.input.shape.reduce((a, b) => a * b, 1);
  const layers = denseOnly(model, 'predictAll');
  const preds = out ?? new Uint8Array(count);
  const rule = outputRule(model);
  // The packed layout of every layer's input, and of the last layer's output bits (a thresholded last layer).
  const layouts: PackedLayout[] = [packedLayout(pixels, undefined)];
  for (const l of layers) layouts.push(packedLayout(l.outputs, l.activation.kind === 'none' ? undefined : activationQuant(l.activation)));
  const bufs = layouts.map((x) => new Uint32Array(x.stride));
  const sums = layers.map((l) => new Int32Array(l.outputs));
  const rows = layers.map(rowSums);
  for (let s = 0; s < count; s++) {
    const x0 = bufs[0]!;
    x0.fill(0);
    const base = s * pixels;
    for (let i = 0; i < pixels; i++) if (images[base + i]! >= thr) x0[i >>> 5]! |= 1 << (i & 31);
    let scores: ArrayLike<number> | undefined;
    for (let li = 0; li < layers.length; li++) {
      const layer = layers[li]!;
      const z = sums[li]!;
      integerSums(layer, rows[li]!, layouts[li]!, bufs[li]!, 0, z);
      const a = layer.activation;
      if (a.kind === 'none') {
        scores = z; // argmax(scale·s) = argmax(s): scale > 0
        break;
      }
      const y = bufs[li + 1]!;
      y.fill(0);
      for (let j = 0; j < layer.outputs; j++) writeCode(layouts[li + 1]!, y, 0, j, outputCode(a, j, z[j]!, layouts[li]!));
    }
    if (!scores) {
      // A thresholded last layer: its bits, read by the model's output rule below.
      const last = layouts[layers.length]!;
      const y = bufs[layers.length]!;
      scores = Array.from({ length: last.n }, (_, j) => (y[j >>> 5]! >>> (j & 31)) & 1);
    }
    preds[s] = selectClass(rule, scores);
  }
  return preds;
}

export function accuracyOf(model: Model, images: Uint8Array, labels: Uint8Array, count: number): number {
  const p = predictAll(model, images, count);
  let ok = 0;
  for (let s = 0; s < count; s++) if (p[s] === labels[s]) ok++;
  return count === 0 ? 0 : ok / count;
}
