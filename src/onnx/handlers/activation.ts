import { elementRange } from '../../model/elements.js';
import type { Activation } from '../../model/types.js';
import { foldActivation, foldInputEncoding } from '../fold-chain.js';
import { attrFloat, attrInt, attrString, dequant, invalid, isCustomDomain, multiThresholdChannelAxis, quantInt, quantRange, roundingModeOf, unsupported } from '../ops.js';
import type { OnnxNode } from '../read-onnx.js';
import { describe, inverseOrder, type AccSym, type Levels, type Quantizer, type Sym } from '../symbols.js';
import { sizeOf } from '../tensor.js';
import type { ImportState, OpHandler } from './state.js';

/** Activations the hardware carries: 2..4-bit elements (model format, multi-bit activations). */
export const ACT_BITS = { min: 2, max: 4 } as const;

/**
 * A thresholding node: MultiThreshold (FINN/QONNX), BipolarQuant, or Quant/IntQuant on a layer's
 * accumulator chain. On the raw input's chain a sign folds into the input encoding; on a layer's
 * chain every level folds into integer thresholds of that layer (fold-chain.ts).
 */
export const activation: OpHandler = {
  check(node, ins, { file }) {
    if (node.opType !== 'BipolarQuant' || !isCustomDomain(node.domain)) return;
    // On constants (weights) any scale folds; on activations the ±scale values would have to be folded into the next layer.
    if (!ins[0] || ins[0].kind === 'const') return;
    const s = ins[1];
    if (!s || s.kind !== 'const' || !s.t.data.every((x) => x === 1))
      unsupported(node, 'BipolarQuant with a scale other than the constant 1 is not supported on activations (its scale would have to be folded into the next layer)', file);
  },
  apply(node, ins, st) {
    const { file } = st;
    if (!isCustomDomain(node.domain)) unsupported(node, 'operator not supported (expected domain finn.custom_op.general or qonnx.custom_op.general)', file);
    const s = ins[0]!;
    if (s.kind === 'ints' && s.producer < 0)
      unsupported(node, 'a sign of the quantized input is not supported: a Quant-ed input must feed the first MatMul/Gemm/Conv (fixed-point first layer)', file);
    if (s.kind !== 'raw' && s.kind !== 'acc') unsupported(node, `a threshold cannot follow ${describe(s)}`, file);
    const act = quantizerOf(node, s, ins, file);
    if (s.kind === 'raw') return [inputSign(node, s, act, st)];
    return [layerActivation(node, s, act, st)];
  },
};

/** A thresholding node as levels: a sign (bits) or multi-bit elements with their graph values. */
export type Thresholding =
  | { kind: 'sign'; q: Quantizer; what: string }
  | { kind: 'levels'; q: Quantizer; levels: Levels; bits: number; what: string };

function quantizerOf(node: OnnxNode, s: Extract<Sym, { kind: 'raw' | 'acc' }>, ins: (Sym | undefined)[], file?: string): Thresholding {
  switch (node.opType) {
    case 'BipolarQuant':
      return { kind: 'sign', q: { count: 1, code: (v) => (v >= 0 ? 1 : 0), key: () => 0 }, what: 'sign (x >= 0)' };
    case 'MultiThreshold':
      return multiThresholdOf(node, s, ins[1], file);
    default:
      return quantOf(node, ins, file);
  }
}

/**
 * MultiThreshold (qonnx.custom_op.general.multithreshold): out = out_scale·#{k : x >= t_k} +
 * out_bias, thresholds [C or 1, T] per channel (the channel axis by data_layout and rank, see
 * multiThresholdChannelAxis). One threshold with outputs {−1, +1} is a sign; otherwise element
 * u = code + out_bias/out_scale (an integer, else rejected) stands for the value out_scale·u.
 * The count does not depend on the order of a row, so rows are sorted first.
 */
