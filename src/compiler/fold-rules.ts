import { BnnError } from '../errors.js';
import { divisors } from '../util/math.js';

/**
 * What a fold of one matrix-vector engine may be, checked where a fold file is read so that an
 * error names the file and field (the block itself trusts its fold).
 */
export interface Folding {
  pe: number;
  simd: number;
  /** Pad the fan-in up to a multiple of SIMD and the neurons up to a multiple of PE (src/compiler/padding.ts). */
  pad?: boolean;
}

/** Most lanes (PE·SIMD) one engine may have: beyond this the weight word is impractically wide. */
export const MAX_LANES = 1 << 16;

export function validateMvtuFold(mw: number, mh: number, f: Folding, file: string, field: string): void {
  const check = (v: number, n: number, what: 'pe' | 'simd', dim: string) => {
    if (!Number.isInteger(v) || v < 1 || (!f.pad && n % v !== 0))
      throw new BnnError({
        code: 'FOLD_INVALID',
        message: f.pad ? `${what.toUpperCase()} must be a positive integer` : `${what.toUpperCase()} must divide ${dim} = ${n}, unless the layer is padded (pad: true)`,
        file,
        field: `${field}.${what}`,
        expected: f.pad ? 'an integer >= 1' : `one of ${divisors(n).join(', ')}, or pad: true on this layer`,
        got: String(v),
      });
  };
  check(f.pe, mh, 'pe', 'the neuron count MH');
  check(f.simd, mw, 'simd', 'the fan-in MW');
  if (f.pe * f.simd > MAX_LANES)
    throw new BnnError({
      code: 'FOLD_INVALID',
      message: `PE·SIMD = ${f.pe * f.simd} lanes is too wide for one engine`,
      file,
      field,
      expected: `PE·SIMD <= ${MAX_LANES}`,
      got: `PE=${f.pe}, SIMD=${f.simd}`,
    });
}
