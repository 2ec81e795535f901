import type { Model } from '../model/types.js';
import type { RoundingMode } from './ops.js';

export interface ImportOptions {
  /** Model name (default: the graph name, legalized). */
  name?: string;
  /** Width of a raw input element when the graph does not declare an unsigned integer input type. */
  rawBits?: number;
  /** File name for messages and metadata. */
  file?: string;
}

export interface ImportTrace {
  /** The graph input (raw values). */
  input: string;
  /** Tensor holding the binarized input (±1); '' for a fixed-point input (see inputQuant). */
  inputBits: string;
  /** A fixed-point input: the Quant/IntQuant node whose integers q are the model's raw input. */
  inputQuant?: InputQuant;
  /**
   * Model raw element k is graph input element inputOrder[k] (graph flat order); absent: the same
   * order. A convolutional model reads its input channels last, [H, W, C], while the graph's
   * input is NCHW: for C > 1 the host transposes.
   */
  inputOrder?: Int32Array;
  /**
   * For every model layer but a score-producing last one, the tensor holding its output elements
   * (same order as integerForward's layerValues): a sign's ±1, a multi-bit activation's levels,
   * a max-pool's output. `layerViews[i]` says how to read it (graphLayerValues).
   */
  layerOutputs: string[];
  layerViews: LayerView[];
  /** The graph output: the predicted class (TopK indices) or the scores. */
  output: string;
  outputKind: 'index' | 'scores';
}

/**
 * The input Quant/IntQuant of a fixed-point first layer. The model's raw input element i is the
 * integer q_i = clip(round(x_i/scale + zeroPoint), min, max) of the Quant's input x (`tensor`);
 * the graph continues with (q − zeroPoint)·scale. `quantizeInput` computes q from x.
 */
export interface InputQuant {
  node: string;
  /** The Quant's input tensor (the graph input, possibly after element-wise steps). */
  tensor: string;
  /** The Quant's output tensor ((q − zeroPoint)·scale in float32). */
  output: string;
  scale: number;
  zeroPoint: number;
  bitWidth: number;
  signed: boolean;
  narrow: boolean;
  roundingMode: RoundingMode;
  min: number;
  max: number;
}

/** How a layer's output tensor in the graph maps to the model's elements (see graphLayerValues). */
export interface LayerView {
  tensor: string;
  /** The model index (channels last) of the tensor's ONNX flat element i; absent: the same. */
  order?: Int32Array;
  /** Absent: ±1 values (bit 1 = +1). Present: element u ∈ [min, max] is carried as values[u − min]. */
  levels?: { min: number; values: number[] };
}

export interface ImportResult {
  model: Model;
  dialect: 'finn' | 'qonnx' | 'onnx';
  /** What was folded into what, one line per input encoding / layer, for the user. */
  folded: string[];
  trace: ImportTrace;
}