function multiThresholdOf(node: OnnxNode, s: Extract<Sym, { kind: 'raw' | 'acc' }>, thr: Sym | undefined, file?: string): Thresholding {
  if (!thr || thr.kind !== 'const') unsupported(node, 'thresholds must be a constant', file);
  const th = thr.t;
  if (th.shape.length !== 2) invalid(node, 'thresholds must be 2-D [channels or 1, steps]', file, '2-D', `[${th.shape}]`);
  const [tc, steps] = th.shape as [number, number];
  const axis = multiThresholdChannelAxis(node, s.shape.length, file);
  const c = s.shape[axis] ?? 1;
  if (tc !== 1 && tc !== c) invalid(node, `thresholds for ${tc} channels, input has ${c}`, file);
  if (steps < 1) invalid(node, 'no thresholds', file);
  const inner = sizeOf(s.shape.slice(axis + 1));
  const inv = inverseOrder(s);
  const rows = Array.from({ length: tc }, (_, r) => Array.from(th.data.subarray(r * steps, (r + 1) * steps)).sort((a, b) => a - b));
  const rowOf = (src: number) => (tc === 1 ? 0 : Math.floor(inv(src) / inner) % c);
  const count = (v: number, src: number) => {
    let n = 0;
    for (const t of rows[rowOf(src)]!) if (v >= t) n++;
    return n;
  };
  const outScale = attrFloat(node, 'out_scale', 1, file);
  const outBias = attrFloat(node, 'out_bias', 0, file);
  const valueOfCount = (k: number) => Math.fround(k * outScale + outBias);
  const lo = valueOfCount(0);
  const hi = valueOfCount(1);
  const dtype = attrString(node, 'out_dtype', '', file);
  if (steps === 1 && ((lo === -1 && hi === 1) || (lo === 1 && hi === -1))) {
    const firesIsPlus = hi === 1;
    return { kind: 'sign', q: { count: 1, code: (v, src) => ((count(v, src) === 1) === firesIsPlus ? 1 : 0), key: rowOf }, what: `MultiThreshold ${firesIsPlus ? '' : 'inverted '}sign` };
  }
  if (s.kind === 'raw')
    unsupported(
      node,
      `${steps} thresholds per channel with outputs {${Array.from({ length: Math.min(steps + 1, 4) }, (_, k) => valueOfCount(k)).join(', ')}${steps > 2 ? ', …' : ''}} (out_scale ${outScale}, out_bias ${outBias}${dtype ? `, out_dtype ${dtype}` : ''}) on the raw input: not bipolar {-1, +1}; a multi-bit input encoding is not in model format v1 (quantize the input with Quant instead)`,
      file,
    );
  if (outScale === 0) unsupported(node, 'out_scale 0 makes a constant output', file);
  const step = Math.abs(outScale);
  // The lowest output value and the element it stands for: u_min = lowest / |out_scale|.
  const lowest = outScale > 0 ? outBias : steps * outScale + outBias;
  const uMin = lowest / step;
  if (!Number.isInteger(uMin))
    unsupported(
      node,
      `out_bias/out_scale = ${outBias}/${outScale} is not an integer${outScale < 0 ? ` (lowest output ${lowest} over |out_scale|)` : ''}: the levels out_scale·count + out_bias are not out_scale·u for integer elements u (supported: out_bias a whole multiple of out_scale)`,
      file,
    );
  const bits = elementBits(node, uMin, uMin + steps, dtype, file);
  const code = outScale > 0 ? count : (v: number, src: number) => steps - count(v, src);
  const levels = checkedLevels(node, { min: uMin, max: uMin + steps, value: (u) => valueOfCount(outScale > 0 ? u - uMin : steps - (u - uMin)), scale: step, zeroPoint: 0 }, file);
  return { kind: 'levels', q: { count: steps, code, key: rowOf }, levels, bits, what: `MultiThreshold (${steps} thresholds, out_scale ${outScale}, out_bias ${outBias})` };
}

