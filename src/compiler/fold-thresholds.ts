import { BnnError } from '../errors.js';
import { batchNormFires } from '../model/batchnorm.js';
import { layerShapes } from '../model/shapes.js';
import type { Activation, Direction, Model } from '../model/types.js';
import { stepEdge } from '../util/step-edge.js';
import { outputRule } from '../model/output-rule.js';
import type { IntegerLayer, IntegerModel } from '../model/integer-model.js';

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
  return batchNormFires(a, j, d.dot(v));
}

export function neuronThreshold(a: Thresholding, j: number, d: AccDomain, file?: string, field?: string): NeuronThreshold {
  const e = stepEdge((v) => (activationFires(a, j, d, v) ? 1 : 0), d.min, d.max);
  if (!e)
    throw new BnnError({
      code: 'MODEL_INVALID',
      message: `neuron ${j}: the activation is not monotonic in the accumulator (float noise?), it cannot be one threshold`,
      file,
      field,
    });
  if (e.kind === 'const') return { value: e.bit ? d.min : d.max + 1, direction: 'ge' };
  return { value: e.t, direction: e.kind };
}
