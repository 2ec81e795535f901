import { BnnError } from '../errors.js';
import type { AttrValue, OnnxNode } from './read-onnx.js';
import { DataType } from './schema.js';
import type { Tensor } from './tensor.js';

/**
 * ONNX operator semantics shared by the float interpreter (interpret.ts) and the importer's
 * streamlining (import.ts), so both evaluate the original graph the same way.
 *
 * Numeric convention: every node computes its result in IEEE double from its (float32-valued)
 * inputs and rounds the result once to the output element type (float32 for FLOAT tensors).
 * For a single Add/Sub/Mul/Div this is exactly IEEE float32 arithmetic; for BatchNormalization it
 * is the spec formula evaluated without intermediate float32 rounding. MatMul sums exact integer
 * products when the operands are ±1, so its float32 result is exact for any N < 2^24.
 */

export const FINN_DOMAINS = ['finn.custom_op.general', 'qonnx.custom_op.general'] as const;

export function isCustomDomain(domain: string): boolean {
  return (FINN_DOMAINS as readonly string[]).includes(domain);
}

export function roundTo(dtype: number, v: number): number {
  switch (dtype) {
    case DataType.FLOAT: return Math.fround(v);
    case DataType.DOUBLE: return v;
    default: return Math.trunc(v);
  }
}

export type BinaryOp = 'Add' | 'Sub' | 'Mul' | 'Div';

export function binary(op: BinaryOp, dtype: number, a: number, b: number): number {
  let v: number;
  switch (op) {
    case 'Add': v = a + b; break;
    case 'Sub': v = a - b; break;
    case 'Mul': v = a * b; break;
    case 'Div': v = a / b; break;
  }
  return roundTo(dtype, v);
}

/** ONNX BatchNormalization (inference): (x − mean) / sqrt(var + eps) · scale + B. */
export function batchNorm(dtype: number, x: number, scale: number, bias: number, mean: number, variance: number, eps: number): number {
  return roundTo(dtype, ((x - mean) / Math.sqrt(variance + eps)) * scale + bias);
}

/** FINN/QONNX MultiThreshold: the number of thresholds t with x >= t, times out_scale, plus out_bias. */
export function multiThreshold(x: number, thresholds: ArrayLike<number>, outScale: number, outBias: number): number {
  let count = 0;
  for (let k = 0; k < thresholds.length; k++) if (x >= thresholds[k]!) count++;
  return Math.fround(count * outScale + outBias);
}

/** QONNX BipolarQuant: (x >= 0 ? +1 : −1) · scale. */
export function bipolarQuant(x: number, scale: number): number {
  return Math.fround((x >= 0 ? 1 : -1) * scale);
}

/** QONNX Quant/IntQuant integer range: [min, max] for the signed/narrow attributes and bit width. */
export function quantRange(signed: boolean, narrow: boolean, bits: number): { min: number; max: number } {
  if (signed) return { min: narrow ? -(2 ** (bits - 1)) + 1 : -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 };
  return { min: 0, max: narrow ? 2 ** bits - 2 : 2 ** bits - 1 };
}

