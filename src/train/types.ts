import type { Model } from '../model/types.js';
import type { ArchOp } from './arch.js';

/** The dense trainer's configuration. */
export interface TrainConfig {
  name: string;
  arch: number[];
  epochs: number;
  seed: number;
  batch: number;
  lr: number;
  augment: boolean;
  /** Threads to use (1 = main thread only). Results do not depend on it. */
  threads: number;
  /** Use only the first N training images (tests, quick runs). */
  trainLimit?: number;
  /** The command line recorded in the metadata. */
  command?: string;
  /** Input threshold: pixel >= threshold is bit 1 (+1). */
  inputThreshold?: number;
  /** Hidden activation bits: 1 (sign, the default) or 2..4 (src/train/quant.ts). */
  actBits?: number;
}

/** The convolutional trainer's configuration. */
export interface ConvTrainConfig {
  name: string;
  arch: ArchOp[];
  epochs: number;
  seed: number;
  batch: number;
  lr: number;
  augment: boolean;
  /** Raw 8-bit pixels into the first layer (`input.encoding: fixed`) instead of thresholded bits. */
  fixedInput: boolean;
  inputThreshold?: number;
  trainLimit?: number;
  /** Recalibrate BatchNorm on at most this many training images (default: all). */
  recalibrateLimit?: number;
  command?: string;
  /** Hidden activation bits: 1 (sign, the default) or 2..4 (src/train/quant.ts). */
  actBits?: number;
}

export interface BatchInfo {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  elapsed: number;
}

export interface EpochInfo {
  epoch: number;
  epochs: number;
  loss: number;
  /** Running accuracy on the training batches (training-mode BatchNorm, augmented). */
  batchAccuracy: number;
  /** Exported model (running statistics) on the test set. */
  testAccuracy: number;
  seconds: number;
}

export interface TrainResult {
  model: Model;
  trainAccuracy: number;
  testAccuracy: number;
  /** Test accuracy with the running BatchNorm statistics, before recalibration. */
  runningTestAccuracy: number;
  seconds: number;
  trainSeconds: number;
  epochs: EpochInfo[];
}

export interface TrainHooks {
  onBatch?(info: BatchInfo): void;
  onEpoch?(info: EpochInfo): void;
}
