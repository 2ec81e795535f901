import { packBits } from '../../model/bits.js';
import { legalName } from '../../model/names.js';
import type { InputQuant } from '../import-types.js';
import { attrFloat, attrInt, dequant, invalid, roundTo, unsupported } from '../ops.js';
import type { OnnxNode } from '../read-onnx.js';
import { DataType } from '../schema.js';
import { describe, type FixedFirstLayer, type PendingLayer, type Step } from '../symbols.js';
import { broadcastIndex, sizeOf, type Tensor } from '../tensor.js';
import { annotationOf, type OpHandler } from './state.js';

/** MatMul/Gemm with constant bipolar weights on binary (or the fixed-point input's) values: a new layer. */
export const matmul: OpHandler = {
  apply(node, ins, st) {
    const { file, layers } = st;
    const [a, b] = ins;
    if (a?.kind === 'fixed') {
      if (layers.length !== 0 || a.consumed) unsupported(node, 'the quantized input feeds more than one layer', file);
    } else if (!a || a.kind === 'raw')
      unsupported(node, 'its input is not binarized: the first layer must see a sign-thresholded input (multi-bit input layers are not in model format v1)', file);
    if (a.kind === 'acc') unsupported(node, 'two matrix products with no sign activation between them', file);
    if (a.kind !== 'bits' && a.kind !== 'fixed') unsupported(node, `its input is ${describe(a)}, expected binary (±1) activations`, file);
    if (!b || b.kind !== 'const') unsupported(node, 'the weights must be a constant (initializer)', file);
    if (a.kind === 'bits') {
      const expectedProducer = layers.length - 1;
      if (a.producer !== expectedProducer || a.consumed)
        unsupported(node, 'only a plain chain of layers is supported (this input is not the previous layer\'s output, or is used twice)', file);
      if (a.producer === -1 && st.encodingThreshold === undefined) invalid(node, 'no input encoding', file);
      if (a.producer >= 0 && !layers[a.producer]!.activation)
        unsupported(node, 'the previous layer has no sign activation', file);
    }
    a.consumed = true;
    const n = sizeOf(a.shape);
    if (!(a.shape.length === 1 || (a.shape.length === 2 && a.shape[0] === 1)))
      unsupported(node, `input must be [1, N] or [N], got [${a.shape}]`, file);
    let w = b.t;
    if (w.shape.length !== 2) unsupported(node, `weights must be 2-D, got [${w.shape}]`, file);
    const steps: Step[] = [];
    const dtype = DataType.FLOAT;
    if (node.opType === 'Gemm') {
      if (attrInt(node, 'transA', 0, file)) unsupported(node, 'transA = 1', file);
      if (attrInt(node, 'transB', 0, file)) w = transpose(w);
      const alpha = attrFloat(node, 'alpha', 1, file);
      const beta = attrFloat(node, 'beta', 1, file);
      const c = ins[2];
      if (c && c.kind !== 'const') unsupported(node, 'the bias C must be a constant', file);
      const ct = c?.kind === 'const' ? c.t : undefined;
      const m = w.shape[1]!;
      steps.push((v, j) => roundTo(dtype, alpha * v + beta * (ct ? ct.data[broadcastIndex([1, m], ct.shape, j)]! : 0)));
    } else steps.push((v) => roundTo(dtype, v));
    const [wn, m] = w.shape as [number, number];
    if (wn !== n) invalid(node, `weights have ${wn} rows, input has ${n} elements`, file);
    const weightName = node.inputs[1]!;
    const ann = annotationOf(st.onnx, weightName);
    for (let k = 0; k < w.data.length; k++) {
      const x = w.data[k]!;
      if (x !== 1 && x !== -1)
        unsupported(
          node,
          `weights ${weightName} are not bipolar: element ${k} is ${x} (values must be -1 or +1${ann ? `; annotated finn_datatype=${ann}` : ''})`,
          file,
        );
    }
    const rows: Uint32Array[] = [];
    for (let j = 0; j < m; j++) {
      const bitsRow = new Uint8Array(n);
      for (let i = 0; i < n; i++) bitsRow[i] = w.data[i * m + j] === 1 ? 1 : 0;
      rows.push(packBits(bitsRow));
    }
    let fixed: FixedFirstLayer | undefined;
    if (a.kind === 'fixed') {
      const plus: number[] = [];
      const minus: number[] = [];
      for (let j = 0; j < m; j++) {
        let p = 0;
        for (let i = 0; i < n; i++) if (w.data[i * m + j] === 1) p++;
        plus.push(p);
        minus.push(n - p);
      }
      fixed = { quant: a.quant, plus, minus, ...quantError(node, a.quant, n, file) };
    }
    const li = layers.length;
    layers.push({
      ...(fixed ? { fixed } : {}),
      name: uniqueName(legalName(node.name, `fc${li}`), layers),
      node: node.name,
      inputs: n,
      outputs: m,
      weights: rows,
      weightNote: `weights ${weightName}${ann ? ` (${ann})` : ''}${node.opType === 'Gemm' && attrInt(node, 'transB', 0, file) ? ' transposed' : ''}, bit 1 = +1`,
    });
    return [{ kind: 'acc', shape: a.shape.length === 1 ? [m] : [1, m], dtype, layer: li, steps, nodes: [node.name] }];
  },
};

function uniqueName(base: string, layers: PendingLayer[]): string {
  let name = base;
  for (let k = 2; layers.some((l) => l.name === name); k++) name = `${base.slice(0, 60)}_${k}`;
  return name;
}

function transpose(t: Tensor): Tensor {
  const [r, c] = t.shape as [number, number];
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j]!;
  return { dtype: t.dtype, shape: [c, r], data };
}

/**
 * Range of the float32 rounding error d(q) = fround((q − z)·scale) − (q − z)·scale over q in
 * [min, max], and the size check that makes the graph's MatMul sum (and scale·K) exact in double.
 */
function quantError(node: OnnxNode, q: InputQuant, n: number, file?: string): { dmin: number; dmax: number } {
  const maxK = Math.max(Math.abs(q.min - q.zeroPoint), Math.abs(q.max - q.zeroPoint));
  if (n * maxK > 2 ** 27)
    unsupported(node, `${n} inputs of |q − zeropt| up to ${maxK}: the first layer's sums exceed 2^27, beyond the range where the float graph's MatMul is exact`, file);
  let dmin = 0;
  let dmax = 0;
  for (let v = q.min; v <= q.max; v++) {
    // (v − z)·scale is exact in double (≤ 21 × 24 significant bits); the difference is exact (Sterbenz).
    const d = dequant(v, q.scale, q.zeroPoint) - (v - q.zeroPoint) * q.scale;
    if (d < dmin) dmin = d;
    if (d > dmax) dmax = d;
  }
  return { dmin, dmax };
}
