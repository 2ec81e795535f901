import { batchNormFires, batchNormValue } from './batchnorm.js';
import { activationQuant, layerInputElements, quantCode } from './elements.js';
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
  /**
   * Output elements of every layer but a score-producing last one, channels last: bits (0/1)
   * after a one-bit activation, the integers u (standing for outScale·u) after a multi-bit one.
   */
  layerValues: Int32Array[];
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

/**
 * Output element of neuron j for the integer sum `isum` = Σ w·x over the layer's input elements x
 * (±1 for binary inputs, integers u otherwise), whose real values are `scale`·x: the BatchNorm
 * reads the dot product scale·isum, integer thresholds read the accumulator (popcount (isum + n)/2
 * for binary inputs, isum otherwise). Returns ±1 for a one-bit activation, u for a multi-bit one.
 */
function activate(a: Exclude<Activation, { kind: 'none' }>, j: number, isum: number, n: number, binaryIn: boolean, scale: number): number {
  const acc = binaryIn ? (isum + n) / 2 : isum;
  switch (a.kind) {
    case 'batchnorm':
      if (a.quant) return a.quant.outBias + quantCode(a.quant, batchNormValue(a, j, scale * isum));
      return batchNormFires(a, j, scale * isum) ? 1 : -1;
    case 'threshold':
      return (a.direction[j] === 'ge' ? acc >= a.thresholds[j]! : acc <= a.thresholds[j]!) ? 1 : -1;
    case 'multithreshold': {
      let code = 0;
      for (const t of a.thresholds[j]!) if (a.direction[j] === 'ge' ? acc >= t : acc <= t) code++;
      return a.outBias + code;
    }
  }
}

export function floatForward(model: Model, raw: ArrayLike<number>): FloatTrace {
  const shapes = layerShapes(model);
  const inputs = layerInputElements(model);
  // Elements as numbers: ±1 for binary activations, integers (raw inputs, multi-bit codes) otherwise.
  let x: Float64Array = model.input.encoding.kind === 'fixed' ? Float64Array.from(raw) : Float64Array.from(binarizeInput(model, raw), (b) => 2 * b - 1);
  const layerValues: Int32Array[] = [];
  const record = (y: Float64Array, binary: boolean) => layerValues.push(Int32Array.from(y, (v) => (binary ? (v > 0 ? 1 : 0) : v)));
  let scores: Float64Array = new Float64Array(0);
  model.layers.forEach((layer, li) => {
    const [h, w, c] = shapes[li]!.in;
    const out = shapes[li]!.out;
    const elems = inputs[li]!;
    const binaryIn = elems.kind === 'binary';
    const scale = elems.kind === 'binary' ? 1 : elems.scale;
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
      record(y, binaryIn);
      x = y;
      return;
    }
    // sums[pixel][neuron]: Σ w·x, an exact integer in double.
    let sums: Float64Array;
    let n: number;
    let m: number;
    if (layer.kind === 'dense') {
      n = layer.inputs;
      m = layer.outputs;
      sums = new Float64Array(m);
      for (let j = 0; j < m; j++) {
        const w = signs(layer.weights[j]!, n);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += w[i]! * x[i]!;
        sums[j] = dot;
      }
    } else {
      const k = layer.kernel;
      n = k * k * layer.inChannels;
      m = layer.outChannels;
      const [oh, ow] = out as [number, number];
      sums = new Float64Array(oh * ow * m);
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
            sums[(oy * ow + ox) * m + j] = dot;
          }
    }
    const a = layer.activation;
    if (a.kind === 'none') {
      scores = sums.map((s) => scale * s);
      return;
    }
    const y = new Float64Array(sums.length);
    for (let q = 0; q < sums.length; q++) y[q] = activate(a, q % m, sums[q]!, n, binaryIn, scale);
    record(y, activationQuant(a) === undefined);
    x = y;
  });
  if (scores.length === 0) scores = Float64Array.from(x);
  return { layerValues, scores, prediction: selectClass(outputRule(model), scores) };
}
