import { getBit } from '../model/bits.js';
import { activationQuant, elementRange, layerInputElements, type ElementType } from '../model/elements.js';
import { outputRule, selectClass } from '../model/output-rule.js';
import type { Conv2dLayer, DenseLayer, Model } from '../model/types.js';
import type { ArchOp } from './arch.js';
import { geometry, type Geo } from './geometry.js';
import { im2col, loadInput, matmul, maxPool } from './kernels.js';
import { outputCode, type SumDomain } from './packed-dense.js';

/** Exact evaluation of an exported convolutional (or fixed-point-input) model, chunk by chunk. */
interface EvalLayer {
  g: Geo;
  wb: Float32Array;
  act: Conv2dLayer['activation'];
  /** What the layer reads: the BatchNorm's dot is inScale·z, z the sum over the elements (±1 or integers u). */
  input: ElementType;
  inScale: number;
  /** The element of a multi-bit activation is outBias + code; a one-bit one gives ±1. */
  outBias: number | undefined;
  /** The sums' domain for outputCode (which accumulator integer thresholds compare, the BatchNorm's scale). */
  domain: SumDomain;
}

/** Float32 holds every integer below 2^24 exactly: the bound on |z| = |Σ ±x| that keeps the sums exact. */
const EXACT_F32 = 2 ** 24;

function maxAbsElement(e: ElementType): number {
  if (e.kind === 'binary') return 1;
  const r = elementRange(e.bits, e.signed);
  return Math.max(-r.min, r.max);
}

/** The geometry and ±1 weight matrices of an exported conv/pool/dense model. */
export function evalPlan(model: Model): EvalLayer[] {
  const shape = model.input.shape.length === 3 ? model.input.shape : [1, 1, model.input.shape[0]!];
  const ops: ArchOp[] = model.layers.map((l) =>
    l.kind === 'conv2d' ? { kind: 'conv', out: l.outChannels, k: l.kernel, s: l.stride, p: l.padding } : l.kind === 'maxpool2d' ? { kind: 'pool', k: l.kernel } : { kind: 'dense', out: l.outputs },
  );
  const geos = geometry(ops, shape[0]!, shape[1]!, shape[2]!, model.input.encoding.kind === 'fixed');
  const inputs = layerInputElements(model).filter((_, i) => model.layers[i]!.kind !== 'maxpool2d');
  const weightLayers = model.layers.filter((l): l is Conv2dLayer | DenseLayer => l.kind !== 'maxpool2d');
  return geos.map((g, i) => {
    const l = weightLayers[i]!;
    if (l.kind === 'conv2d') g.padValue = l.padValue;
    const wb = new Float32Array(g.n * g.m); // output-major [m, n]
    for (let j = 0; j < g.m; j++) for (let k = 0; k < g.n; k++) wb[j * g.n + k] = getBit(l.weights[j]!, k) ? 1 : -1;
    const input = inputs[i]!;
    // Every product is ±x, so |z| <= n·max|x|: below 2^24 the float32 sums are the exact integers.
    if (g.n * maxAbsElement(input) >= EXACT_F32) throw new Error(`cnn evaluator: layer ${l.name} could overflow float32's exact integers (${g.n} inputs of up to ±${maxAbsElement(input)})`);
    const inScale = input.kind === 'binary' ? 1 : input.scale;
    const q = l.activation.kind === 'none' ? undefined : activationQuant(l.activation);
    return { g, wb, act: l.activation, input, inScale, outBias: q?.outBias, domain: { n: g.n, binary: input.kind === 'binary', scale: inScale } };
  });
}

/**
 * Run the exported model on images [first, first+count) of `images` in chunks. For every weight
 * layer up to `upto` (inclusive), `onDots(layerIndex, z, rows)` sees its exact sums z = Σ w·x
 * over its input elements (the dot products of a layer reading bits or raw pixels; a layer
 * reading A-bit elements has dot = inScale·z). Returns the predictions (the output rule on the
 * last layer's values) when the whole network ran. The sums are exact integers in float32
 * (|z| ≤ N·max|x| < 2^24, checked by evalPlan); the BatchNorm and quantizer are floatForward's
 * double expressions on dot = inScale·z, so predictions equal floatForward's.
 */
export function runExported(plan: EvalLayer[], model: Model, images: Uint8Array, count: number, upto: number, onDots?: (l: number, dots: Float32Array, rows: number) => void): Uint8Array {
  const px = model.input.shape.reduce((a, b) => a * b, 1);
  const fixed = model.input.encoding.kind === 'fixed';
  const thr = model.input.encoding.kind === 'threshold' ? model.input.encoding.threshold : 0;
  const rule = outputRule(model);
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
      const { g, wb, act, outBias, domain } = plan[l]!;
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
        // argmax(inScale·z) = argmax(z): the scale is positive.
        for (let b = 0; b < B; b++) preds[s0 + b] = selectClass(rule, bf.z.subarray(b * g.m, (b + 1) * g.m));
        break;
      }
      const m = g.m;
      for (let r = 0; r < R; r++)
        for (let j = 0; j < m; j++) {
          const code = outputCode(act, j, bf.z[r * m + j]!, domain);
          bf.y[r * m + j] = outBias === undefined ? 2 * code - 1 : outBias + code;
        }
      if (g.pool) maxPool(bf.y, B, g.outH, g.outW, m, g.pool, bf.act, bf.arg);
      else bf.act.set(bf.y.subarray(0, R * m));
      x = bf.act;
      if (l === plan.length - 1) {
        // A thresholded last layer: the output rule on its bits.
        const size = g.poolH * g.poolW * m;
        for (let b = 0; b < B; b++) preds[s0 + b] = selectClass(rule, Array.from(x.subarray(b * size, (b + 1) * size), (v) => (v > 0 ? 1 : 0)));
      }
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
