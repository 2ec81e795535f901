import { batchNormFires } from './batchnorm.js';
import { getBit } from './bits.js';
import { outputRule, selectClass } from './output-rule.js';
import { layerShapes } from './shapes.js';
import type { Activation, Model } from './types.js';

/**
 * The float reference: ±1 arithmetic and BatchNorm in IEEE double, exactly as docs/model-format.md
 * defines the network. Deliberately naive (element by element, direct convolution) so it shares
 * no code with the bit-packed integer path it checks.
 */
export interface FloatTrace {
  /** Output bits (0/1) of every layer but a score-producing last one, channels last. */
  layerBits: Uint8Array[];
  scores: Float64Array;
  prediction: number;
}

export function binarizeInput(model: Model, raw: ArrayLike<number>): Uint8Array {
  const enc = model.input.encoding;
  const t = enc.kind === 'threshold' ? enc.threshold : 0;
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]! >= t ? 1 : 0;
  return out;
}

export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}

/**
 * ±1 weights of a row as doubles, unpacked once per row and cached: evaluating thousands of
 * images must not unpack the same bits again each time.
 */
const signCache = new WeakMap<Uint32Array, Float64Array>();
function signs(row: Uint32Array, n: number): Float64Array {
  let s = signCache.get(row);
  if (!s) {
    s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = 2 * getBit(row, i) - 1;
    signCache.set(row, s);
  }
  return s;
}

function fires(a: Exclude<Activation, { kind: 'none' }>, j: number, dot: number, n: number, binary: boolean): boolean {
  if (a.kind === 'batchnorm') return batchNormFires(a, j, dot);
  const v = binary ? (dot + n) / 2 : dot;
  return a.direction[j] === 'ge' ? v >= a.thresholds[j]! : v <= a.thresholds[j]!;
}

export function floatForward(model: Model, raw: ArrayLike<number>): FloatTrace {
  const shapes = layerShapes(model);
  const fixed = model.input.encoding.kind === 'fixed';
  // Values as numbers: ±1 for binary activations, raw integers for a fixed-point input.
  let x: Float64Array = fixed ? Float64Array.from(raw) : Float64Array.from(binarizeInput(model, raw), (b) => 2 * b - 1);
  const layerBits: Uint8Array[] = [];
  let scores: Float64Array = new Float64Array(0);
  model.layers.forEach((layer, li) => {
    const [h, w, c] = shapes[li]!.in;
    const out = shapes[li]!.out;
    const binary = !(fixed && li === 0);
    if (layer.kind === 'maxpool2d') {
      const [oh, ow] = out as [number, number];
      const y = new Float64Array(oh * ow * c!);
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let ch = 0; ch < c!; ch++) {
            let m = -Infinity;
            for (let ky = 0; ky < layer.kernel; ky++)
              for (let kx = 0; kx < layer.kernel; kx++) m = Math.max(m, x[((oy * layer.kernel + ky) * w! + ox * layer.kernel + kx) * c! + ch]!);
            y[(oy * ow + ox) * c! + ch] = m;
          }
      layerBits.push(Uint8Array.from(y, (v) => (v > 0 ? 1 : 0)));
      x = y;
      return;
    }
    // dots[pixel][neuron]
    let dots: Float64Array;
    let n: number;
    let m: number;
    if (layer.kind === 'dense') {
      n = layer.inputs;
      m = layer.outputs;
      dots = new Float64Array(m);
      for (let j = 0; j < m; j++) {
        const w = signs(layer.weights[j]!, n);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += w[i]! * x[i]!;
        dots[j] = dot;
      }
    } else {
      const k = layer.kernel;
      n = k * k * layer.inChannels;
      m = layer.outChannels;
      const [oh, ow] = out as [number, number];
      dots = new Float64Array(oh * ow * m);
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let j = 0; j < m; j++) {
            const wj = signs(layer.weights[j]!, n);
            let dot = 0;
            let i = 0;
            for (let ky = 0; ky < k; ky++)
              for (let kx = 0; kx < k; kx++)
                for (let ch = 0; ch < c!; ch++, i++) {
                  const iy = oy * layer.stride - layer.padding + ky;
                  const ix = ox * layer.stride - layer.padding + kx;
                  const inside = iy >= 0 && iy < h! && ix >= 0 && ix < w!;
                  const v = inside ? x[(iy * w! + ix) * c! + ch]! : layer.padValue;
                  dot += wj[i]! * v;
                }
            dots[(oy * ow + ox) * m + j] = dot;
          }
    }
    const a = layer.activation;
    if (a.kind === 'none') {
      scores = dots;
      return;
    }
    const y = new Float64Array(dots.length);
    for (let q = 0; q < dots.length; q++) y[q] = fires(a, q % m, dots[q]!, n, binary) ? 1 : -1;
    layerBits.push(Uint8Array.from(y, (v) => (v > 0 ? 1 : 0)));
    x = y;
  });
  if (scores.length === 0) scores = Float64Array.from(x);
  return { layerBits, scores, prediction: selectClass(outputRule(model), scores) };
}
