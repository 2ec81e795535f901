import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { FoldConfig } from '../src/compiler/fold-config.js';
import { integerForward } from '../src/compiler/integer-reference.js';
import { floatForward } from '../src/model/float-reference.js';
import { getBit } from '../src/model/bits.js';
import { randomModel, type RandomLayerSpec } from '../src/model/random-model.js';
import { Prng } from '../src/util/prng.js';
import { run } from './engine.js';
import { simulate } from './simulate.js';
import { makeStimulus } from './stimulus.js';
import { cnvLike } from '../hw-tests/cases.js';

const fold = (layers: Array<[number, number]>): FoldConfig => ({ layers: layers.map(([pe, simd]) => ({ pe, simd })), fifoDepth: 'auto', source: 'test' });

function frames(n: number, size: number, seed: number, signed = false): number[][] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => Array.from({ length: size }, () => rng.int(256) - (signed ? 128 : 0)));
}

/**
 * Networks that end in a thresholded conv or a pool, streaming every bit of their last layer
 * (`output: scores`), so the simulator's output can be checked element by element against the
 * integer reference.
 */
const bitsOut: Array<{ name: string; input: number[]; layers: RandomLayerSpec[]; fixed?: { signed: boolean }; fold: Array<[number, number]> }> = [
  { name: '3x3 valid conv, binarized input', input: [6, 7, 4], layers: [{ conv: 6, kernel: 3 }], fold: [[2, 2]] },
  { name: '3x3 pad 1 (+1) stride 2, then pool', input: [9, 8, 2], layers: [{ conv: 4, kernel: 3, stride: 2, padding: 1, padValue: 1 }, { conv: 4, kernel: 1 }, { pool: 2 }], fold: [[1, 1], [4, 4]] },
  { name: '8-bit unsigned first conv, K=2 S=2', input: [8, 8, 3], layers: [{ conv: 8, kernel: 2, stride: 2 }, { conv: 4, kernel: 3, padding: 1 }], fixed: { signed: false }, fold: [[8, 3], [2, 8]] },
  { name: '8-bit signed first conv, pool 3', input: [9, 9, 2], layers: [{ conv: 6, kernel: 3, padding: 2 }, { pool: 3 }], fixed: { signed: true }, fold: [[3, 1]] },
  { name: '1x1 conv, fully parallel', input: [4, 4, 8], layers: [{ conv: 8, kernel: 1 }, { conv: 16, kernel: 3, padding: 1 }], fold: [[8, 8], [16, 8]] },
];

describe('convolutional networks in the simulator', () => {
  it.each(bitsOut)('$name: every output bit equals the integer reference, at the analytic II', (t) => {
    const m = randomModel({ name: 'c', seed: 5, input: t.input, layers: t.layers, output: 'lowest-set-bit', ...(t.fixed ? { fixedInput: t.fixed } : {}) });
    const c = compile(m, { fold: fold(t.fold), output: 'scores' });
    const size = t.input.reduce((a, b) => a * b, 1);
    const input = frames(5, size, 2, t.fixed?.signed);
    const r = run(c.plan, makeStimulus(c.plan, input));
    expect(r.finished).toBe(true);
    const perFrame = c.plan.blocks[c.plan.blocks.length - 1]!.out.beatsPerFrame;
    input.forEach((x, f) => {
      const ref = integerForward(c.integer, x);
      const want = ref.layerValues[ref.layerValues.length - 1]!;
      const got = r.out.slice(f * perFrame, (f + 1) * perFrame).flatMap((b) => Array.from(b.data));
      expect(got.length).toBeGreaterThan(0);
      got.forEach((bit, i) => expect(bit, `frame ${f} element ${i}`).toBe(want[i]));
      // and the float reference agrees with the integer model on the same bits
      const fl = floatForward(m, x);
      expect(Array.from(fl.layerValues[fl.layerValues.length - 1]!)).toEqual(got);
    });
    const report = simulate(c.plan, input).report;
    expect(report.cycles.ii.measured).toBe(c.plan.ii.cycles);
  });

  it('a CNV-like network at FINN’s folding runs at the analytic II and predicts like the golden model', () => {
    const m = cnvLike();
    const finn: Array<[number, number]> = [[16, 3], [32, 32], [16, 32], [16, 32], [4, 32], [1, 32], [1, 4], [1, 8], [5, 1]];
    const c = compile(m, { fold: fold(finn) });
    const input = frames(3, 32 * 32 * 3, 1);
    const { report } = simulate(c.plan, input);
    expect(report.cycles.ii).toMatchObject({ analytic: 32768, measured: 32768, steady: true });
    expect(report.predictions).toEqual(input.map((x) => integerForward(c.integer, x).prediction));
  });

  it('rejects a convolution SIMD that does not divide its input channels', () => {
    const m = randomModel({ name: 'c', seed: 1, input: [6, 6, 6], layers: [{ conv: 4, kernel: 3 }, { dense: 10 }] });
    // 9 divides MW = 54 but not C = 6
    expect(() => compile(m, { fold: fold([[1, 9], [1, 1]]) })).toThrow(/divide its input channels C = 6/);
  });
});
