import type { Activation } from '../model/types.js';
import type { InputQuant } from './import-types.js';
import type { Tensor } from './tensor.js';

/**
 * The importer's symbolic value of a tensor (see import.ts):
 *  - `const`: known at import time (initializers and everything computed only from them);
 *  - `raw`: the graph input followed by a chain of element-wise steps;
 *  - `fixed`: the output of an integer Quant/IntQuant on the raw input, feeding the first layer;
 *  - `bits`: a bipolar (±1) tensor made by a sign threshold;
 *  - `acc`: a bipolar MatMul/Gemm result followed by a chain of element-wise steps.
 */
export type Sym =
  | { kind: 'const'; t: Tensor }
  | { kind: 'raw'; shape: number[]; dtype: number; steps: Step[]; nodes: string[] }
  | { kind: 'bits'; shape: number[]; producer: number; consumed: boolean; nodes: string[] }
  | { kind: 'acc'; shape: number[]; dtype: number; layer: number; steps: Step[]; nodes: string[] }
  | { kind: 'fixed'; shape: number[]; quant: InputQuant; consumed: boolean; nodes: string[] }
  | { kind: 'index'; layer: number }
  | { kind: 'topk-values' };

/** One element-wise op of a chain: value v of element i → the op's output, with the ONNX semantics of ops.ts. */
export type Step = (v: number, i: number) => number;

/** A sign threshold: which bit (1 = +1) a node produces from its input value v at element i. */
export type SignFn = (v: number, i: number) => 0 | 1;

export interface PendingLayer {
  name: string;
  node: string;
  inputs: number;
  outputs: number;
  weights: Uint32Array[];
  weightNote: string;
  activation?: Activation;
  /** A fixed-point first layer: how its accumulator s = Σ q·w reaches the graph's MatMul output. */
  fixed?: FixedFirstLayer;
}

/**
 * The graph's first MatMul sees v(q_i) = fround(fround(q_i − z)·scale) and sums Σ w_i·v(q_i)
 * exactly (in double; checked by the size bound in handlers/matmul.ts). Writing
 * v(q) = scale·(q − z) + d(q), with d the float32 rounding error (0 for every q when
 * scale·(q − z) is exact in float32), the MatMul value for neuron j is
 * scale·(s − z·W_j) + Σ w_i·d(q_i) with W_j = Σ w_i = P_j − M_j, so it lies in
 * [scale·(s − z·W_j) + P_j·dmin − M_j·dmax, scale·(s − z·W_j) + P_j·dmax − M_j·dmin].
 */
export interface FixedFirstLayer {
  quant: InputQuant;
  plus: number[];
  minus: number[];
  dmin: number;
  dmax: number;
}

export function describe(s: Sym): string {
  switch (s.kind) {
    case 'const': return 'a constant';
    case 'raw': return 'the raw input';
    case 'bits': return 'binary (±1) activations';
    case 'acc': return 'a layer\'s accumulator';
    case 'index': return 'the predicted class index';
    case 'topk-values': return 'the TopK values';
    case 'fixed': return 'the quantized (fixed-point) input';
  }
}