export const ROUNDING_MODES = ['ROUND', 'HALF_EVEN', 'CEIL', 'FLOOR', 'UP', 'DOWN', 'HALF_UP', 'HALF_DOWN'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

export function roundingModeOf(node: OnnxNode, file?: string): RoundingMode {
  const mode = attrString(node, 'rounding_mode', 'ROUND', file).toUpperCase();
  if (!(ROUNDING_MODES as readonly string[]).includes(mode)) unsupported(node, `rounding_mode ${mode}`, file);
  return mode as RoundingMode;
}

/** Round v to an integer per a QONNX rounding mode (ROUND = half to even, like numpy.round). */
export function roundBy(mode: RoundingMode, v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  switch (mode) {
    case 'ROUND': case 'HALF_EVEN':
      if (d > 0.5) return f + 1;
      if (d < 0.5) return f;
      return f % 2 === 0 ? f : f + 1;
    case 'CEIL': return Math.ceil(v);
    case 'FLOOR': return f;
    case 'UP': return v >= 0 ? Math.ceil(v) : f; // away from zero
    case 'DOWN': return Math.trunc(v); // toward zero
    case 'HALF_UP': return d === 0.5 ? (v >= 0 ? f + 1 : f) : Math.round(v); // ties away from zero
    case 'HALF_DOWN': return d === 0.5 ? (v >= 0 ? f : f + 1) : Math.round(v); // ties toward zero
  }
}

/**
 * The integer q of QONNX Quant/IntQuant: clip(x/scale + zeropt, min, max) rounded (the operator
 * definition clips, then rounds; min and max are integers, so this equals rounding, then clipping).
 * Each step is rounded to float32 as the interpreter does. Y = (q − zeropt)·scale.
 */
export function quantInt(x: number, scale: number, zeropt: number, min: number, max: number, mode: RoundingMode): number {
  const v = Math.fround(Math.fround(x / scale) + zeropt);
  return roundBy(mode, Math.min(max, Math.max(min, v)));
}

/** The dequantized Quant output for integer q, rounded to float32 as the interpreter does. */
export function dequant(q: number, scale: number, zeropt: number): number {
  return Math.fround(Math.fround(q - zeropt) * scale);
}

// ---------------------------------------------------------------- attributes

export function unsupported(node: OnnxNode, reason: string, file?: string): never {
  throw new BnnError({
    code: 'IMPORT_UNSUPPORTED',
    message: `node ${node.name} (${node.opType}${node.domain ? ', domain ' + node.domain : ''}): ${reason}`,
    file,
    field: `node ${node.name}`,
  });
}

export function invalid(node: OnnxNode, reason: string, file?: string, expected?: string, got?: string): never {
  throw new BnnError({
    code: 'IMPORT_INVALID',
    message: `node ${node.name} (${node.opType}): ${reason}`,
    file,
    field: `node ${node.name}`,
    expected,
    got,
  });
}

function attr(node: OnnxNode, name: string): AttrValue | undefined {
  return node.attrs.get(name);
}

export function attrInt(node: OnnxNode, name: string, dflt: number, file?: string): number {
  const a = attr(node, name);
  if (a === undefined) return dflt;
  if (a.type !== 'int') invalid(node, `attribute ${name} must be an int`, file, 'INT', a.type);
  return a.value;
}

export function attrFloat(node: OnnxNode, name: string, dflt: number, file?: string): number {
  const a = attr(node, name);
  if (a === undefined) return dflt;
  if (a.type === 'int') return a.value;
  if (a.type !== 'float') invalid(node, `attribute ${name} must be a float`, file, 'FLOAT', a.type);
  return a.value;
}

export function attrString(node: OnnxNode, name: string, dflt: string, file?: string): string {
  const a = attr(node, name);
  if (a === undefined) return dflt;
  if (a.type !== 'string') invalid(node, `attribute ${name} must be a string`, file, 'STRING', a.type);
  return a.value;
}

export function attrInts(node: OnnxNode, name: string, file?: string): number[] | undefined {
  const a = attr(node, name);
  if (a === undefined) return undefined;
  if (a.type !== 'ints') invalid(node, `attribute ${name} must be a list of ints`, file, 'INTS', a.type);
  return a.value;
}

// ---------------------------------------------------------------- shape operators

function normAxis(node: OnnxNode, axis: number, rank: number, file?: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) invalid(node, `axis ${axis} out of range for rank ${rank}`, file);
  return a;
}

/** Axes of Squeeze/Unsqueeze: the `axes` attribute (opset < 13) or the second input (opset >= 13). */
export function axesOf(node: OnnxNode, axesInput: Tensor | undefined, file?: string): number[] | undefined {
  const fromAttr = attrInts(node, 'axes', file);
  if (fromAttr) return fromAttr;
  if (axesInput) return Array.from(axesInput.data);
  return undefined;
}

export function reshapeShape(node: OnnxNode, inShape: readonly number[], shapeTensor: Tensor | undefined, file?: string): number[] {
  if (!shapeTensor) return unsupported(node, 'the target shape must be a constant', file);
  const allowZero = attrInt(node, 'allowzero', 0, file);
  const total = inShape.reduce((a, b) => a * b, 1);
  const out = Array.from(shapeTensor.data).map((d, i) => (d === 0 && !allowZero ? inShape[i]! : d));
  const inferred = out.filter((d) => d === -1).length;
  if (inferred > 1) invalid(node, 'more than one -1 in the target shape', file);
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (inferred === 1) {
    if (known === 0 || total % known !== 0) invalid(node, 'cannot infer the -1 dimension', file);
    out[out.indexOf(-1)] = total / known;
  }
  if (out.reduce((a, b) => a * b, 1) !== total)
    invalid(node, 'the target shape has a different number of elements', file, `${total}`, `[${out.join(', ')}]`);
  return out;
}

export function flattenShape(node: OnnxNode, inShape: readonly number[], file?: string): number[] {
  const r = inShape.length;
  let axis = attrInt(node, 'axis', 1, file);
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) invalid(node, `axis out of range for rank ${r}`, file);
  const a = inShape.slice(0, axis).reduce((x, y) => x * y, 1);
  const b = inShape.slice(axis).reduce((x, y) => x * y, 1);
  return [a, b];
}

