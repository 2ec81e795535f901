import type { Dataset } from '../datasets/index.js';
import { packBits } from '../model/bits.js';
import type { ActivationQuant, BatchNormActivation, Conv2dLayer, DenseLayer, Layer, MaxPool2dLayer, Model } from '../model/types.js';
import type { ArchOp } from './arch.js';
import type { Geo } from './geometry.js';
import { BN_EPS } from './net.js';
import type { NetState } from './net-state.js';
import type { ConvTrainConfig, TrainConfig } from './types.js';

/** Exported parameters keep 7 significant digits (the model file stays readable; the export is what is evaluated). */
export const round7 = (x: number) => Number(x.toPrecision(7));

/** sign(w) of an input-major [n, m] latent matrix as m packed rows of n bits (bit 1 = +1). */
export function signRows(w: ArrayLike<number>, n: number, m: number): Uint32Array[] {
  const rows: Uint32Array[] = [];
  const bits = new Uint8Array(n);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) bits[i] = w[i * m + j]! >= 0 ? 1 : 0;
    rows.push(packBits(bits));
  }
  return rows;
}

/**
 * A hidden layer's BatchNorm as exported: its parameters and running statistics, rounded; with
 * the trained quantizer (`quant`, src/train/quant.ts) for a multi-bit layer, written as it is.
 */
export function exportedBatchNorm(L: { gamma: ArrayLike<number>; beta: ArrayLike<number>; runMean: ArrayLike<number>; runVar: ArrayLike<number> }, quant?: ActivationQuant): BatchNormActivation {
  const arr = (a: ArrayLike<number>) => Array.from(a, round7);
  return { kind: 'batchnorm', gamma: arr(L.gamma), beta: arr(L.beta), mean: arr(L.runMean), var: arr(L.runVar), eps: BN_EPS, ...(quant ? { quant: { ...quant } } : {}) };
}

/** The exported dense model: sign(w) rows, BatchNorm with running statistics, last layer scores + scale. */
export function exportModel(net: NetState, cfg: TrainConfig, metadata: Record<string, unknown>): Model {
  const layers: DenseLayer[] = net.layers.map((L, li) => {
    return {
      kind: 'dense',
      name: `fc${li}`,
      inputs: L.n,
      outputs: L.m,
      weights: signRows(L.w, L.n, L.m),
      activation: L.hidden ? exportedBatchNorm(L, L.outQuant) : { kind: 'none', scale: round7(net.scal[3]!) },
    };
  });
  return {
    format: 'bnn-model',
    version: 1,
    name: cfg.name,
    metadata,
    input: { shape: [cfg.arch[0]!], encoding: { kind: 'threshold', threshold: cfg.inputThreshold ?? 128 }, rawBits: 8 },
    layers,
  };
}

/** What the export reads of a convolutional trainer's weight layer. */
export interface ConvExportLayer {
  g: Geo;
  w: Float32Array;
  gamma: Float64Array;
  beta: Float64Array;
  runMean: Float64Array;
  runVar: Float64Array;
}

/** The exported convolutional model: sign(w) rows, BatchNorm with running statistics, last layer scores + scale. */
export function exportCnn(layers: ConvExportLayer[], ops: ArchOp[], cfg: ConvTrainConfig, ds: Pick<Dataset, 'rows' | 'cols'>, scale: number, metadata: Record<string, unknown>, quant?: ActivationQuant): Model {
  const out: Layer[] = [];
  let li = 0;
  let ci = 0;
  let pi = 0;
  let fi = 0;
  for (const o of ops) {
    if (o.kind === 'pool') {
      out.push({ kind: 'maxpool2d', name: `pool${pi++}`, kernel: o.k, stride: o.k } satisfies MaxPool2dLayer);
      continue;
    }
    const L = layers[li++]!;
    const g = L.g;
    const weights = signRows(L.w, g.n, g.m);
    const activation = g.hidden ? exportedBatchNorm(L, quant) : { kind: 'none' as const, scale: round7(scale) };
    if (g.conv)
      out.push({ kind: 'conv2d', name: `conv${ci++}`, inChannels: g.inC, outChannels: g.m, kernel: g.k, stride: g.s, padding: g.p, padValue: g.padValue, weights, activation } satisfies Conv2dLayer);
    else out.push({ kind: 'dense', name: `fc${fi++}`, inputs: g.n, outputs: g.m, weights, activation } satisfies DenseLayer);
  }
  return {
    format: 'bnn-model',
    version: 1,
    name: cfg.name,
    metadata,
    input: {
      shape: [ds.rows, ds.cols, 1],
      encoding: cfg.fixedInput ? { kind: 'fixed', signed: false } : { kind: 'threshold', threshold: cfg.inputThreshold ?? 128 },
      rawBits: 8,
    },
    layers: out,
  };
}

/** A trained model's metadata (field order fixed: the YAML is byte-identical for the same run). */
export function trainedMetadata(
  ds: Pick<Dataset, 'name' | 'description' | 'test'>,
  cfg: Pick<TrainConfig, 'epochs' | 'seed' | 'batch' | 'lr' | 'augment' | 'command'>,
  arch: string,
  input: Record<string, unknown>,
  trainImages: number,
  acc: { trainAccuracy: number; testAccuracy: number },
  note: string,
): Record<string, unknown> {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    source: 'trained',
    dataset: ds.name,
    datasetDescription: ds.description,
    arch,
    epochs: cfg.epochs,
    seed: cfg.seed,
    batch: cfg.batch,
    lr: cfg.lr,
    augment: cfg.augment,
    ...input,
    trainImages,
    testImages: ds.test.count,
    trainAccuracy: r4(acc.trainAccuracy),
    testAccuracy: r4(acc.testAccuracy),
    ...(cfg.command ? { command: cfg.command } : {}),
    note,
  };
}
