import { argmax } from '../model/float-reference.js';
import { wordsFor, xnorPopcount } from '../model/bits.js';
import type { IntegerModel } from './integer-model.js';

/** Bit-packed integer reference: XNOR-popcount on 32-bit words and integer thresholds. */
export interface IntegerTrace {
  /** Packed output bits of every thresholded layer. */
  layerBits: Uint32Array[];
  scores: Int32Array;
  prediction: number;
}

export function binarizePacked(im: IntegerModel, raw: ArrayLike<number>): Uint32Array {
  const t = im.input.encoding.threshold;
  const v = new Uint32Array(wordsFor(raw.length));
  for (let i = 0; i < raw.length; i++) if (raw[i]! >= t) v[i >>> 5]! |= 1 << (i & 31);
  return v;
}

export function integerForward(im: IntegerModel, raw: ArrayLike<number>): IntegerTrace {
  let x = binarizePacked(im, raw);
  const layerBits: Uint32Array[] = [];
  let scores = new Int32Array(0);
  for (const l of im.layers) {
    if (!l.thresholds) {
      scores = new Int32Array(l.outputs);
      for (let j = 0; j < l.outputs; j++) scores[j] = xnorPopcount(l.weights[j]!, x, l.inputs);
      break;
    }
    const y = new Uint32Array(wordsFor(l.outputs));
    const { value, direction } = l.thresholds;
    for (let j = 0; j < l.outputs; j++) {
      const p = xnorPopcount(l.weights[j]!, x, l.inputs);
      const fire = direction[j] === 'ge' ? p >= value[j]! : p <= value[j]!;
      if (fire) y[j >>> 5]! |= 1 << (j & 31);
    }
    layerBits.push(y);
    x = y;
  }
  if (scores.length === 0) {
    const last = im.layers[im.layers.length - 1]!;
    scores = new Int32Array(last.outputs);
    for (let j = 0; j < last.outputs; j++) scores[j] = (x[j >>> 5]! >>> (j & 31)) & 1;
  }
  return { layerBits, scores, prediction: argmax(scores) };
}
