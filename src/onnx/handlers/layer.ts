import { packBits } from '../../model/bits.js';
import { legalName } from '../../model/names.js';
import { invalid, unsupported } from '../ops.js';
import type { OnnxNode } from '../read-onnx.js';
import { describe, type ElementSym, type LayerInput, type Levels, type PendingLayer, type Sym } from '../symbols.js';
import type { ImportState } from './state.js';

/**
 * What a new engine layer (MatMul/Gemm/Conv) reads: the previous layer's output (a plain chain,
 * each output read once), or the binarized/quantized input for the first layer.
 */
export function claimLayerInput(node: OnnxNode, a: Sym | undefined, st: ImportState): ElementSym {
  const { file, layers } = st;
  if (!a) invalid(node, 'missing input', file);
  if (a.kind === 'raw')
    unsupported(node, 'its input is not binarized: the first layer must see a sign-thresholded input (MultiThreshold/BipolarQuant) or a Quant-ed (fixed-point) input', file);
  if (a.kind === 'acc') unsupported(node, 'two matrix products with no activation between them', file);
  if (a.kind !== 'bits' && a.kind !== 'ints') unsupported(node, `its input is ${describe(a)}, expected binary (±1) or multi-bit activations`, file);
  if (a.producer === -1) {
    if (layers.length !== 0 || st.inputConsumedBy)
      unsupported(node, a.kind === 'ints' ? 'the quantized input feeds more than one layer' : 'the binarized input feeds more than one layer', file);
    if (a.kind === 'bits' && st.encodingThreshold === undefined) invalid(node, 'no input encoding', file);
    st.inputConsumedBy = node.name;
    return a;
  }
  const prev = layers[a.producer]!;
  if (a.producer !== layers.length - 1 || prev.consumedBy)
    unsupported(node, 'only a plain chain of layers is supported (this input is not the previous layer\'s output, or is used twice)', file);
  if (prev.kind !== 'maxpool2d' && !prev.activation) unsupported(node, 'the previous layer has no activation', file);
  prev.consumedBy = node.name;
  return a;
}

/** Size of the vector an element tensor views: the graph input, or the producing layer's output. */
export function storedSize(a: ElementSym, st: ImportState): number {
  if (a.producer < 0) return st.inShape.reduce((x, y) => x * y, 1);
  return st.layers[a.producer]!.outShape.reduce((x, y) => x * y, 1);
}

export interface BipolarWeights {
  rows: Uint32Array[];
  /** Per neuron the magnitude s of its weights ±s; undefined when all are 1. */
  scales?: number[];
  plus: number[];
  minus: number[];
}

/**
 * Weights w(j, k) (neuron j, model input k) that are ±s_j: bit 1 = +s_j. A per-neuron scale
 * s_j ≠ 1 becomes a step of the chain (exact: the graph's sum Σ x·(±s_j) is s_j times the ±1 sum
 * in double, for ±1 inputs; for integer inputs only a power of two keeps that exact).
 */
export function bipolarWeights(node: OnnxNode, w: (j: number, k: number) => number, m: number, n: number, name: string, ann: string | undefined, intInputs: boolean, file?: string): BipolarWeights {
  const rows: Uint32Array[] = [];
  const scales: number[] = [];
  const plus: number[] = [];
  const minus: number[] = [];
  for (let j = 0; j < m; j++) {
    const s = Math.abs(w(j, 0));
    const bits = new Uint8Array(n);
    let p = 0;
    for (let k = 0; k < n; k++) {
      const x = w(j, k);
      if (!(s > 0) || !Number.isFinite(s) || (x !== s && x !== -s))
        unsupported(
          node,
          `weights ${name} are not bipolar: output channel ${j} has ${x} where its other weights are ±${s} (values must be -1 or +1, or ±s with one s > 0 per output channel${ann ? `; annotated finn_datatype=${ann}` : ''})`,
          file,
        );
      if (x > 0) {
        bits[k] = 1;
        p++;
      }
    }
    if (s !== 1 && intInputs && 2 ** Math.round(Math.log2(s)) !== s)
      unsupported(node, `weights ${name}: output channel ${j} has scale ${s} on integer (multi-bit) inputs; only a power of two keeps the graph's sums exact`, file);
    rows.push(packBits(bits));
    scales.push(s);
    plus.push(p);
    minus.push(n - p);
  }
  return { rows, ...(scales.some((s) => s !== 1) ? { scales } : {}), plus, minus };
}

/**
 * An integer-input layer: the float32 rounding error d(u) = value(u) − scale·(u − zeroPoint) over
 * the levels (a padded element, u = 0, has d = 0), and the size check that keeps the graph's sum
 * (and scale·(s − z·W)) exact in double.
 */
export function integerInput(node: OnnxNode, levels: Levels, n: number, w: Pick<BipolarWeights, 'plus' | 'minus'>, padded: boolean, fromInput: boolean, file?: string): LayerInput {
  const maxK = Math.max(Math.abs(levels.min - levels.zeroPoint), Math.abs(levels.max - levels.zeroPoint), padded ? Math.abs(levels.zeroPoint) : 0);
  if (n * maxK > 2 ** 27)
    unsupported(node, `${n} inputs of |u − zeropt| up to ${maxK}: the layer's sums exceed 2^27, beyond the range where the float graph's sums are exact`, file);
  let dmin = 0;
  let dmax = 0;
  for (let u = levels.min; u <= levels.max; u++) {
    // (u − z)·scale is exact in double (≤ 21 × 24 significant bits); the difference is exact (Sterbenz).
    const d = levels.value(u) - (u - levels.zeroPoint) * levels.scale;
    if (d < dmin) dmin = d;
    if (d > dmax) dmax = d;
  }
  return { kind: 'ints', levels, plus: w.plus, minus: w.minus, dmin, dmax, padded, fromInput };
}

export function uniqueName(base: string, layers: PendingLayer[]): string {
  let name = base;
  for (let k = 2; layers.some((l) => l.name === name); k++) name = `${base.slice(0, 60)}_${k}`;
  return name;
}

export function layerName(node: OnnxNode, fallback: string, layers: PendingLayer[]): string {
  return uniqueName(legalName(node.name, fallback), layers);
}
