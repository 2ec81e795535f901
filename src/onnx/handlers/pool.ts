import { invalid, padSpec, poolAttrs, spatialOut, unsupported } from '../ops.js';
import { describe } from '../symbols.js';
import type { Tensor } from '../tensor.js';
import { convInput, nchwOrder } from './conv.js';
import { layerName } from './layer.js';
import { levelsView } from './activation.js';
import type { OpHandler } from './state.js';

/**
 * MaxPool (NCHW) on a layer's ±1 or multi-bit output: a maxpool2d layer. The model pools with
 * kernel = stride and drops trailing rows/columns, which is ONNX MaxPool with strides =
 * kernel_shape, no pads, ceil_mode 0 and dilations 1 (output floor((H − K)/K) + 1 = floor(H/K)).
 * The max of ±1 values is the OR of the bits; the max of strictly increasing levels is the level
 * of the largest element.
 */
export const maxPool: OpHandler = {
  apply(node, ins, st) {
    const { file, layers } = st;
    const a = ins[0];
    if (!a || (a.kind !== 'bits' && a.kind !== 'ints') || a.producer < 0)
      unsupported(node, `a max-pool must follow a layer's activation (a sign or a multi-bit activation); its input is ${a ? describe(a) : 'missing'}`, file);
    const at = poolAttrs(node, file);
    const [k, k2] = at.kernel;
    if (k !== k2) unsupported(node, `attribute kernel_shape = [${at.kernel}] is not supported (supported: square kernels)`, file);
    if (at.strides[0] !== k || at.strides[1] !== k) unsupported(node, `attribute strides = [${at.strides}] is not supported (supported: strides = kernel_shape = [${k}, ${k}])`, file);
    if (at.pads.some((p) => p !== 0)) unsupported(node, `attribute pads = [${at.pads}] is not supported (supported: no padding)`, file);
    if (at.ceilMode !== 0) unsupported(node, `attribute ceil_mode = ${at.ceilMode} is not supported (supported: 0)`, file);
    if (at.dilations.some((d) => d !== 1)) unsupported(node, `attribute dilations = [${at.dilations}] is not supported (supported: [1, 1])`, file);
    if (node.outputs.filter((o) => o !== '').length > 1) unsupported(node, 'the Indices output is not supported', file);
    const prev = layers[a.producer]!;
    if (a.producer !== layers.length - 1 || prev.consumedBy) unsupported(node, 'only a plain chain of layers is supported (this input is not the previous layer\'s output, or is used twice)', file);
    const { c, h, wd } = convInput(node, a, st);
    if (h < k || wd < k) invalid(node, `the ${k}×${k} window does not fit the input [${a.shape}]`, file);
    prev.consumedBy = node.name;
    const oh = spatialOut(h, k, k, 0, 0);
    const ow = spatialOut(wd, k, k, 0, 0);
    const li = layers.length;
    const name = layerName(node, `pool${li}`, layers);
    layers.push({ kind: 'maxpool2d', name, node: node.name, kernel: k, inShape: [h, wd, c], outShape: [oh, ow, c] });
    const order = nchwOrder(c, oh, ow);
    st.layerOutputs.push(node.outputs[0]!);
    st.layerViews.push({ tensor: node.outputs[0]!, order, ...(a.kind === 'ints' ? { levels: levelsView(a.levels) } : {}) });
    st.folded.push(`${node.name} (MaxPool ${k}×${k}, stride ${k}) → layer ${name} (maxpool2d over [${h}, ${wd}, ${c}] → [${oh}, ${ow}, ${c}], ${a.kind === 'bits' ? 'an OR of the bits' : 'the max of the elements'})`);
    const shape = [1, c, oh, ow];
    return [a.kind === 'bits' ? { kind: 'bits', shape, order, producer: li, nodes: [] } : { kind: 'ints', shape, order, producer: li, levels: a.levels, nodes: [] }];
  },
};

/**
 * Pad (constant mode) of ±1 or integer elements over the two spatial axes of [1, C, H, W] only,
 * the same on all four sides: the padding of the Conv that must read it. On ±1 elements the
 * constant must be −1 or +1 (the model's padValue); on integer elements 0 (the element 0).
 */
export const padNode: OpHandler = {
  apply(node, ins, st) {
    const { file } = st;
    const a = ins[0];
    if (!a || (a.kind !== 'bits' && a.kind !== 'ints')) unsupported(node, `only ±1 or multi-bit activations (or the quantized input) may be padded, before a Conv; its input is ${a ? describe(a) : 'missing'}`, file);
    for (const i of [1, 2, 3]) if (ins[i] && ins[i]!.kind !== 'const') unsupported(node, `input ${i} must be a constant`, file);
    const c = (i: number): Tensor | undefined => { const s = ins[i]; return s?.kind === 'const' ? s.t : undefined; };
    const spec = padSpec(node, a.shape.length, c(1), c(2), c(3), file);
    if (a.shape.length !== 4) unsupported(node, `input must be [1, C, H, W], got [${a.shape}]`, file);
    const all = [...spec.begin, ...spec.end];
    const p = spec.begin[2]!;
    if (spec.begin[0] || spec.begin[1] || spec.end[0] || spec.end[1] || [spec.begin[3], spec.end[2], spec.end[3]].some((v) => v !== p))
      unsupported(node, `pads [${all}] are not supported (supported: the same padding on both spatial axes and both sides, none on N and C)`, file);
    if (p === 0) return [a];
    if (a.kind === 'bits' && spec.value !== 1 && spec.value !== -1)
      unsupported(node, `constant_value ${spec.value} on ±1 activations is not supported (supported: −1 or +1)`, file);
    if (a.kind === 'ints' && (spec.value !== 0 || a.levels.zeroPoint !== 0))
      unsupported(node, `constant_value ${spec.value} on integer elements${a.levels.zeroPoint ? ` with zero point ${a.levels.zeroPoint}` : ''} is not supported (supported: 0, the element 0)`, file);
    return [{ kind: 'padded', inner: a, pad: p, value: spec.value, node: node.name, shape: a.shape.map((d, i) => d + spec.begin[i]! + spec.end[i]!) }];
  },
};
