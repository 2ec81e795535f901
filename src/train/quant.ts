import { BnnError } from '../errors.js';
import { quantCode } from '../model/elements.js';
import type { ActivationQuant } from '../model/types.js';

/** Activation bits the trainer accepts: 1 is sign (±1), 2..4 the multi-bit quantizer below. */
export const MAX_TRAIN_ACT_BITS = 4;

/**
 * The hidden-layer quantizer trained for `--act-bits A`: signed, symmetric, narrow range,
 * L = 2^(A−1) − 1, levels −L … +L (2L + 1 of them, outBias −L), one step outScale = 1/L, so the
 * values always span [−1, 1]: A = 2 gives BNN-PYNQ's W1A2 levels −1, 0, +1 (outScale 1), A = 3
 * −1, −2/3 … +1, A = 4 fifteen levels of 1/7. Why this choice (docs/training.md): it is the
 * sign's own range, so the straight-through estimator's window [−1, 1] and the BatchNorm
 * initialization are the same for every A; A = 1 is sign and returns undefined.
 */
export function trainedQuant(bits: number): ActivationQuant | undefined {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_TRAIN_ACT_BITS)
    throw new BnnError({ code: 'USAGE', message: 'invalid activation bits', field: '--act-bits', expected: `an integer in [1, ${MAX_TRAIN_ACT_BITS}]`, got: String(bits) });
  if (bits === 1) return undefined;
  const L = 2 ** (bits - 1) - 1;
  return { bits, levels: 2 * L + 1, outBias: -L, outScale: 1 / L };
}

/** The element u = outBias + code the model format's quantizer gives for y (quantCode: nearest level, ties up, clamped). */
export function quantElement(q: ActivationQuant, y: number): number {
  return q.outBias + quantCode(q, y);
}

/**
 * The straight-through estimator's window: the quantizer's backward is the identity where
 * lo <= y <= hi (the lowest and highest level, a clipped identity) and 0 outside. For the sign
 * (q undefined) it is hard-tanh's [−1, 1].
 */
export function steWindow(q: ActivationQuant | undefined): { lo: number; hi: number } {
  return q ? { lo: q.outScale * q.outBias, hi: q.outScale * (q.outBias + q.levels - 1) } : { lo: -1, hi: 1 };
}

/**
 * The forward value of the activation during training: sign(y) (y >= 0 → +1) or the quantized
 * value outScale·u. Exactly the exported model's function of y (the same quantCode).
 */
export function activationValue(q: ActivationQuant | undefined, y: number): number {
  return q ? q.outScale * quantElement(q, y) : y >= 0 ? 1 : -1;
}

/** The quantizer as a model's metadata note describes it. */
export function quantNote(q: ActivationQuant): string {
  const r = (x: number) => Number(x.toPrecision(4));
  const { lo, hi } = steWindow(q);
  return `a ${q.bits}-bit quantizer (levels ${q.outBias}..${q.outBias + q.levels - 1} times ${r(q.outScale)}, round to nearest, straight-through estimator within [${r(lo)}, ${r(hi)}])`;
}
