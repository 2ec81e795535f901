/** Model format v1, as loaded and validated (see docs/model-format.md). */

export type Direction = 'ge' | 'le';

export interface InputSpec {
  shape: number[];
  encoding: { kind: 'threshold'; threshold: number };
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

export type Layer = DenseLayer;

export interface Model {
  format: 'bnn-model';
  version: 1;
  name: string;
  metadata: Record<string, unknown>;
  input: InputSpec;
  layers: Layer[];
  /** Where it was loaded from, for error messages; not serialized. */
  sourceFile?: string;
}
