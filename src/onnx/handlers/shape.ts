import { axesOf, flattenShape, reshapeShape, squeezeShape, transposePerm, transposeShape, transposeSource, unsqueezeShape, unsupported } from '../ops.js';
import { describe, orderOf } from '../symbols.js';
import type { OpHandler } from './state.js';

export const identity: OpHandler = {
  apply: (_node, ins) => [ins[0]!],
};

/**
 * Reshape, Flatten, Squeeze, Unsqueeze: C-order reshapes never move elements, only the shape
 * changes (ONNX Flatten(axis) is [d_0·…·d_(axis−1), d_axis·…·d_n] in the same order).
 */
export const reshape: OpHandler = {
  apply(node, ins, { file }) {
    const s = ins[0]!;
    if (s.kind !== 'raw' && s.kind !== 'acc' && s.kind !== 'bits' && s.kind !== 'ints') unsupported(node, `cannot follow ${describe(s)}`, file);
    const second = ins[1];
    if (second && second.kind !== 'const') unsupported(node, 'the shape/axes input must be a constant', file);
    const t2 = second?.kind === 'const' ? second.t : undefined;
    let shape: number[];
    if (node.opType === 'Reshape') shape = reshapeShape(node, s.shape, t2, file);
    else if (node.opType === 'Flatten') shape = flattenShape(node, s.shape, file);
    else if (node.opType === 'Squeeze') shape = squeezeShape(node, s.shape, axesOf(node, t2, file), file);
    else shape = unsqueezeShape(node, s.shape, axesOf(node, t2, file), file);
    // The flat index of every element is unchanged.
    return [{ ...s, shape, nodes: [...s.nodes, node.name] }];
  },
};

/**
 * Transpose(perm): output element i is input element transposeSource[i], so the stored index of
 * output element i is the input's order at that element. A NCHW → NHWC transpose of a
 * convolution's output is the model's channels-last order (order = identity).
 */
export const transpose: OpHandler = {
  apply(node, ins, { file }) {
    const s = ins[0]!;
    if (s.kind !== 'raw' && s.kind !== 'acc' && s.kind !== 'bits' && s.kind !== 'ints') unsupported(node, `cannot follow ${describe(s)}`, file);
    const perm = transposePerm(node, s.shape.length, file);
    const from = transposeSource(s.shape, perm);
    const inOrder = orderOf(s);
    const order = Int32Array.from(from, (i) => inOrder[i]!);
    const identityOrder = order.every((v, i) => v === i);
    const { order: _old, ...rest } = s;
    return [{ ...rest, shape: transposeShape(s.shape, perm), ...(identityOrder ? {} : { order }), nodes: [...s.nodes, node.name] }];
  },
};
