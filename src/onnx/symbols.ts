import type { Activation } from '../model/types.js';
import type { Tensor } from './tensor.js';

/**
 * The importer's symbolic value of a tensor (see import.ts):
 *  - `const`: known at import time (initializers and everything computed only from them);
 *  - `raw`: the graph input followed by a chain of element-wise steps;
 *  - `bits`: a bipolar (±1) tensor made by a sign threshold (of the raw input or a layer);
 *  - `ints`: integer elements standing for float levels: the input Quant's q (producer −1), or a
 *    layer's multi-bit activation (MultiThreshold with several thresholds, or Quant);
 *  - `acc`: a layer's accumulator (MatMul/Gemm/Conv result) followed by element-wise steps;
 *  - `padded`: bits or ints grown by a constant Pad, which only a Conv may read.
 *
 * Every non-constant tensor is a view of a stored vector (the graph input, or a layer's output in
 * the model's channels-last order): `order[i]` is the index in that vector of the tensor's ONNX
 * flat (C order) element i; absent, the two orders are the same. Transposes change `order`,
 * reshapes do not. Steps of a chain take the element's value and its index in the stored vector.
 */
export interface Elements {
  shape: number[];
  order?: Int32Array;
  nodes: string[];
}

export type Sym =
  | { kind: 'const'; t: Tensor }
  | ({ kind: 'raw'; dtype: number; steps: Step[] } & Elements)
  | ({ kind: 'bits'; producer: number } & Elements)
  | ({ kind: 'ints'; producer: number; levels: Levels } & Elements)
  | ({ kind: 'acc'; dtype: number; layer: number; steps: Step[] } & Elements)
  | { kind: 'padded'; inner: Extract<Sym, { kind: 'bits' | 'ints' }>; pad: number; value: number; node: string; shape: number[] }
  | { kind: 'index'; layer: number }
  | { kind: 'topk-values' };

export type ElementSym = Extract<Sym, { kind: 'bits' | 'ints' }>;
export type AccSym = Extract<Sym, { kind: 'acc' }>;

/**
 * One element-wise op of a chain: `f` maps value v of stored element `src` to the op's output,
 * with the ONNX semantics of ops.ts; `key(src)` identifies the op's parameters for that element
 * (the constant operand, the BatchNorm channel), so elements with equal keys all along a chain
 * compute the same function.
 */
export interface Step {
  f: (v: number, src: number) => number;
  key: (src: number) => number | string;
}

/**
 * A thresholding node seen as a function of its input value: the output code 0..count (a sign:
 * count 1, code 1 = +1; a multi-bit activation: the level reached above the lowest).
 */
export interface Quantizer {
  count: number;
  code: (v: number, src: number) => number;
  key: (src: number) => number | string;
}

/**
 * What integer elements u ∈ [min, max] stand for in the graph: the float32 value `value(u)` the
 * next node sees, nominally scale·(u − zeroPoint); strictly increasing in u (checked). The input
 * Quant's q has its zero point; a layer's multi-bit elements are defined with zeroPoint 0.
 */
export interface Levels {
  min: number;
  max: number;
  value: (u: number) => number;
  scale: number;
  zeroPoint: number;
}

/** How a layer reads its input: bits (XNOR-popcount), or integers (the signed sum s = Σ ±u). */
export type LayerInput =
  | { kind: 'bits' }
  | {
      kind: 'ints';
      levels: Levels;
      /** Per neuron: the number of +1 and −1 weights. */
      plus: number[];
      minus: number[];
      /** Range of the float32 rounding error d(u) = value(u) − scale·(u − zeroPoint) over the levels (and 0). */
      dmin: number;
      dmax: number;
      /** Zero-padded convolution: padded elements are u = 0. */
      padded: boolean;
      /** The input Quant's q (a fixed-point first layer), not a layer's multi-bit elements. */
      fromInput: boolean;
    };

export interface PendingEngine {
  kind: 'dense' | 'conv2d';
  name: string;
  node: string;
  /** Fan-in of one neuron (dense: inputs; conv: K·K·C). */
  inputs: number;
  outputs: number;
  weights: Uint32Array[];
  weightNote: string;
  input: LayerInput;
  conv?: { inShape: [number, number, number]; kernel: number; stride: number; padding: number; padValue: number };
  /** The model's output shape: [M] or [OH, OW, M]. */
  outShape: number[];
  activation?: Activation;
  /** The output's levels when the activation is multi-bit. */
  outLevels?: Levels;
  /** The node that reads this layer's output (a plain chain has exactly one). */
  consumedBy?: string;
}

export interface PendingPool {
  kind: 'maxpool2d';
  name: string;
  node: string;
  kernel: number;
  inShape: [number, number, number];
  outShape: number[];
  consumedBy?: string;
}

export type PendingLayer = PendingEngine | PendingPool;

export function describe(s: Sym): string {
  switch (s.kind) {
    case 'const': return 'a constant';
    case 'raw': return 'the raw input';
    case 'bits': return 'binary (±1) activations';
    case 'ints': return s.producer < 0 ? 'the quantized (fixed-point) input' : 'multi-bit activations';
    case 'acc': return 'a layer\'s accumulator';
    case 'padded': return `the output of Pad ${s.node}`;
    case 'index': return 'the predicted class index';
    case 'topk-values': return 'the TopK values';
  }
}

/** The stored-vector index of every ONNX flat index of a tensor. */
export function orderOf(s: Elements): Int32Array {
  if (s.order) return s.order;
  const n = s.shape.reduce((a, b) => a * b, 1);
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** The inverse of `order`: for a stored index, the tensor's ONNX flat index (identity when absent). */
export function inverseOrder(s: Elements): ((src: number) => number) {
  if (!s.order) return (src) => src;
  const inv = new Int32Array(s.order.length);
  s.order.forEach((src, i) => (inv[src] = i));
  return (src) => inv[src]!;
}