/**
 * Quant/IntQuant on a layer's accumulator (QONNX: q = clamp(round(x/scale + zeropt), min_int,
 * max_int) with rounding_mode — ROUND is half to even —, y = (q − zeropt)·scale): element
 * u = q − zeropt, value scale·u; per-tensor (scalar) scale and zero point, 2..4 bits.
 */
function quantOf(node: OnnxNode, ins: (Sym | undefined)[], file?: string): Thresholding {
  const scalar = (i: number, what: string): number => {
    const p = ins[i];
    if (!p || p.kind !== 'const') unsupported(node, `the ${what} must be a constant`, file);
    if (p.t.data.length !== 1)
      unsupported(node, `a non-scalar ${what} (shape [${p.t.shape}]) on activations is not supported: the next layer's sum s = Σ ±u needs one ${what} for all its inputs`, file);
    return p.t.data[0]!;
  };
  const scale = scalar(1, 'scale');
  const z = scalar(2, 'zero point');
  const bw = scalar(3, 'bit width');
  if (!Number.isInteger(bw) || bw < 1) invalid(node, `bit width ${bw} is not a positive integer`, file);
  if (bw > ACT_BITS.max)
    unsupported(
      node,
      `${bw}-bit quantization of a layer's accumulator is not supported: activations between layers are ${ACT_BITS.min}..${ACT_BITS.max} bits (the hardware's multi-bit elements); wider Quant is supported only as the first layer's input quantization`,
      file,
    );
  if (!(scale > 0) || !Number.isFinite(scale) || Math.fround(scale) !== scale || scale < 2 ** -100 || scale > 2 ** 100)
    unsupported(node, `scale ${scale}: only a positive (normal, float32) scale is supported`, file);
  if (!Number.isInteger(z) || Math.abs(z) > 2 ** 20) unsupported(node, `zero point ${z}: only an integer zero point is supported`, file);
  const signed = attrInt(node, 'signed', 1, file) !== 0;
  const narrow = attrInt(node, 'narrow', 0, file) !== 0;
  const mode = roundingModeOf(node, file);
  const { min, max } = quantRange(signed, narrow, bw);
  const bits = elementBits(node, min - z, max - z, `${signed ? '' : 'U'}INT${bw}`, file);
  const levels = checkedLevels(node, { min: min - z, max: max - z, value: (u) => dequant(u + z, scale, z), scale, zeroPoint: 0 }, file);
  return {
    kind: 'levels',
    q: { count: max - min, code: (v) => quantInt(v, scale, z, min, max, mode) - min, key: () => 0 },
    levels,
    bits,
    what: `Quant (${bw}-bit ${signed ? 'signed' : 'unsigned'}${narrow ? ' narrow' : ''}, scale ${scale}, zeropt ${z}, ${mode})`,
  };
}

/**
 * The element width: the one named by out_dtype / the Quant's bit width when the elements fit it
 * (two's complement iff the lowest is negative), else the narrowest that fits; 2..4 bits.
 */
function elementBits(node: OnnxNode, uMin: number, uMax: number, dtype: string, file?: string): number {
  const fits = (b: number) => {
    const r = elementRange(b, uMin < 0);
    return uMin >= r.min && uMax <= r.max;
  };
  const named = /^U?INT(\d+)$/.exec(dtype);
  if (named && Number(named[1]) >= ACT_BITS.min && Number(named[1]) <= ACT_BITS.max && fits(Number(named[1]))) return Number(named[1]);
  for (let b = ACT_BITS.min; b <= ACT_BITS.max; b++) if (fits(b)) return b;
  unsupported(
    node,
    `elements ${uMin}..${uMax} (${uMax - uMin + 1} levels) do not fit ${ACT_BITS.min}..${ACT_BITS.max}-bit ${uMin < 0 ? 'signed' : 'unsigned'} integers (supported: multi-bit activations of ${ACT_BITS.min}..${ACT_BITS.max} bits, at most ${2 ** ACT_BITS.max - 1} thresholds)`,
    file,
  );
}

