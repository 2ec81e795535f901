import { binary, unsupported, type BinaryOp } from '../ops.js';
import { describe, inverseOrder, type Step } from '../symbols.js';
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
    if (s.kind === 'ints' && s.producer < 0)
      unsupported(node, 'arithmetic between the input Quant and the first MatMul/Gemm/Conv is not supported (the first layer must see (q − zeropt)·scale directly)', file);
    if (s.kind === 'ints') unsupported(node, 'arithmetic on multi-bit activations between layers is not supported (the next layer must see the levels directly)', file);
    if (s.kind !== 'raw' && s.kind !== 'acc') unsupported(node, `cannot follow ${describe(s)}`, file);
    if (node.opType === 'Div' && symSide === 1) unsupported(node, 'division by a computed tensor is not affine', file);
    const out = broadcastShapes(s.shape, c.t.shape);
    if (!out || sizeOf(out) !== sizeOf(s.shape))
      unsupported(node, `the constant of shape [${c.t.shape}] would broadcast the tensor of shape [${s.shape}] to a larger one`, file);
    const op = node.opType as BinaryOp;
    const ct = c.t;
    const dtype = s.dtype;
    const inv = inverseOrder(s);
    const at = (src: number) => ct.data[broadcastIndex(out, ct.shape, inv(src))]!;
    const step: Step =
      symSide === 0
        ? { f: (v, src) => binary(op, dtype, v, at(src)), key: at }
        : { f: (v, src) => binary(op, dtype, at(src), v), key: at };
    return [{ ...s, shape: out, steps: [...s.steps, step], nodes: [...s.nodes, node.name] }];
  },
};

/** Relu: max(x, 0), monotone, one more step of a chain (Brevitas exports QuantReLU as Relu → Quant). */
export const relu: OpHandler = {
  apply(node, ins, { file }) {
    const s = ins[0]!;
    if (s.kind !== 'raw' && s.kind !== 'acc') unsupported(node, `Relu is supported on the raw input's or a layer's accumulator chain, not on ${describe(s)}`, file);
    const step: Step = { f: (v) => (v > 0 ? v : 0), key: () => 0 };
    return [{ ...s, steps: [...s.steps, step], nodes: [...s.nodes, node.name] }];
  },
};
