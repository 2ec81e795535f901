import { BnnError } from '../errors.js';
import type { Activation, Direction, Model } from '../model/types.js';
import type { IntegerLayer, IntegerModel } from './integer-model.js';

/**
 * Fold every activation into one integer threshold per neuron on the popcount p.
 *
 * Rather than trusting a closed-form ceil() (which float rounding can push one step off at a
 * tie), the float predicate of docs/model-format.md is evaluated at every p in [0, N] and the
 * threshold is read off that truth table, so the integer model agrees with the float reference
 * on every reachable popcount by construction. A table that is not a single step (possible only
 * through float noise) is an error rather than a silent approximation.
 */
export function foldThresholds(model: Model): IntegerModel {
  const layers: IntegerLayer[] = model.layers.map((l, li) => {
    const base = { name: l.name, kind: l.kind, inputs: l.inputs, outputs: l.outputs, weights: l.weights };
    if (l.activation.kind === 'none') return base;
    const value = new Int32Array(l.outputs);
    const direction: Direction[] = [];
    for (let j = 0; j < l.outputs; j++) {
      const t = neuronThreshold(l.activation, j, l.inputs, model.sourceFile, `layers[${li}].activation`);
      value[j] = t.value;
      direction.push(t.direction);
    }
    return { ...base, thresholds: { value, direction } };
  });
  return { name: model.name, input: model.input, layers };
}

export interface NeuronThreshold {
  value: number;
  direction: Direction;
}

/** The float predicate of the model format for one neuron at popcount p. */
export function activationFires(a: Exclude<Activation, { kind: 'none' }>, j: number, n: number, p: number): boolean {
  if (a.kind === 'threshold') return a.direction[j] === 'ge' ? p >= a.thresholds[j]! : p <= a.thresholds[j]!;
  const dot = 2 * p - n;
  return (a.gamma[j]! * (dot + (a.bias?.[j] ?? 0) - a.mean[j]!)) / Math.sqrt(a.var[j]! + a.eps) + a.beta[j]! >= 0;
}

export function neuronThreshold(
  a: Exclude<Activation, { kind: 'none' }>,
  j: number,
  n: number,
  file?: string,
  field?: string,
): NeuronThreshold {
  const fires = new Uint8Array(n + 1);
  for (let p = 0; p <= n; p++) fires[p] = activationFires(a, j, n, p) ? 1 : 0;
  // Count the steps in the truth table: 0 steps = constant, 1 step = a threshold.
  let steps = 0;
  for (let p = 1; p <= n; p++) if (fires[p] !== fires[p - 1]) steps++;
  if (steps === 0) return fires[0] ? { value: 0, direction: 'ge' } : { value: n + 1, direction: 'ge' };
  if (steps > 1)
    throw new BnnError({
      code: 'MODEL_INVALID',
      message: `neuron ${j}: the activation is not monotonic in the popcount (float noise?), it cannot be one threshold`,
      file,
      field,
    });
  if (fires[n]) {
    let t = n;
    while (t > 0 && fires[t - 1]) t--;
    return { value: t, direction: 'ge' };
  }
  let t = 0;
  while (t < n && fires[t + 1]) t++;
  return { value: t, direction: 'le' };
}
