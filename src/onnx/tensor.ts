import { BnnError } from '../errors.js';

/**
 * A numeric tensor as the importer and the interpreter see it: every element type is carried in a
 * Float64Array (64-bit integers are converted only when they are exactly representable, see
 * `safeInteger`), C order, with the ONNX element type kept for the semantics that depend on it.
 */
export interface Tensor {
  dtype: number;
  shape: number[];
  data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor(dtype: number, shape: number[], data: ArrayLike<number>): Tensor {
  return { dtype, shape: [...shape], data: Float64Array.from(data) };
}

/**
 * A 64-bit protobuf integer (decoded as a decimal string, or a number) to a JS number, rejecting
 * anything beyond ±(2^53 − 1) rather than rounding it.
 */
export function safeInteger(v: unknown, where: { file?: string; field: string }): number {
  let big: bigint;
  try {
    big = typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? v : String(v));
  } catch {
    throw new BnnError({ code: 'IMPORT_INVALID', message: 'not an integer', file: where.file, field: where.field, got: String(v) });
  }
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new BnnError({
      code: 'IMPORT_INVALID',
      message: '64-bit integer too large to convert exactly',
      file: where.file,
      field: where.field,
      expected: `|value| <= 2^53 - 1`,
      got: big.toString(),
    });
  return Number(big);
}

/** Index into a tensor of shape `inShape` broadcast (NumPy rules) to `outShape`, for output flat index `flat`. */
export function broadcastIndex(outShape: readonly number[], inShape: readonly number[], flat: number): number {
  let idx = 0;
  let stride = 1;
  let rem = flat;
  const off = outShape.length - inShape.length;
  for (let d = outShape.length - 1; d >= 0; d--) {
    const coord = rem % outShape[d]!;
    rem = Math.floor(rem / outShape[d]!);
    const k = d - off;
    if (k >= 0) {
      const dim = inShape[k]!;
      if (dim !== 1) idx += coord * stride;
      stride *= dim;
    }
  }
  return idx;
}

/** NumPy-style multidirectional broadcast of two shapes, or undefined when they are incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}
