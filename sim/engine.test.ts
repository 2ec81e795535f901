import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { FoldConfig } from '../src/compiler/fold-config.js';
import { integerForward } from '../src/compiler/integer-reference.js';
import { randomModel } from '../src/model/random-model.js';
import { Prng } from '../src/util/prng.js';
import { simulate } from './simulate.js';

const fold = (layers: Array<[number, number]>, fifoDepth: FoldConfig['fifoDepth'] = 'auto'): FoldConfig => ({
  layers: layers.map(([pe, simd]) => ({ pe, simd })),
  fifoDepth,
  source: 'test',
});

function frames(n: number, size: number, seed: number): number[][] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => Array.from({ length: size }, () => rng.int(256)));
}

describe('cycle-accurate simulator', () => {
  const small = randomModel({ name: 'small', arch: [48, 32, 24, 10], seed: 3 });
  const cases: Array<[string, FoldConfig]> = [
    ['PE = SIMD = 1', fold([[1, 1], [1, 1], [1, 1]])],
    ['fully parallel', fold([[32, 48], [24, 32], [10, 24]])],
    ['mixed with non-integer width ratios', fold([[16, 12], [4, 16], [5, 6]])],
    ['upsizing converters', fold([[2, 4], [3, 8], [2, 12]])],
  ];
  it.each(cases)('reaches the analytic II with no bubbles and predicts like the golden model: %s', (_, f) => {
    const c = compile(small, { fold: f });
    const input = frames(12, 48, 9);
    const { report } = simulate(c.plan, input);
    expect(report.finished).toBe(true);
    expect(report.cycles.ii.measured).toBe(c.plan.ii.cycles);
    expect(report.cycles.ii.steady).toBe(true);
    expect(report.predictions).toEqual(input.map((x) => integerForward(c.integer, x).prediction));
  });

  it('gives the same outputs whatever the traffic, only later', () => {
    const c = compile(small, { fold: fold([[4, 6], [8, 4], [2, 8]]) });
    const input = frames(10, 48, 4);
    const calm = simulate(c.plan, input).report;
    const busy = simulate(c.plan, input, { gapProbability: 0.5, maxGap: 5, stallProbability: 0.5, seed: 3 }).report;
    expect(busy.predictions).toEqual(calm.predictions);
    expect(busy.cycles.total).toBeGreaterThan(calm.cycles.total);
    const stalls = busy.blocks.reduce((a, b) => a + b.stall, 0);
    expect(stalls).toBeGreaterThan(0);
  });

  it('784-256-256-256-10 at the default folding runs at 448 cycles per frame', () => {
    const m = randomModel({ name: 'sfc', arch: [784, 256, 256, 256, 10], seed: 1 });
    const c = compile(m);
    const input = frames(6, 784, 2);
    const { report } = simulate(c.plan, input);
    expect(report.cycles.ii).toMatchObject({ analytic: 448, measured: 448, steady: true });
    expect(report.predictions).toEqual(input.map((x) => integerForward(c.integer, x).prediction));
  });

  it('too-shallow FIFOs cost throughput, which the simulator shows', () => {
    // fc1 (II 4096) is the bottleneck but takes its 64 input beats in its first 64 cycles;
    // fc0 (II 2048) emits one bit every 32 cycles. With the automatic depth (one whole input
    // vector) fc0 runs a frame ahead; with depth 2 fc1 waits inside its first neuron fold.
    const m = randomModel({ name: 'x', arch: [64, 64, 64, 10], seed: 5 });
    const layers: Array<[number, number]> = [[1, 2], [1, 1], [10, 64]];
    const auto = simulate(compile(m, { fold: fold(layers) }).plan, frames(8, 64, 1)).report;
    const shallow = simulate(compile(m, { fold: fold(layers, 2) }).plan, frames(8, 64, 1)).report;
    expect(auto.cycles.ii.measured).toBe(4096);
    expect(shallow.cycles.ii.measured).toBeGreaterThan(4096 + 1000);
    expect(shallow.predictions).toEqual(auto.predictions);
  });
});
