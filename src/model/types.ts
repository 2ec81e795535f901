/** Model format v1, as loaded and validated (see docs/model-format.md). */

export type Direction = 'ge' | 'le';

/** Raw element >= threshold → bit 1 (+1): the first layer sees bits. */
export interface ThresholdEncoding {
  kind: 'threshold';
  threshold: number;
}

/** Raw fixed-point integers feed the first layer directly (add/subtract by ±1 weights). */
export interface FixedEncoding {
  kind: 'fixed';
  signed: boolean;
}

export interface InputSpec {
  /** [N] for a dense network; [H, W, C] (channels last) for a convolutional one. */
  shape: number[];
  encoding: ThresholdEncoding | FixedEncoding;
  rawBits: number;
}

export interface BatchNormActivation {
  kind: 'batchnorm';
  gamma: number[];
  beta: number[];
  mean: number[];
  var: number[];
  eps: number;
  bias?: number[];
}

export interface ThresholdActivation {
  kind: 'threshold';
  thresholds: number[];
  direction: Direction[];
}

export interface NoActivation {
  kind: 'none';
  scale?: number;
}

export type Activation = BatchNormActivation | ThresholdActivation | NoActivation;

export interface DenseLayer {
  kind: 'dense';
  name: string;
  inputs: number;
  outputs: number;
  /** One row per neuron: `inputs` bits, packed LSB-first into 32-bit words. */
  weights: Uint32Array[];
  activation: Activation;
}

/**
 * Binary 2D convolution, channels last. Weights: `outChannels` rows of K·K·inChannels bits in
 * im2col order (ky, kx, c). Output pixels in raster order, each with outChannels values.
 */
export interface Conv2dLayer {
  kind: 'conv2d';
  name: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
  /** Value of padded input elements: -1 or +1 for binary inputs, 0 for fixed-point inputs. */
  padValue: number;
  weights: Uint32Array[];
  activation: Activation;
}

/** Binary max-pool (OR of the ±1 window, as bits), kernel = stride. */
export interface MaxPool2dLayer {
  kind: 'maxpool2d';
  name: string;
  kernel: number;
  stride: number;
}

export type Layer = DenseLayer | Conv2dLayer | MaxPool2dLayer;
/** Layers that compute (have weights): one matrix-vector engine each. */
export type WeightLayer = DenseLayer | Conv2dLayer;

/**
 * How the last layer's values become the predicted class. `argmax`: of the scores of a last
 * layer without activation, lowest index winning a tie. `lowest-set-bit` / `highest-set-bit`:
 * of a thresholded last layer's bits, i.e. the argmax over the bits with the lowest / highest
 * index winning a tie (no bit set: class 0 / the last class; BNN-PYNQ's host takes the highest).
 */
export type OutputRule = 'argmax' | 'lowest-set-bit' | 'highest-set-bit';
export const OUTPUT_RULES: readonly OutputRule[] = ['argmax', 'lowest-set-bit', 'highest-set-bit'];

export interface Model {
  format: 'bnn-model';
  version: 1;
  name: string;
  metadata: Record<string, unknown>;
  input: InputSpec;
  layers: Layer[];
  /** Absent: `argmax`, which only a last layer without activation allows. */
  output?: { kind: OutputRule };
  /** Where it was loaded from, for error messages; not serialized. */
  sourceFile?: string;
}