export function squeezeShape(node: OnnxNode, inShape: readonly number[], axes: number[] | undefined, file?: string): number[] {
  if (!axes) return inShape.filter((d) => d !== 1);
  const set = new Set(axes.map((a) => normAxis(node, a, inShape.length, file)));
  for (const a of set) if (inShape[a] !== 1) invalid(node, `cannot squeeze axis ${a} of size ${inShape[a]}`, file);
  return inShape.filter((_, i) => !set.has(i));
}

export function unsqueezeShape(node: OnnxNode, inShape: readonly number[], axes: number[] | undefined, file?: string): number[] {
  if (!axes) return invalid(node, 'Unsqueeze needs axes', file);
  const rank = inShape.length + axes.length;
  const set = new Set(axes.map((a) => normAxis(node, a, rank, file)));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : inShape[k++]!);
  return out;
}

/**
 * The channel axis of a MultiThreshold input, as qonnx's MultiThreshold.execute_node reads it:
 * data_layout (NCHW default, or NHWC) decides for rank 4 (axis 1 or 3); rank 2 is [N, C]
 * (axis 1) in both layouts; any other rank is reshaped to (-1, last dimension), i.e. the last
 * axis holds the channels.
 */
export function multiThresholdChannelAxis(node: OnnxNode, rank: number, file?: string): number {
  const layout = attrString(node, 'data_layout', 'NCHW', file);
  if (layout !== 'NCHW' && layout !== 'NHWC') unsupported(node, `attribute data_layout = ${layout} is not supported (supported: NCHW, NHWC)`, file);
  if (rank === 4) return layout === 'NHWC' ? 3 : 1;
  if (rank === 2) return 1;
  return Math.max(0, rank - 1);
}

// ---------------------------------------------------------------- spatial operators (NCHW)

/**
 * Conv attributes (ONNX Conv, 2-D): kernel_shape (or W's last two dimensions), strides (default
 * 1), pads [x1_begin, x2_begin, x1_end, x2_end] (default 0), dilations (default 1), group
 * (default 1), auto_pad NOTSET (explicit pads) or VALID (no padding). SAME_UPPER/SAME_LOWER are
 * rejected: no exporter we read uses them for these networks, and explicit pads say the same.
 */
export interface ConvAttrs {
  kernel: [number, number];
  strides: [number, number];
  /** [top, left, bottom, right]: ONNX order [x1_begin, x2_begin, x1_end, x2_end]. */
  pads: [number, number, number, number];
  dilations: [number, number];
  group: number;
}

function pair(node: OnnxNode, name: string, dflt: [number, number], file?: string): [number, number] {
  const v = attrInts(node, name, file);
  if (v === undefined) return dflt;
  if (v.length !== 2) invalid(node, `attribute ${name} must have 2 values (one per spatial axis)`, file, '2 values', `[${v}]`);
  if (v.some((x) => !Number.isInteger(x) || x < 1)) invalid(node, `attribute ${name} must hold positive integers`, file, 'integers >= 1', `[${v}]`);
  return [v[0]!, v[1]!];
}

function padsOf(node: OnnxNode, file?: string): [number, number, number, number] {
  const autoPad = attrString(node, 'auto_pad', 'NOTSET', file);
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'NOTSET')
    unsupported(node, `attribute auto_pad = ${autoPad} is not supported (supported: NOTSET with explicit pads, or VALID)`, file);
  const p = attrInts(node, 'pads', file) ?? [0, 0, 0, 0];
  if (p.length !== 4) invalid(node, 'attribute pads must have 4 values [x1_begin, x2_begin, x1_end, x2_end]', file, '4 values', `[${p}]`);
  if (p.some((x) => !Number.isInteger(x) || x < 0)) invalid(node, 'attribute pads must hold integers >= 0', file, 'integers >= 0', `[${p}]`);
  return [p[0]!, p[1]!, p[2]!, p[3]!];
}

export function convAttrs(node: OnnxNode, wShape: readonly number[], file?: string): ConvAttrs {
  if (wShape.length !== 4) unsupported(node, `only 2-D convolutions are supported (weights [M, C, kH, kW]), got weights of shape [${wShape}]`, file);
  const kernel = pair(node, 'kernel_shape', [wShape[2]!, wShape[3]!], file);
  if (kernel[0] !== wShape[2] || kernel[1] !== wShape[3])
    invalid(node, `kernel_shape [${kernel}] differs from the weights' spatial shape [${wShape.slice(2)}]`, file);
  return {
    kernel,
    strides: pair(node, 'strides', [1, 1], file),
    pads: padsOf(node, file),
    dilations: pair(node, 'dilations', [1, 1], file),
    group: attrInt(node, 'group', 1, file),
  };
}