function checkedLevels(node: OnnxNode, l: Levels, file?: string): Levels {
  for (let u = l.min + 1; u <= l.max; u++)
    if (!(l.value(u) > l.value(u - 1))) unsupported(node, `levels ${u - 1} and ${u} have the graph values ${l.value(u - 1)} and ${l.value(u)}: not strictly increasing in float32`, file);
  return l;
}

export function levelsView(l: Levels): { min: number; values: number[] } {
  return { min: l.min, values: Array.from({ length: l.max - l.min + 1 }, (_, k) => l.value(l.min + k)) };
}

function inputSign(node: OnnxNode, s: Extract<Sym, { kind: 'raw' }>, act: Thresholding, st: ImportState): Sym {
  const { file } = st;
  if (st.encodingThreshold !== undefined || st.inputQuant) unsupported(node, 'a second threshold on the raw input (only one input encoding is supported)', file);
  const { rawBits, rawNote } = st.rawInput();
  const n = sizeOf(s.shape);
  const t = foldInputEncoding(node, s.steps, act.q, n, rawBits, file);
  st.encodingThreshold = t;
  st.inputBits = node.outputs[0]!;
  st.folded.push(
    `input ${st.inputName} [${st.inShape.join(',')}] ${rawNote}: ${[...s.nodes, node.name].join(' → ')} fold to input.encoding raw >= ${t} (one threshold shared by all ${n} elements)`,
  );
  return { kind: 'bits', shape: s.shape, ...(s.order ? { order: s.order } : {}), producer: -1, nodes: [] };
}

function layerActivation(node: OnnxNode, s: AccSym, act: Thresholding, st: ImportState): Sym {
  const { file } = st;
  const layer = st.layers[s.layer]!;
  if (layer.kind === 'maxpool2d') throw new Error('internal: an accumulator of a pool');
  if (layer.activation) unsupported(node, `layer ${layer.name} already has an activation`, file);
  if (sizeOf(s.shape) !== layer.outputs * (layer.outShape.length === 3 ? layer.outShape[0]! * layer.outShape[1]! : 1)) invalid(node, 'the activation does not cover the layer\'s outputs', file);
  const f = foldActivation(node, layer, s.steps, act.q, file);
  let a: Activation;
  if (act.kind === 'sign') a = { kind: 'threshold', thresholds: f.values.map((v) => v[0]!), direction: f.direction };
  else {
    a = { kind: 'multithreshold', bits: act.bits, outBias: act.levels.min, outScale: act.levels.scale, thresholds: f.values, direction: f.direction };
    layer.outLevels = act.levels;
  }
  layer.activation = a;
  st.layerOutputs.push(node.outputs[0]!);
  st.layerViews.push({ tensor: node.outputs[0]!, ...(s.order ? { order: s.order } : {}), ...(act.kind === 'levels' ? { levels: levelsView(act.levels) } : {}) });
  const acc = layer.input.kind === 'ints' ? (layer.input.fromInput ? 'signed sum s = Σ q·w' : 'signed sum s = Σ ±u') : 'popcount';
  st.folded.push(
    `layer ${layer.name} (${layer.kind === 'conv2d' ? `conv ${layer.conv!.inShape.join('x')}→${layer.outShape.join('x')}, ` : ''}${layer.inputs}→${layer.outputs}, ${layer.weightNote}): ${[...s.nodes.slice(1), node.name].join(' → ')} (${act.what}) fold to ` +
      (act.kind === 'sign'
        ? `${layer.outputs} integer thresholds on the ${acc}`
        : `${act.q.count} thresholds per neuron on the ${acc}, ${act.bits}-bit elements u = ${act.levels.min}..${act.levels.max} (value ${act.levels.scale}·u)`) +
      ` (${f.counts.ge} ge, ${f.counts.le} le, ${f.counts.constant} constant)`,
  );
  const base = { shape: s.shape, ...(s.order ? { order: s.order } : {}), producer: s.layer, nodes: [] as string[] };
  return act.kind === 'sign' ? { kind: 'bits', ...base } : { kind: 'ints', ...base, levels: act.levels };
}
