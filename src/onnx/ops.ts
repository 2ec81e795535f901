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

/** The channel axis of a MultiThreshold input (FINN: axis 1, or the last axis for data_layout NHWC/NC…C). */
export function multiThresholdChannelAxis(node: OnnxNode, rank: number, file?: string): number {
  const layout = attrString(node, 'data_layout', 'NCHW', file);
  if (rank <= 1) return 0;
  if (layout === 'NHWC' || layout === 'NWC') return rank - 1;
  return 1;
}
