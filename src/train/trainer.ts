import type { Dataset } from '../datasets/index.js';
import { trainCnn } from './cnn.js';
import { trainDense } from './dense.js';
import type { ConvTrainConfig, TrainConfig, TrainHooks, TrainResult } from './types.js';

export type { BatchInfo, ConvTrainConfig, EpochInfo, TrainConfig, TrainHooks, TrainResult } from './types.js';

/** Either trainer's configuration; its architecture decides which trainer runs. */
export type AnyTrainConfig = TrainConfig | ConvTrainConfig;

/** A convolutional configuration: its architecture is a list of ops rather than layer widths. */
export function isConvConfig(cfg: AnyTrainConfig): cfg is ConvTrainConfig {
  return cfg.arch.some((op) => typeof op !== 'number');
}

/** Binarization-aware training: the dense trainer for layer widths, the convolutional one for conv/pool/dense ops. */
export function train(ds: Dataset, cfg: AnyTrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  return isConvConfig(cfg) ? trainCnn(ds, cfg, hooks) : trainDense(ds, cfg, hooks);
}
