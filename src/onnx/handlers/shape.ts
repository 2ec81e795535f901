import { axesOf, flattenShape, reshapeShape, squeezeShape, unsqueezeShape, unsupported } from '../ops.js';
import { describe } from '../symbols.js';
import type { OpHandler } from './state.js';

export const identity: OpHandler = {
  apply: (_node, ins) => [ins[0]!],
};

/** Reshape, Flatten, Squeeze, Unsqueeze: C-order reshapes never move elements, only the shape changes. */
export const reshape: OpHandler = {
  apply(node, ins, { file }) {
    const s = ins[0]!;
    if (s.kind !== 'raw' && s.kind !== 'acc' && s.kind !== 'bits' && s.kind !== 'fixed') unsupported(node, `cannot follow ${describe(s)}`, file);
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
