import { selectClass } from '../model/output-rule.js';
import { getBit, wordsFor, xnorPopcount } from '../model/bits.js';
import { thresholdElement, type IntegerEngineLayer, type IntegerModel, type IntegerPoolLayer } from '../model/integer-model.js';

/** Bit-packed integer reference: XNOR-popcount on 32-bit words, integer thresholds. */
export interface IntegerTrace {
  /**
   * Output elements of every layer but a score-producing last one (channels last): bits (0/1)
   * of one-bit layers, the integers u of multi-bit ones.
   */
  layerValues: Int32Array[];
  /** The last layer's values per frame: its scores (popcount or signed sum), or its bits when thresholded. */
  scores: Int32Array;
  prediction: number;
}

export function binarizePacked(im: IntegerModel, raw: ArrayLike<number>): Uint32Array {
  const enc = im.input.encoding;
  const t = enc.kind === 'threshold' ? enc.threshold : 0;
  const v = new Uint32Array(wordsFor(raw.length));
  for (let i = 0; i < raw.length; i++) if (raw[i]! >= t) v[i >>> 5]! |= 1 << (i & 31);
  return v;
}

/** The input vector (MW elements) of output pixel (oy, ox), im2col order (ky, kx, c). */
function window(l: IntegerEngineLayer, oy: number, ox: number, at: (i: number) => number, into: (k: number, v: number) => void): void {
  const g = l.conv!;
  const [h, w, c] = g.inShape;
  let k = 0;
  for (let ky = 0; ky < g.kernel; ky++)
    for (let kx = 0; kx < g.kernel; kx++) {
      const iy = oy * g.stride - g.padding + ky;
      const ix = ox * g.stride - g.padding + kx;
      const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
      for (let ch = 0; ch < c; ch++, k++) into(k, inside ? at((iy * w + ix) * c + ch) : g.padElement);
    }
}

/** Accumulators of one engine layer for every output pixel: [pixel * MH + neuron]. */
export function engineAccumulators(l: IntegerEngineLayer, bits: Uint32Array | undefined, raw: ArrayLike<number> | undefined): Int32Array {
  const pixels = l.conv ? l.conv.outShape[0] * l.conv.outShape[1] : 1;
  const ow = l.conv ? l.conv.outShape[1] : 1;
  const acc = new Int32Array(pixels * l.outputs);
  for (let px = 0; px < pixels; px++) {
    if (l.inputBits === 1) {
      let vec = bits!;
      if (l.conv) {
        vec = new Uint32Array(wordsFor(l.inputs));
        window(l, Math.floor(px / ow), px % ow, (i) => getBit(bits!, i), (k, v) => {
          if (v) vec[k >>> 5]! |= 1 << (k & 31);
        });
      }
      for (let j = 0; j < l.outputs; j++) acc[px * l.outputs + j] = xnorPopcount(l.weights[j]!, vec, l.inputs);
    } else {
      let vec: ArrayLike<number> = raw!;
      if (l.conv) {
        const v = new Int32Array(l.inputs);
        window(l, Math.floor(px / ow), px % ow, (i) => raw![i]!, (k, x) => (v[k] = x));
        vec = v;
      }
      for (let j = 0; j < l.outputs; j++) {
        let s = 0;
        const row = l.weights[j]!;
        for (let i = 0; i < l.inputs; i++) s += getBit(row, i) ? vec[i]! : -vec[i]!;
        acc[px * l.outputs + j] = s;
      }
    }
  }
  return acc;
}

/** Max over each window: an OR for bits, the integer max for multi-bit elements (either form in, the same out). */
function pool(l: IntegerPoolLayer, x: Uint32Array | Int32Array, packed: boolean): Uint32Array | Int32Array {
  const [, w, c] = l.inShape;
  const [oh, ow] = l.outShape;
  const at = (i: number) => (packed ? getBit(x as Uint32Array, i) : x[i]!);
  const y = packed ? new Uint32Array(wordsFor(oh * ow * c)) : new Int32Array(oh * ow * c);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let ch = 0; ch < c; ch++) {
        let m = -Infinity;
        for (let ky = 0; ky < l.kernel; ky++)
          for (let kx = 0; kx < l.kernel; kx++) m = Math.max(m, at(((oy * l.kernel + ky) * w + ox * l.kernel + kx) * c + ch));
        const o = (oy * ow + ox) * c + ch;
        if (packed) {
          if (m) y[o >>> 5]! |= 1 << (o & 31);
        } else y[o] = m;
      }
  return y;
}

function unpack(bits: Uint32Array, n: number): Int32Array {
  const v = new Int32Array(n);
  for (let i = 0; i < n; i++) v[i] = getBit(bits, i);
  return v;
}

export function integerForward(im: IntegerModel, raw: ArrayLike<number>): IntegerTrace {
  // Between layers: packed bits after one-bit layers (XNOR-popcount on words), integers otherwise.
  let bits: Uint32Array | undefined = im.input.encoding.kind === 'fixed' ? undefined : binarizePacked(im, raw);
  let ints: ArrayLike<number> | undefined = bits ? undefined : raw;
  let width = raw.length;
  const layerValues: Int32Array[] = [];
  let scores: Int32Array = new Int32Array(0);
  for (const l of im.layers) {
    if (l.kind === 'maxpool2d') {
      width = l.outShape[0] * l.outShape[1] * l.outShape[2];
      if (bits) {
        bits = pool(l, bits, true) as Uint32Array;
        layerValues.push(unpack(bits, width));
      } else {
        const y = pool(l, Int32Array.from(ints!), false) as Int32Array;
        ints = y;
        layerValues.push(y);
      }
      continue;
    }
    const acc = engineAccumulators(l, bits, l.inputBits > 1 ? ints : undefined);
    if (!l.thresholds) {
      scores = acc;
      break;
    }
    const t = l.thresholds;
    width = acc.length;
    if (t.outBits === 1) {
      const y = new Uint32Array(wordsFor(acc.length));
      for (let q = 0; q < acc.length; q++) if (thresholdElement(t, q % l.outputs, acc[q]!)) y[q >>> 5]! |= 1 << (q & 31);
      bits = y;
      ints = undefined;
      layerValues.push(unpack(y, width));
    } else {
      const y = new Int32Array(acc.length);
      for (let q = 0; q < acc.length; q++) y[q] = thresholdElement(t, q % l.outputs, acc[q]!);
      ints = y;
      bits = undefined;
      layerValues.push(y);
    }
  }
  if (scores.length === 0) scores = layerValues[layerValues.length - 1]!.slice();
  return { layerValues, scores, prediction: selectClass(im.output, scores) };
}
