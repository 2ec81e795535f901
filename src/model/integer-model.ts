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
   * > 1: inputs are raw fixed-point integers of this width and a neuron computes the signed
   * sum s = Σ (w ? x : -x) in [accMin, accMax].
   */
  inputBits: number;
  inputSigned: boolean;
  /** Range of the value the thresholds compare (popcount or signed sum). */
  accMin: number;
  accMax: number;
  /** undefined: the layer outputs its accumulator values as scores (argmax follows). */
  thresholds?: { value: Int32Array; direction: Direction[] };
}

/** Binary max-pool: OR over kernel×kernel windows (kernel = stride), per channel. */
export interface IntegerPoolLayer {
  kind: 'maxpool2d';
  name: string;
  kernel: number;
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
