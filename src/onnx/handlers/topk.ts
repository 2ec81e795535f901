import { attrInt, unsupported } from '../ops.js';
import { finalScores } from '../fold-chain.js';
import { describe } from '../symbols.js';
import type { OpHandler } from './state.js';

/** TopK with k = 1 over the class axis: the argmax of the last layer's scores or bits. */
export const topK: OpHandler = {
  apply(node, ins, st) {
    const { file, layers } = st;
    const x = ins[0]!;
    const k = ins[1];
    if (!k || k.kind !== 'const' || k.t.data[0] !== 1) unsupported(node, 'only k = 1 (the predicted class) is supported', file);
    const rank = x.kind === 'acc' || x.kind === 'bits' ? x.shape.length : 0;
    const axis = attrInt(node, 'axis', -1, file);
    if (axis !== -1 && axis !== rank - 1) unsupported(node, 'TopK must run over the class axis (the last one)', file);
    if (attrInt(node, 'largest', 1, file) !== 1) unsupported(node, 'attribute largest = 0 (argmin) is not supported (supported: 1)', file);
    if (x.kind === 'acc') {
      const l = layers[x.layer]!;
      if (l.kind !== 'maxpool2d' && l.input.kind === 'ints' && x.layer === 0)
        unsupported(node, 'a fixed-point first layer must have a sign activation (a one-layer network is not supported)', file);
      if (l.kind === 'maxpool2d') unsupported(node, 'TopK over a pool', file);
      st.finalLayer = x.layer;
      st.folded.push(finalScores(node, x, l, file) + `; ${node.name} (k = 1) is the argmax, lowest index winning ties in both`);
    } else if (x.kind === 'bits' && x.producer >= 0) {
      const l = layers[x.producer]!;
      if (l.kind !== 'dense' || (x.shape.length !== 1 && !(x.shape.length === 2 && x.shape[0] === 1)))
        unsupported(node, `TopK over the ±1 outputs of ${l.name} (${l.kind}): only a dense last layer's [1, M] outputs are classes`, file);
      st.finalLayer = x.producer;
      l.consumedBy = node.name;
      st.folded.push(`${node.name} (k = 1) over the ±1 outputs of layer ${l.name} is the argmax of its bits (lowest index wins ties)`);
    } else if (x.kind === 'ints' && x.producer >= 0)
      unsupported(node, `a multi-bit activation on the last layer ${layers[x.producer]!.name} (model format v1: the last layer outputs scores or ±1 bits)`, file);
    else unsupported(node, `cannot follow ${describe(x)}`, file);
    return [{ kind: 'topk-values' }, { kind: 'index', layer: st.finalLayer }];
  },
};
