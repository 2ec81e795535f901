import type { Direction, Model, OutputRule } from './types.js';

/** Geometry of a convolution engine (channels last; im2col order ky, kx, c). */
export interface ConvGeometry {
  inShape: [number, number, number];
  outShape: [number, number, number];
  kernel: number;
  stride: number;
  padding: number;
  /** The padded element as the engine sees it: a bit (0 = -1, 1 = +1) or a raw value (0). */
  padElement: number;
}

/**
 * A layer that computes: one matrix-vector engine. `inputs` (MW) is the fan-in of one neuron,
 * `outputs` (MH) the neurons; a convolution applies the same matrix at every output pixel.
 */
export interface IntegerEngineLayer {
  kind: 'dense' | 'conv2d';
  name: string;
  inputs: number;
  outputs: number;
  weights: Uint32Array[];
  conv?: ConvGeometry;
  /**
   * 1: inputs are bits and a neuron computes p = popcount(XNOR(w, x)) in [0, MW].
   * > 1: inputs are integers of this width (raw fixed-point inputs, or a multi-bit layer's
   * elements) and a neuron computes the signed sum s = Σ (w ? x : -x) in [accMin, accMax].
   */
  inputBits: number;
  inputSigned: boolean;
  /** Range of the value the thresholds compare (popcount or signed sum). */
  accMin: number;
  accMax: number;
  /** undefined: the layer outputs its accumulator values as scores (argmax follows). */
  thresholds?: EngineThresholds;
}

/**
 * A neuron's output element is code + outBias, code = how many of its `count` thresholds the
 * accumulator reaches (`ge`: acc >= t, `le`: acc <= t). One-bit layers: count 1, outBits 1,
 * outBias 0 (the element is the bit). Multi-bit layers: outBits-bit integers, signed iff outBias < 0.
 */
export interface EngineThresholds {
  /** Neuron-major: value[j·count + k], non-decreasing in k for `ge`, non-increasing for `le`. */
  value: Int32Array;
  count: number;
  direction: Direction[];
  outBits: number;
  outBias: number;
}

/** The output element of neuron j for accumulator value acc. */
export function thresholdElement(t: EngineThresholds, j: number, acc: number): number {
  let code = 0;
  const ge = t.direction[j] === 'ge';
  for (let k = 0; k < t.count; k++) {
    const v = t.value[j * t.count + k]!;
    if (ge ? acc >= v : acc <= v) code++;
  }
  return code + t.outBias;
}

/** Max-pool over kernel×kernel windows (kernel = stride), per channel: an OR of bits, or the max of integers. */
export interface IntegerPoolLayer {
  kind: 'maxpool2d';
  name: string;
  kernel: number;
  /** The elements pooled: 1 (bits), or integers of this width (two's complement when signed). */
  elemBits: number;
  signed: boolean;
  inShape: [number, number, number];
  outShape: [number, number, number];
}

export type IntegerLayer = IntegerEngineLayer | IntegerPoolLayer;

export interface IntegerModel {
  name: string;
  input: Model['input'];
  layers: IntegerLayer[];
  /** How the last layer's values (scores or bits) become the class. */
  output: OutputRule;
}

export function engineLayers(im: IntegerModel): IntegerEngineLayer[] {
  return im.layers.filter((l): l is IntegerEngineLayer => l.kind !== 'maxpool2d');
}

/** Output pixels per frame of an engine (1 for dense). */
export function enginePixels(l: IntegerEngineLayer): number {
  return l.conv ? l.conv.outShape[0] * l.conv.outShape[1] : 1;
}
