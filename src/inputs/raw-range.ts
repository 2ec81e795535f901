import { BnnError } from '../errors.js';
import type { InputSpec } from '../model/types.js';

/**
 * The values a raw input element takes: 0..2^rawBits − 1, or for a signed fixed-point input the
 * two's complement range −2^(rawBits−1)..2^(rawBits−1) − 1 (its rawBits-bit pattern on the stream).
 */
export function rawRange(input: Pick<InputSpec, 'rawBits' | 'encoding'>): { min: number; max: number } {
  return rawRangeOf(input.rawBits, input.encoding.kind === 'fixed' && input.encoding.signed);
}

export function rawRangeOf(bits: number, signed: boolean): { min: number; max: number } {
  return signed ? { min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 } : { min: 0, max: 2 ** bits - 1 };
}

/** Every frame element a whole number in the raw range: what the stream can carry, so every view sees one value. */
export function checkRawFrames(range: { min: number; max: number }, frames: ArrayLike<number>[], what: string): void {
  frames.forEach((f, i) => {
    for (let e = 0; e < f.length; e++) {
      const v = f[e]!;
      if (!Number.isInteger(v) || v < range.min || v > range.max)
        throw new BnnError({ code: 'INPUT_INVALID', message: 'input value outside the raw input range', field: `${what} ${i}, element ${e}`, expected: `a whole number in [${range.min}, ${range.max}]`, got: String(v) });
    }
  });
}
