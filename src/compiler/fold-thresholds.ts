import { BnnError } from '../errors.js';
import { batchNormFires, batchNormValue } from '../model/batchnorm.js';
import { activationQuant, layerInputElements, quantThreshold } from '../model/elements.js';
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

/**
 * Integer inputs of `bits` bits standing for scale·x (raw fixed-point inputs: scale 1; a multi-bit
 * layer's elements: its outScale): v = Σ ±x, dot = scale·v; thresholds compare v.
 */
export function fixedDomain(n: number, bits: number, signed: boolean, scale = 1): AccDomain {
  const hiX = signed ? 2 ** (bits - 1) : 2 ** bits - 1;
  return { min: -n * hiX, max: n * hiX, dot: (v) => scale * v, thresholdValue: (v) => v };
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
  const elements = layerInputElements(model);
  const layers: IntegerLayer[] = model.layers.map((l, li) => {
    const inShape = shapes[li]!.in;
    const outShape = shapes[li]!.out;
    const el = elements[li]!;
    const inputBits = el.kind === 'binary' ? 1 : el.bits;
    const inputSigned = el.kind === 'integer' && el.signed;
    if (l.kind === 'maxpool2d')
      return { kind: 'maxpool2d', name: l.name, kernel: l.kernel, elemBits: inputBits, signed: inputSigned, inShape: inShape as [number, number, number], outShape: outShape as [number, number, number] };
    const n = l.kind === 'dense' ? l.inputs : l.kernel * l.kernel * l.inChannels;
    const domain = el.kind === 'integer' ? fixedDomain(n, el.bits, el.signed, el.scale) : popcountDomain(n);
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
    const q = activationQuant(l.activation);
    const count = q ? q.levels - 1 : 1;
    const value = new Int32Array(base.outputs * count);
    const direction: Direction[] = [];
    for (let j = 0; j < base.outputs; j++) {
      const t = neuronThresholds(l.activation, j, domain, model.sourceFile, `layers[${li}].activation`);
      value.set(t.values, j * count);
      direction.push(t.direction);
    }
    return { ...base, thresholds: { value, count, direction, outBits: q ? q.bits : 1, outBias: q ? q.outBias : 0 } };
  });
  return { name: model.name, input: model.input, layers, output: outputRule(model) };
}

export interface NeuronThreshold {
  value: number;
  direction: Direction;
}

/**
 * The float predicate of the model format for neuron j at accumulator value v: does the neuron
 * reach its level k (1-based; a one-bit activation has the single level 1)?
 */
export function activationFires(a: Thresholding, j: number, d: AccDomain, v: number, k = 1): boolean {
  switch (a.kind) {
    case 'threshold': {
      const x = d.thresholdValue(v);
      return a.direction[j] === 'ge' ? x >= a.thresholds[j]! : x <= a.thresholds[j]!;
    }
    case 'multithreshold': {
      const x = d.thresholdValue(v);
      const t = a.thresholds[j]![k - 1]!;
      return a.direction[j] === 'ge' ? x >= t : x <= t;
    }
    case 'batchnorm':
      return a.quant ? batchNormValue(a, j, d.dot(v)) >= quantThreshold(a.quant, k) : batchNormFires(a, j, d.dot(v));
  }
}

/** One-bit activations: the neuron's single threshold. */
export function neuronThreshold(a: Thresholding, j: number, d: AccDomain, file?: string, field?: string): NeuronThreshold {
  const t = neuronThresholds(a, j, d, file, field);
  return { value: t.values[0]!, direction: t.direction };
}

/**
 * Every level's integer threshold for neuron j, all in one direction: each level's float
 * predicate is read off over the accumulator's range (as for one bit), and a level that is
 * always or never reached is written in the direction of the others (`ge`: min / max + 1;
 * `le`: max / min − 1), so that the count of levels reached equals the float quantizer's code.
 */
export function neuronThresholds(a: Thresholding, j: number, d: AccDomain, file?: string, field?: string): { values: number[]; direction: Direction } {
  const q = activationQuant(a);
  const count = q ? q.levels - 1 : 1;
  const edges = [];
  for (let k = 1; k <= count; k++) {
    const e = stepEdge((v) => (activationFires(a, j, d, v, k) ? 1 : 0), d.min, d.max);
    if (!e)
      throw new BnnError({
        code: 'MODEL_INVALID',
        message: `neuron ${j}${count > 1 ? ` level ${k}` : ''}: the activation is not monotonic in the accumulator (float noise?), it cannot be one threshold`,
        file,
        field,
      });
    edges.push(e);
  }
  const steps = edges.filter((e) => e.kind !== 'const');
  const direction: Direction = steps[0]?.kind === 'le' ? 'le' : 'ge';
  if (steps.some((e) => e.kind !== direction))
    throw new BnnError({ code: 'MODEL_INVALID', message: `neuron ${j}: its levels are reached in both directions of the accumulator; a neuron's levels must all rise or all fall with it`, file, field });
  const values = edges.map((e) => {
    if (e.kind !== 'const') return e.t;
    if (direction === 'ge') return e.bit ? d.min : d.max + 1;
    return e.bit ? d.max : d.min - 1;
  });
  for (let k = 1; k < values.length; k++)
    if (direction === 'ge' ? values[k]! < values[k - 1]! : values[k]! > values[k - 1]!)
      throw new BnnError({ code: 'MODEL_INVALID', message: `neuron ${j}: level ${k + 1} is reached before level ${k} (thresholds out of order after folding)`, file, field });
  return { values, direction };
}
