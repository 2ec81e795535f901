import { attrFloat, attrInt, invalid, roundTo, unsupported } from '../ops.js';
import { DataType } from '../schema.js';
import { orderOf, type Step } from '../symbols.js';
import { broadcastIndex, sizeOf, type Tensor } from '../tensor.js';
import { bipolarWeights, claimLayerInput, integerInput, layerName, storedSize } from './layer.js';
import { annotationOf, type OpHandler } from './state.js';

/**
 * MatMul/Gemm with constant bipolar weights on binary or integer elements: a dense layer.
 * ONNX MatMul(x[1, N], W[N, M]): row j of our weights is column j of W. The input's element r
 * (ONNX flat order) is element order[r] of what the layer reads (the previous layer's output in
 * channels-last order, or the graph input), so W's row r becomes the model's input order[r]: a
 * Flatten of a convolution's NCHW output (index c·H·W + h·W + w) lands on (h·W + w)·C + c.
 */
export const matmul: OpHandler = {
  apply(node, ins, st) {
    const { file, layers } = st;
    const [, b] = ins;
    if (!b || b.kind !== 'const') unsupported(node, 'the weights must be a constant (initializer)', file);
    const a = claimLayerInput(node, ins[0], st);
    const n = sizeOf(a.shape);
    if (!(a.shape.length === 1 || (a.shape.length === 2 && a.shape[0] === 1)))
      unsupported(node, `input must be [1, N] or [N], got [${a.shape}] (flatten a convolution's output with Flatten/Reshape first)`, file);
    if (n !== storedSize(a, st)) invalid(node, `input has ${n} elements, its producer ${storedSize(a, st)}`, file);
    let w = b.t;
    if (w.shape.length !== 2) unsupported(node, `weights must be 2-D, got [${w.shape}]`, file);
    const dtype = DataType.FLOAT;
    let affine: (v: number, j: number) => number = (v) => roundTo(dtype, v);
    let affineKey: (j: number) => number = () => 0;
    if (node.opType === 'Gemm') {
      if (attrInt(node, 'transA', 0, file)) unsupported(node, 'attribute transA = 1 is not supported (supported: 0)', file);
      if (attrInt(node, 'transB', 0, file)) w = transpose(w);
      const alpha = attrFloat(node, 'alpha', 1, file);
      const beta = attrFloat(node, 'beta', 1, file);
      const c = ins[2];
      if (c && c.kind !== 'const') unsupported(node, 'the bias C must be a constant', file);
      const ct = c?.kind === 'const' ? c.t : undefined;
      const m = w.shape[1]!;
      const bias = (j: number) => (ct ? ct.data[broadcastIndex([1, m], ct.shape, j)]! : 0);
      affine = (v, j) => roundTo(dtype, alpha * v + beta * bias(j));
      affineKey = bias;
    }
    const [wn, m] = w.shape as [number, number];
    if (wn !== n) invalid(node, `weights have ${wn} rows, input has ${n} elements`, file);
    const weightName = node.inputs[1]!;
    const ann = annotationOf(st.onnx, weightName);
    // Model input k is read by ONNX row inv[k].
    const order = orderOf(a);
    const rowOf = new Int32Array(n);
    order.forEach((k, r) => (rowOf[k] = r));
    const wt = w;
    const bw = bipolarWeights(node, (j, k) => wt.data[rowOf[k]! * m + j]!, m, n, weightName, ann, a.kind === 'ints', file);
    const scales = bw.scales;
    const li = layers.length;
    const permuted = order.some((k, r) => k !== r);
    layers.push({
      kind: 'dense',
      name: layerName(node, `fc${li}`, layers),
      node: node.name,
      inputs: n,
      outputs: m,
      weights: bw.rows,
      weightNote: `weights ${weightName}${ann ? ` (${ann})` : ''}${node.opType === 'Gemm' && attrInt(node, 'transB', 0, file) ? ' transposed' : ''}${permuted ? ', rows permuted to the channels-last order' : ''}${scales ? ', per-neuron scales' : ''}, bit 1 = +1`,
      input: a.kind === 'ints' ? integerInput(node, a.levels, n, bw, false, a.producer < 0, file) : { kind: 'bits' },
      outShape: [m],
    });
    if (a.producer < 0 && !st.modelInput) st.modelInput = { shape: st.inShape.slice(1).length ? st.inShape.slice(1) : [1] };
    // The graph's sum over ±s_j weights is s_j times the ±1 sum (exact in double), then the node's own rounding.
    const step: Step = scales ? { f: (v, j) => affine(scales[j]! * v, j), key: (j) => `${scales[j]}:${affineKey(j)}` } : { f: (v, j) => affine(v, j), key: affineKey };
    return [{ kind: 'acc', shape: a.shape.length === 1 ? [m] : [1, m], dtype, layer: li, steps: [step], nodes: [node.name] }];
  },
};

function transpose(t: Tensor): Tensor {
  const [r, c] = t.shape as [number, number];
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j]!;
  return { dtype: t.dtype, shape: [c, r], data };
}
