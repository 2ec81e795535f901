import { BnnError } from '../../errors.js';
import type { InputQuant } from '../import-types.js';
import { attrInt, dequant, invalid, isCustomDomain, quantInt, quantRange, roundingModeOf, unsupported } from '../ops.js';
import type { OnnxNode } from '../read-onnx.js';
import { describe, type Sym } from '../symbols.js';
import { activation } from './activation.js';
import type { OpHandler } from './state.js';

/** The model's raw (fixed-point) input for the Quant's input values x: q = clip(round(x/scale + zeropt)). */
export function quantizeInput(q: InputQuant, x: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: x.length }, (_, i) => quantInt(x[i]!, q.scale, q.zeroPoint, q.min, q.max, q.roundingMode));
}

/**
 * Quant/IntQuant (QONNX domains): on the raw input, the fixed-point input of the first layer
 * (2..16 bits); on a layer's accumulator chain, a multi-bit activation (2..4 bits, folded by
 * activation.ts). The QONNX spec says they do not express binary/bipolar quantization
 * (BipolarQuant does).
 */
export const quant: OpHandler = {
  check(node, ins, { file }) {
    if (!isCustomDomain(node.domain)) return;
    const bw = ins[3]?.kind === 'const' ? ins[3].t.data[0] : undefined;
    if (bw === 1)
      unsupported(node, 'bit width 1: per the QONNX operator definition, Quant/IntQuant does not represent binary or bipolar quantization (its 1-bit range is {-1, 0} signed or {0, 1} unsigned); bipolar values must use BipolarQuant', file);
    if (ins[0] && ins[0].kind !== 'const' && ins[0].kind !== 'raw' && ins[0].kind !== 'acc')
      unsupported(node, `${bw ?? 'non-constant'}-bit quantization of ${describe(ins[0])} is not supported (only the graph input, as the first layer's fixed-point input, or a layer's accumulator chain, as a multi-bit activation, may be quantized)`, file);
  },
  apply(node, ins, st) {
    const { file, opts } = st;
    const s = ins[0]!;
    if (s.kind === 'acc') return activation.apply(node, ins, st);
    if (s.kind !== 'raw') unsupported(node, `cannot follow ${describe(s)}`, file);
    if (st.inputQuant || st.encodingThreshold !== undefined) unsupported(node, 'a second quantization of the raw input (only one input encoding is supported)', file);
    const q = inputQuantOf(node, ins, file);
    st.inputQuant = q;
    if (opts.rawBits !== undefined && opts.rawBits !== q.bitWidth)
      throw new BnnError({ code: 'IMPORT_INVALID', message: `node ${node.name} quantizes the input to ${q.bitWidth} bits, not ${opts.rawBits} (--raw-bits)`, file, field: `node ${node.name}` });
    const identity = q.scale === 1 && q.zeroPoint === 0;
    st.folded.push(
      `input ${st.inputName} [${st.inShape.join(',')}]: ${[...s.nodes, node.name].join(' → ')} fold to input.encoding fixed (${q.signed ? 'signed' : 'unsigned'}, rawBits ${q.bitWidth}): ` +
        `the raw input is q = clip(${q.roundingMode.toLowerCase()}(x/${q.scale} + ${q.zeroPoint}), ${q.min}, ${q.max})` +
        (s.nodes.length ? ` of the Quant's input x (after ${s.nodes.join(' → ')})` : '') +
        (identity && s.nodes.length === 0 ? ' (= x for integer x in range)' : '') +
        `; the graph's first layer sees (q − ${q.zeroPoint})·${q.scale}`,
    );
    const levels = { min: q.min, max: q.max, value: (v: number) => dequant(v, q.scale, q.zeroPoint), scale: q.scale, zeroPoint: q.zeroPoint };
    return [{ kind: 'ints', shape: s.shape, ...(s.order ? { order: s.order } : {}), producer: -1, levels, nodes: [] }];
  },
};

/** The input Quant/IntQuant of a fixed-point first layer: scalar constant scale/zeropt/bitwidth. */
function inputQuantOf(node: OnnxNode, ins: (Sym | undefined)[], file?: string): InputQuant {
  const scalar = (i: number, what: string): number => {
    const p = ins[i];
    if (!p || p.kind !== 'const') unsupported(node, `the ${what} must be a constant`, file);
    if (p.t.data.length !== 1)
      unsupported(
        node,
        `a non-scalar ${what} (shape [${p.t.shape}]) is not supported on the input: one integer threshold per neuron on s = Σ q·w needs one ${what} shared by all input elements`,
        file,
      );
    return p.t.data[0]!;
  };
  const scale = scalar(1, 'scale');
  const zeroPoint = scalar(2, 'zero point');
  const bitWidth = scalar(3, 'bit width');
  if (!Number.isInteger(bitWidth) || bitWidth < 1) invalid(node, `bit width ${bitWidth} is not a positive integer`, file);
  if (bitWidth > 16) unsupported(node, `bit width ${bitWidth}: raw inputs are at most 16 bits wide`, file);
  if (!(scale > 0) || !Number.isFinite(scale) || Math.fround(scale) !== scale || scale < 2 ** -100 || scale > 2 ** 100)
    unsupported(node, `scale ${scale}: only a positive (normal, float32) scale is supported`, file);
  if (!Number.isInteger(zeroPoint) || Math.abs(zeroPoint) > 2 ** 20)
    unsupported(node, `zero point ${zeroPoint}: only an integer zero point is supported (q − zeropt must be an integer)`, file);
  const signed = attrInt(node, 'signed', 1, file) !== 0;
  const narrow = attrInt(node, 'narrow', 0, file) !== 0;
  const roundingMode = roundingModeOf(node, file);
  const { min, max } = quantRange(signed, narrow, bitWidth);
  return { node: node.name, tensor: node.inputs[0]!, output: node.outputs[0] ?? '', scale, zeroPoint, bitWidth, signed, narrow, roundingMode, min, max };
}
