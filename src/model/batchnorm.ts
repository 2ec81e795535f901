import type { BatchNormActivation } from './types.js';

/** The parameters the BatchNorm-sign predicate reads (the trainer passes its own arrays). */
export type BatchNormParams = Pick<BatchNormActivation, 'gamma' | 'beta' | 'mean' | 'var' | 'eps' | 'bias'>;

/**
 * The BatchNorm-sign predicate of docs/model-format.md for neuron j at the ±1 dot product `dot`:
 * gamma·(dot + bias − mean)/sqrt(var + eps) + beta >= 0, in IEEE double in exactly this order.
 * It is the one definition: the float reference, the threshold folding, the trainers'
 * evaluators and the BatchNorm recalibration all call it, so the integer model's exactness
 * against the float reference rests on a single expression.
 */
export function batchNormFires(a: BatchNormParams, j: number, dot: number): boolean {
  return batchNormValue(a, j, dot) >= 0;
}

/** The BatchNorm output y itself, the same expression, for the multi-bit quantizer (src/model/elements.ts). */
export function batchNormValue(a: BatchNormParams, j: number, dot: number): number {
  return (a.gamma[j]! * (dot + (a.bias?.[j] ?? 0) - a.mean[j]!)) / Math.sqrt(a.var[j]! + a.eps) + a.beta[j]!;
}
