import { binary, unsupported, type BinaryOp } from '../ops.js';
import { describe, type Step } from '../symbols.js';
import { broadcastIndex, broadcastShapes, sizeOf } from '../tensor.js';
import type { OpHandler } from './state.js';

/** Add, Sub, Mul, Div by a constant: one more step on the raw input's or an accumulator's chain. */
export const arithmetic: OpHandler = {
  apply(node, ins, { file }) {
    const [a] = ins;
    const symSide = a && a.kind !== 'const' ? 0 : 1;
    const s = ins[symSide]!;
    const c = ins[1 - symSide];
    if (!c || c.kind !== 'const') unsupported(node, 'both operands are computed tensors; only operations with a constant can be folded', file);
    if (s.kind === 'bits')
      unsupported(node, 'arithmetic on binary (±1) activations between layers cannot be folded into XNOR-popcount', file);
    if (s.kind === 'fixed')
      unsupported(node, 'arithmetic between the input Quant and the first MatMul/Gemm is not supported (the first layer must see (q − zeropt)·scale directly)', file);
    if (s.kind !== 'raw' && s.kind !== 'acc') unsupported(node, `cannot follow ${describe(s)}`, file);
    if (node.opType === 'Div' && symSide === 1) unsupported(node, 'division by a computed tensor is not affine', file);
    const out = broadcastShapes(s.shape, c.t.shape);
    if (!out || sizeOf(out) !== sizeOf(s.shape))
      unsupported(node, `the constant of shape [${c.t.shape}] would broadcast the tensor of shape [${s.shape}] to a larger one`, file);
    const op = node.opType as BinaryOp;
    const ct = c.t;
    const dtype = s.dtype;
    const step: Step =
      symSide === 0
        ? (v, i) => binary(op, dtype, v, ct.data[broadcastIndex(out, ct.shape, i)]!)
        : (v, i) => binary(op, dtype, ct.data[broadcastIndex(out, ct.shape, i)]!, v);
    return [{ ...s, shape: out, steps: [...s.steps, step], nodes: [...s.nodes, node.name] }];
  },
};