/** Output size along one axis (ONNX Conv/MaxPool with ceil_mode 0): floor((n + pb + pe − d·(k − 1) − 1)/s) + 1. */
export function spatialOut(n: number, k: number, s: number, pb: number, pe: number, d = 1): number {
  return Math.floor((n + pb + pe - d * (k - 1) - 1) / s) + 1;
}

/** MaxPool attributes: kernel_shape (required), strides (default 1), pads, dilations, ceil_mode. */
export interface PoolAttrs {
  kernel: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
  dilations: [number, number];
  ceilMode: number;
}

export function poolAttrs(node: OnnxNode, file?: string): PoolAttrs {
  const k = attrInts(node, 'kernel_shape', file);
  if (!k) invalid(node, 'attribute kernel_shape is required', file);
  if (k.length !== 2) unsupported(node, `only 2-D pooling is supported (kernel_shape [${k}])`, file);
  return {
    kernel: pair(node, 'kernel_shape', [1, 1], file),
    strides: pair(node, 'strides', [1, 1], file),
    pads: padsOf(node, file),
    dilations: pair(node, 'dilations', [1, 1], file),
    ceilMode: attrInt(node, 'ceil_mode', 0, file),
  };
}

/** Transpose's perm (default: the axes reversed), checked to be a permutation of 0..rank−1. */
export function transposePerm(node: OnnxNode, rank: number, file?: string): number[] {
  const perm = attrInts(node, 'perm', file) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank))
    invalid(node, `perm [${perm}] is not a permutation of the ${rank} axes`, file);
  return perm;
}

/** Shape after Transpose: out[i] = in[perm[i]]. */
export function transposeShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((p) => shape[p]!);
}

/**
 * For every output flat index of Transpose(perm) over `shape` (C order), the input flat index it
 * reads: output coordinate i along axis a is input coordinate i along axis perm[a].
 */
export function transposeSource(shape: readonly number[], perm: readonly number[]): Int32Array {
  const out = transposeShape(shape, perm);
  const inStrides = stridesOf(shape);
  const n = out.reduce((a, b) => a * b, 1);
  const src = new Int32Array(n);
  const coord = new Array<number>(out.length).fill(0);
  for (let o = 0; o < n; o++) {
    let s = 0;
    for (let a = 0; a < out.length; a++) s += coord[a]! * inStrides[perm[a]!]!;
    src[o] = s;
    for (let a = out.length - 1; a >= 0; a--) {
      if (++coord[a]! < out[a]!) break;
      coord[a] = 0;
    }
  }
  return src;
}

export function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) st[a] = st[a + 1]! * shape[a + 1]!;
  return st;
}

/**
 * Pad (constant mode): pads [x1_begin, …, xn_begin, x1_end, …, xn_end] over every axis, from the
 * `pads` input (opset >= 11) or attribute (opset < 11), the value from the `constant_value` input
 * or the `value` attribute (default 0). Modes reflect/edge/wrap and the `axes` input are rejected.
 */
export function padSpec(node: OnnxNode, rank: number, padsInput: Tensor | undefined, valueInput: Tensor | undefined, axesInput: Tensor | undefined, file?: string): { begin: number[]; end: number[]; value: number } {
  const mode = attrString(node, 'mode', 'constant', file);
  if (mode !== 'constant') unsupported(node, `attribute mode = ${mode} is not supported (supported: constant)`, file);
  if (axesInput) unsupported(node, 'the axes input is not supported (pads must be given for every axis)', file);
  const pads = padsInput ? Array.from(padsInput.data) : attrInts(node, 'pads', file);
  if (!pads) invalid(node, 'no pads (input 1 or attribute pads)', file);
  if (pads.length !== 2 * rank) invalid(node, `pads must have ${2 * rank} values for a rank-${rank} input`, file, `${2 * rank} values`, `[${pads}]`);
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) unsupported(node, `negative pads (cropping) are not supported: [${pads}]`, file);
  let value = attrFloat(node, 'value', 0, file);
  if (valueInput) {
    if (valueInput.data.length !== 1) invalid(node, 'constant_value must be a scalar', file);
    value = valueInput.data[0]!;
  }
  return { begin: pads.slice(0, rank), end: pads.slice(rank), value };
}
