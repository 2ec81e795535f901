import { BnnError, describeValue } from '../errors.js';
import type { Model, OutputRule } from './types.js';

/** Rules that read a thresholded last layer's bits; `argmax` reads scores. */
const BIT_RULES: readonly OutputRule[] = ['lowest-set-bit', 'highest-set-bit'];

/** The last layer ends without activation (it produces scores), or with thresholds (bits). */
function lastGivesScores(m: Pick<Model, 'layers'>): boolean {
  const last = m.layers[m.layers.length - 1]!;
  return last.kind !== 'maxpool2d' && last.activation.kind === 'none';
}

/** Why a model's `output` does not fit its last layer, or undefined when it does. */
export function outputRuleProblem(m: Pick<Model, 'layers' | 'output'>): { field: string; expected: string; got: string | undefined; message: string } | undefined {
  const scores = lastGivesScores(m);
  const rule = m.output?.kind;
  if (scores && rule !== undefined && rule !== 'argmax')
    return { field: 'output.kind', expected: 'argmax (the last layer has no activation: it outputs scores)', got: rule, message: 'output rule does not fit the last layer' };
  if (!scores && (rule === undefined || !BIT_RULES.includes(rule)))
    return {
      field: 'output.kind',
      expected: `one of ${BIT_RULES.join(', ')} (the last layer is thresholded: it outputs bits, so the model must say how a class is read from them)`,
      got: rule,
      message: 'a thresholded last layer needs an explicit output rule',
    };
  return undefined;
}

/** The rule in force: explicit, or argmax for a score layer. Throws for a model that never validated. */
export function outputRule(m: Pick<Model, 'layers' | 'output' | 'sourceFile'>): OutputRule {
  const p = outputRuleProblem(m);
  if (p) throw new BnnError({ code: 'MODEL_INVALID', message: p.message, file: m.sourceFile, field: p.field, expected: p.expected, got: describeValue(p.got) });
  return m.output?.kind ?? 'argmax';
}

/** The class a rule picks from the last layer's values: argmax, the tie going to the lowest or highest index. */
export function selectClass(rule: OutputRule, values: ArrayLike<number>): number {
  const high = rule === 'highest-set-bit';
  let best = 0;
  for (let i = 1; i < values.length; i++) if (high ? values[i]! >= values[best]! : values[i]! > values[best]!) best = i;
  return best;
}
