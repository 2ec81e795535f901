import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { integerForward } from '../src/compiler/integer-reference.js';
import { randomFrames } from '../src/inputs/frames.js';
import { randomModel } from '../src/model/random-model.js';
import { simulate } from './simulate.js';

describe('per-frame scores', () => {
  it.each([
    ['binary 48-32-10, class streamed (NF = 2 label select)', randomModel({ name: 'b', arch: [48, 32, 10], seed: 2 }), 'class', [[8, 8], [5, 8]]],
    ['binary 48-32-10, scores streamed', randomModel({ name: 'b', arch: [48, 32, 10], seed: 2 }), 'scores', [[8, 8], [5, 8]]],
    ['signed fixed-point single layer (signed sums)', randomModel({ name: 'f', arch: [12, 6], seed: 5, fixedInput: { signed: true } }), 'class', [[3, 4]]],
    ['signed fixed-point single layer, scores streamed', randomModel({ name: 'f', arch: [12, 6], seed: 5, fixedInput: { signed: true } }), 'scores', [[2, 6]]],
  ] as const)('%s: equal the integer reference’s last-layer values', (_, m, output, f) => {
    const c = compile(m, { fold: { layers: f.map(([pe, simd]) => ({ pe, simd })), fifoDepth: 'auto', source: 't' }, output });
    const input = randomFrames(m, 6, 11);
    const r = simulate(c.plan, input).report;
    const refs = input.map((x) => integerForward(c.integer, x));
    expect(r.scores).toHaveLength(6);
    expect(r.scores).toEqual(refs.map((x) => Array.from(x.scores)));
    expect(r.predictions).toEqual(refs.map((x) => x.prediction));
    expect(r.output).toEqual({ rule: 'argmax', stream: output });
    if (m.input.encoding.kind === 'fixed') expect(r.scores.flat().some((s) => s < 0)).toBe(true);
    expect(r.cycles.ii.measured).toBe(c.plan.ii.cycles);
    expect(r.cycles.ii.source).toMatch(/no input gaps or output backpressure/);
  });
});
