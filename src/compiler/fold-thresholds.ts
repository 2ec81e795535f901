import { BnnError } from '../errors.js';
import { layerShapes } from '../model/shapes.js';
import type { Activation, Direction, Model } from '../model/types.js';
import { outputRule } from '../model/output-rule.js';
import type { IntegerLayer, IntegerModel } from './integer-model.js';

type Thresholding = Exclude<Activation, { kind: 'none' }>;

/** The value range a neuron's accumulator can take, and how a value maps to the ±1 dot product. */
export interface AccDomain {
  min: number;
  max: number;
  /** dot product (the BatchNorm input) for accumulator value v. */
  dot(v: number): number;
  /** value compared by a `threshold` activation for accumulator value v. */
  thresholdValue(v: number): number;
}

/** Binary inputs: v = popcount p in [0, n], dot = 2p - n; thresholds compare p. */
export function popcountDomain(n: number): AccDomain {
  return { min: 0, max: n, dot: (p) => 2 * p - n, thresholdValue: (p) => p };
}

/** Fixed-point inputs of `bits` bits: v = Σ ±x, dot = v; thresholds compare v. */
export function fixedDomain(n: number, bits: number, signed: boolean): AccDomain {
  const hiX = signed ? 2 ** (bits - 1) : 2 ** bits - 1;
  return { min: -n * hiX, max: n * hiX, dot: (v) => v, thresholdValue: (v) => v };
}

/**
 * Fold every activation into one integer threshold per neuron on the accumulator.
 *
 * Rather than trusting a closed-form ceil() (which float rounding can push one step off at a
 * tie), the float predicate of docs/model-format.md is evaluated over the accumulator's range and
 * the threshold is read off that truth table, so the integer model agrees with the float
 * reference on every reachable value by construction. A table that is not a single step
 * (possible only through float noise) is an error rather than a silent approximation.
 */
export function foldThresholds(model: Model): IntegerModel {
  const shapes = layerShapes(model);
  const fixed = model.input.encoding.kind === 'fixed';
  const layers: IntegerLayer[] = model.layers.map((l, li) => {
    const inShape = shapes[li]!.in;
    const outShape = shapes[li]!.out;
    if (l.kind === 'maxpool2d')
      return { kind: 'maxpool2d', name: l.name, kernel: l.kernel, inShape: inShape as [number, number, number], outShape: outShape as [number, number, number] };
    const n = l.kind === 'dense' ? l.inputs : l.kernel * l.kernel * l.inChannels;
    const inputBits = li === 0 && fixed ? model.input.rawBits : 1;
    const inputSigned = li === 0 && model.input.encoding.kind === 'fixed' ? model.input.encoding.signed : false;
    const domain = inputBits > 1 ? fixedDomain(n, inputBits, inputSigned) : popcountDomain(n);
    const base = {
      kind: l.kind,
      name: l.name,
      inputs: n,
      outputs: l.kind === 'dense' ? l.outputs : l.outChannels,
      weights: l.weights,
      inputBits,
      inputSigned,
      accMin: domain.min,
      accMax: domain.max,
      ...(l.kind === 'conv2d'
        ? {
            conv: {
              inShape: inShape as [number, number, number],
              outShape: outShape as [number, number, number],
              kernel: l.kernel,
              stride: l.stride,
              padding: l.padding,
              padElement: inputBits > 1 ? 0 : l.padValue > 0 ? 1 : 0,
            },
          }
        : {}),
    };
    if (l.activation.kind === 'none') return base;
    const value = new Int32Array(base.outputs);
    const direction: Direction[] = [];
    for (let j = 0; j < base.outputs; j++) {
      const t = neuronThreshold(l.activation, j, domain, model.sourceFile, `layers[${li}].activation`);
      value[j] = t.value;
      direction.push(t.direction);
    }
    return { ...base, thresholds: { value, direction } };
  });
  return { name: model.name, input: model.input, layers, output: outputRule(model) };
}

export interface NeuronThreshold {
  value: number;
  direction: Direction;
}

/** The float predicate of the model format for neuron j at accumulator value v. */
export function activationFires(a: Thresholding, j: number, d: AccDomain, v: number): boolean {
  if (a.kind === 'threshold') {
    const x = d.thresholdValue(v);
    return a.direction[j] === 'ge' ? x >= a.thresholds[j]! : x <= a.thresholds[j]!;
  }
  return (a.gamma[j]! * (d.dot(v) + (a.bias?.[j] ?? 0) - a.mean[j]!)) / Math.sqrt(a.var[j]! + a.eps) + a.beta[j]! >= 0;
}

/** Largest accumulator range evaluated point by point; wider ones are bisected. */
const EXHAUSTIVE = 1 << 16;

export function neuronThreshold(a: Thresholding, j: number, d: AccDomain, file?: string, field?: string): NeuronThreshold {
  const fires = (v: number) => activationFires(a, j, d, v);
  const notStep = (): never => {
    throw new BnnError({
      code: 'MODEL_INVALID',
      message: `neuron ${j}: the activation is not monotonic in the accumulator (float noise?), it cannot be one threshold`,
      file,
      field,
    });
  };
  const lo = d.min;
  const hi = d.max;
  const fLo = fires(lo);
  const fHi = fires(hi);
  // The first value at which the predicate differs from its value at lo (hi + 1: none).
  let edge: number;
  if (hi - lo <= EXHAUSTIVE) {
    edge = hi + 1;
    let steps = 0;
    let prev = fLo;
    for (let v = lo + 1; v <= hi; v++) {
      const f = fires(v);
      if (f !== prev) {
        if (steps === 0) edge = v;
        steps++;
        prev = f;
      }
    }
    if (steps > 1) notStep();
  } else {
    if (fLo === fHi) {
      // Constant at both ends: check it is constant inside too (a sample suffices for a monotone map).
      for (let k = 1; k < 64; k++) if (fires(lo + Math.floor(((hi - lo) * k) / 64)) !== fLo) notStep();
      edge = hi + 1;
    } else {
      let a0 = lo;
      let b0 = hi;
      while (b0 - a0 > 1) {
        const m = Math.floor((a0 + b0) / 2);
        if (fires(m) === fLo) a0 = m;
        else b0 = m;
      }
      edge = b0;
      for (let v = Math.max(lo, edge - 64); v <= Math.min(hi, edge + 64); v++) if (fires(v) !== (v >= edge ? fHi : fLo)) notStep();
    }
  }
  if (edge > hi) return fLo ? { value: lo, direction: 'ge' } : { value: hi + 1, direction: 'ge' };
  return fLo ? { value: edge - 1, direction: 'le' } : { value: edge, direction: 'ge' };
}
