import type { Activation, ActivationQuant, Model } from './types.js';

/**
 * What travels between layers, element by element. `binary`: a bit b standing for 2b − 1.
 * `integer`: a two's complement (signed) or unsigned integer of `bits` bits standing for
 * scale·u: raw fixed-point inputs (scale 1) or the A-bit outputs of a multi-bit activation.
 */
export type ElementType = { kind: 'binary' } | { kind: 'integer'; bits: number; signed: boolean; scale: number };

export const BINARY: ElementType = { kind: 'binary' };

/** The output levels of a multi-bit activation, or undefined for a one-bit (sign) activation. */
export function activationQuant(a: Activation): ActivationQuant | undefined {
  if (a.kind === 'batchnorm') return a.quant;
  if (a.kind === 'multithreshold') return { bits: a.bits, levels: (a.thresholds[0]?.length ?? 0) + 1, outBias: a.outBias, outScale: a.outScale };
  return undefined;
}

/** The elements an activation emits (`none` emits scores, which no layer reads). */
export function activationElements(a: Activation): ElementType {
  const q = activationQuant(a);
  return q ? { kind: 'integer', bits: q.bits, signed: q.outBias < 0, scale: q.outScale } : BINARY;
}

/**
 * The elements each layer reads, in layer order: the input's encoding for the first, then the
 * previous engine's activation (a pool passes its input's elements through).
 */
export function layerInputElements(m: Pick<Model, 'input' | 'layers'>): ElementType[] {
  const enc = m.input.encoding;
  let cur: ElementType = enc.kind === 'fixed' ? { kind: 'integer', bits: m.input.rawBits, signed: enc.signed, scale: 1 } : BINARY;
  return m.layers.map((l) => {
    const inp = cur;
    if (l.kind !== 'maxpool2d') cur = activationElements(l.activation);
    return inp;
  });
}

/**
 * The float quantizer of a BatchNorm with `quant`: the number of levels above the lowest that y
 * reaches, level k's threshold sitting halfway between levels k − 1 and k, i.e. y is rounded to
 * the nearest level outScale·(outBias + code), ties up, clamped to [0, levels − 1]. One
 * definition, read by the float reference and the threshold folding.
 */
export function quantThreshold(q: ActivationQuant, k: number): number {
  return q.outScale * (q.outBias + k - 0.5);
}

export function quantCode(q: ActivationQuant, y: number): number {
  let code = 0;
  for (let k = 1; k < q.levels; k++) if (y >= quantThreshold(q, k)) code++;
  return code;
}

/** The range of elements of `bits` bits: two's complement when signed. */
export function elementRange(bits: number, signed: boolean): { min: number; max: number } {
  return signed ? { min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 } : { min: 0, max: 2 ** bits - 1 };
}
