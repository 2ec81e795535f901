import { attrFloat, attrString, invalid, isCustomDomain, multiThresholdChannelAxis, unsupported } from '../ops.js';
import { foldFixedThresholds, foldInputEncoding, foldLayerThresholds } from '../fold-chain.js';
import type { OnnxNode } from '../read-onnx.js';
import { describe, type SignFn, type Sym } from '../symbols.js';
import { sizeOf } from '../tensor.js';
import type { OpHandler } from './state.js';

/**
 * MultiThreshold with one threshold and bipolar outputs, or BipolarQuant with scale 1: a sign.
 * On the raw input's chain it folds into the input encoding, on a layer's accumulator chain into
 * that layer's integer thresholds.
 */
export const signThreshold: OpHandler = {
  check(node, ins, { file }) {
    if (node.opType !== 'BipolarQuant' || !isCustomDomain(node.domain)) return;
    const s = ins[1];
    if (!s || s.kind !== 'const' || !s.t.data.every((x) => x === 1))
      unsupported(node, 'BipolarQuant with a scale other than the constant 1 is not supported (its scale would have to be folded into the next layer)', file);
  },
  apply(node, ins, st) {
    const { file } = st;
    if (!isCustomDomain(node.domain)) unsupported(node, 'operator not supported (expected domain finn.custom_op.general or qonnx.custom_op.general)', file);
    const s = ins[0]!;
    if (s.kind === 'fixed')
      unsupported(node, 'a sign of the quantized input is not supported: a Quant-ed input must feed the first MatMul/Gemm (fixed-point first layer)', file);
    if (s.kind !== 'raw' && s.kind !== 'acc') unsupported(node, `a sign threshold cannot follow ${describe(s)}`, file);
    const sign = node.opType === 'MultiThreshold' ? multiThresholdSign(node, s.shape, ins[1], file) : bipolarQuantSign();
    const nodes = [...(s.kind === 'acc' ? s.nodes.slice(1) : s.nodes), node.name];
    if (s.kind === 'raw') {
      if (st.encodingThreshold !== undefined) unsupported(node, 'a second threshold on the raw input (only one input encoding is supported)', file);
      const { rawBits, rawNote } = st.rawInput();
      const t = foldInputEncoding(node, s.steps, sign, sizeOf(s.shape), rawBits, file);
      st.encodingThreshold = t;
      st.inputBits = node.outputs[0]!;
      st.folded.push(
        `input ${st.inputName} [${st.inShape.join(',')}] ${rawNote}: ${nodes.join(' → ')} fold to input.encoding raw >= ${t} (one threshold shared by all ${sizeOf(s.shape)} elements)`,
      );
      return [{ kind: 'bits', shape: s.shape, producer: -1, consumed: false, nodes: [] }];
    }
    const layer = st.layers[s.layer]!;
    if (layer.activation) unsupported(node, `layer ${layer.name} already has an activation`, file);
    if (sizeOf(s.shape) !== layer.outputs) invalid(node, `expected ${layer.outputs} values`, file);
    const { thresholds, direction, counts } = layer.fixed
      ? foldFixedThresholds(node, s.steps, sign, layer.fixed, layer.outputs, file)
      : foldLayerThresholds(node, s.steps, sign, layer.inputs, layer.outputs, file);
    layer.activation = { kind: 'threshold', thresholds, direction };
    st.layerOutputs.push(node.outputs[0]!);
    st.folded.push(
      `layer ${layer.name} (${layer.inputs}→${layer.outputs}, ${layer.weightNote}): ${nodes.join(' → ')} fold to ${layer.outputs} integer thresholds on the ${layer.fixed ? 'signed sum s = Σ q·w' : 'popcount'} (${counts.ge} ge, ${counts.le} le, ${counts.constant} constant)`,
    );
    return [{ kind: 'bits', shape: s.shape, producer: s.layer, consumed: false, nodes: [] }];
  },
};

function multiThresholdSign(node: OnnxNode, shape: number[], thr: Sym | undefined, file?: string): SignFn {
  if (!thr || thr.kind !== 'const') unsupported(node, 'thresholds must be a constant', file);
  const th = thr.t;
  if (th.shape.length !== 2) invalid(node, 'thresholds must be 2-D [channels or 1, steps]', file, '2-D', `[${th.shape}]`);
  const [tc, steps] = th.shape as [number, number];
  if (steps !== 1)
    unsupported(node, `${steps} thresholds per channel make a multi-bit activation; only one (a sign) is supported`, file);
  const outScale = attrFloat(node, 'out_scale', 1, file);
  const outBias = attrFloat(node, 'out_bias', 0, file);
  const lo = Math.fround(outBias);
  const hi = Math.fround(outScale + outBias);
  let firesIsPlus: boolean;
  if (lo === -1 && hi === 1) firesIsPlus = true;
  else if (lo === 1 && hi === -1) firesIsPlus = false;
  else
    unsupported(node, `outputs {${lo}, ${hi}} (out_scale ${outScale}, out_bias ${outBias}, out_dtype ${attrString(node, 'out_dtype', '?', file)}) are not bipolar {-1, +1}`, file);
  const axis = multiThresholdChannelAxis(node, shape.length, file);
  const c = shape[axis] ?? 1;
  if (tc !== 1 && tc !== c) invalid(node, `thresholds for ${tc} channels, input has ${c}`, file);
  const inner = sizeOf(shape.slice(axis + 1));
  return (v, i) => {
    const ch = tc === 1 ? 0 : Math.floor(i / inner) % c;
    const fires = v >= th.data[ch]!;
    return fires === firesIsPlus ? 1 : 0;
  };
}

function bipolarQuantSign(): SignFn {
  return (v) => (v >= 0 ? 1 : 0);
}
