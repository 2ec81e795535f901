import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { integerForward } from '../compiler/integer-reference.js';
import { simulate } from '../../sim/simulate.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { Prng } from '../util/prng.js';
import { floatForward } from './float-reference.js';
import { parseModel, serializeModel } from './io.js';
import { selectClass } from './output-rule.js';
import { randomModel } from './random-model.js';
import type { Model, OutputRule } from './types.js';

/** 16-12-8 with a thresholded last layer (popcount >= 6 of 12: several bits set, ties common). */
function thresholded(rule?: OutputRule): Model {
  const m = randomModel({ name: 'thr', arch: [16, 12, 8], seed: 9 });
  const last = m.layers[1]!;
  if (last.kind === 'dense') last.activation = { kind: 'threshold', thresholds: new Array<number>(8).fill(6), direction: new Array(8).fill('ge') };
  return rule ? { ...m, output: { kind: rule } } : m;
}

const frames = (n: number, size: number) => {
  const rng = new Prng(3);
  return Array.from({ length: n }, () => Array.from({ length: size }, () => rng.int(256)));
};

describe('the output rule of the last layer', () => {
  it('picks the class by argmax with the lowest or the highest index winning a tie', () => {
    expect(selectClass('argmax', [1, 3, 3, 0])).toBe(1);
    expect(selectClass('lowest-set-bit', [0, 1, 0, 1])).toBe(1);
    expect(selectClass('highest-set-bit', [0, 1, 0, 1, 0])).toBe(3);
    // no bit set: argmax over equal values
    expect(selectClass('lowest-set-bit', [0, 0, 0])).toBe(0);
    expect(selectClass('highest-set-bit', [0, 0, 0])).toBe(2);
  });

  it('rejects a thresholded last layer without an explicit rule, naming the field and the forms', () => {
    const e = bnnErrorOf(() => parseModel(serializeModel(thresholded()), 'thr.yaml'));
    expect(e.detail).toMatchObject({ code: 'MODEL_INVALID', file: 'thr.yaml', field: 'output.kind' });
    expect(e.detail.expected).toMatch(/lowest-set-bit, highest-set-bit/);
  });

  it('rejects a bit rule on a score layer, argmax on a thresholded one, and unknown forms such as bits', () => {
    const scoresModel = randomModel({ name: 's', arch: [16, 8], seed: 1 });
    let e = bnnErrorOf(() => parseModel(serializeModel({ ...scoresModel, output: { kind: 'highest-set-bit' } }), 's.yaml'));
    expect(e.detail).toMatchObject({ field: 'output.kind' });
    expect(e.detail.got).toContain('highest-set-bit');
    e = bnnErrorOf(() => parseModel(serializeModel(thresholded('argmax')), 't.yaml'));
    expect(e.detail).toMatchObject({ field: 'output.kind' });
    expect(e.detail.got).toContain('argmax');
    e = bnnErrorOf(() => parseModel(serializeModel(thresholded('highest-set-bit')).replace('kind: highest-set-bit', 'kind: bits'), 't.yaml'));
    expect(e.detail.field).toBe('output.kind');
    expect(e.detail.expected).toMatch(/argmax.*lowest-set-bit.*highest-set-bit/);
  });

  it.each(['highest-set-bit', 'lowest-set-bit'] as const)('%s: float, integer reference and simulator (class or bits streamed) agree', (rule) => {
    const m = parseModel(serializeModel(thresholded(rule)), 'thr.yaml');
    expect(m.output).toEqual({ kind: rule });
    const input = frames(12, 16);
    const byClass = simulate(compile(m, { fold: { layers: [{ pe: 3, simd: 4 }, { pe: 2, simd: 3 }], fifoDepth: 'auto', source: 't' } }).plan, input).report;
    const c = compile(m, { output: 'scores' });
    const byBits = simulate(c.plan, input).report;
    const refs = input.map((x) => integerForward(c.integer, x));
    expect(refs.map((r) => r.prediction)).toEqual(input.map((x) => floatForward(m, x).prediction));
    expect(byClass.predictions).toEqual(refs.map((r) => r.prediction));
    expect(byBits.predictions).toEqual(refs.map((r) => r.prediction));
    expect(byClass.scores).toEqual(refs.map((r) => Array.from(r.scores)));
    expect(byBits.scores).toEqual(byClass.scores);
    // the frames exercise the rule: a tie among several set bits decides some class
    expect(refs.some((r) => r.scores.reduce((a, b) => a + b, 0) >= 2)).toBe(true);
  });
});
