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

/**
 * A-bit output elements (A = 2..4): the element is the integer u = code + outBias, where code
 * (0..levels−1) counts the thresholds the neuron reaches; it stands for the real value
 * outScale·u. Signed (two's complement in `bits`) exactly when outBias < 0.
 */
export interface ActivationQuant {
  bits: number;
  /** Output levels, 2..2^bits: levels − 1 thresholds per neuron. */
  levels: number;
  outBias: number;
  outScale: number;
}

export interface BatchNormActivation {
  kind: 'batchnorm';
  gamma: number[];
  beta: number[];
  mean: number[];
  var: number[];
  eps: number;
  bias?: number[];
  /**
   * Absent: sign (one bit, ±1). Present: y = BatchNorm(dot) is rounded to the nearest level
   * outScale·(outBias + code), ties up, clamped to the levels (docs/model-format.md).
   */
  quant?: ActivationQuant;
}

export interface ThresholdActivation {
  kind: 'threshold';
  thresholds: number[];
  direction: Direction[];
}

/**
 * Integer thresholds on the accumulator giving A-bit elements (FINN's MultiThreshold): code =
 * the number of neuron j's thresholds reached (`ge`: acc >= t, list non-decreasing; `le`:
 * acc <= t, list non-increasing), element u = code + outBias.
 */
export interface MultiThresholdActivation extends Omit<ActivationQuant, 'levels'> {
  kind: 'multithreshold';
  /** One list per neuron, all of the same length T, 1 <= T <= 2^bits − 1 (levels = T + 1). */
  thresholds: number[][];
  direction: Direction[];
}

export interface NoActivation {
  kind: 'none';
  scale?: number;
}

export type Activation = BatchNormActivation | ThresholdActivation | MultiThresholdActivation | NoActivation;

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

/** Max-pool, kernel = stride: an OR of the window's bits after a binary layer, the max of the elements after a multi-bit one. */
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
