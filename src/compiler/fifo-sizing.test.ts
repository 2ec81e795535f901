import { describe, expect, it } from 'vitest';
import { randomModel } from '../model/random-model.js';
import { Prng } from '../util/prng.js';
import { simulate } from '../../sim/simulate.js';
import { buildPlan } from './build-plan.js';
import { compile } from './compile.js';
import { sizeFifos } from './fifo-sizing.js';
import { parseFoldConfig } from './fold-config.js';
import { foldThresholds } from './fold-thresholds.js';

const frames = (n: number, size: number) => {
  const rng = new Prng(3);
  return Array.from({ length: n }, () => Array.from({ length: size }, () => rng.int(256)));
};

describe('FIFO sizing', () => {
  // fc1 (II 4096) is the bottleneck and takes its 64 input beats in its first fold while fc0
  // emits one beat every 32 cycles: its FIFO must stay deep, the others can shrink to 2.
  const model = randomModel({ name: 'x', arch: [64, 64, 64, 10], seed: 5 });
  const im = foldThresholds(model);
  const fold = { layers: [{ pe: 1, simd: 2 }, { pe: 1, simd: 1 }, { pe: 10, simd: 64 }], fifoDepth: 'minimal' as const, source: 't' };

  it('finds depths that keep the analytic II, each one the smallest that does', () => {
    const s = sizeFifos(im, fold, { model: 'x' });
    expect(s.ii).toBe(4096);
    const ii = (depths: number[]) => simulate(buildPlan(im, { ...fold, fifoDepths: depths }, { model: 'x' }), frames(6, 64)).report.cycles.ii;
    const depths = s.fifos.map((f) => f.depth);
    expect(ii(depths)).toMatchObject({ measured: 4096, steady: true });
    depths.forEach((d, i) => {
      expect(d).toBeLessThanOrEqual(s.fifos[i]!.autoDepth);
      if (d > 2) expect(ii(depths.map((x, j) => (j === i ? d - 1 : x))).measured).toBeGreaterThan(4096);
    });
    expect(s.fifos[0]!.depth).toBe(2);
    expect(s.fifos[1]!.depth).toBeGreaterThan(2);
    expect(s.bitsSaved).toBe(s.fifos.reduce((a, f) => a + f.autoBits - f.bits, 0));
    expect(s.bitsSaved).toBeGreaterThan(0);
    for (const f of s.fifos) expect(f.maxOccupancy).toBeLessThanOrEqual(f.depth);
    expect(s.underVerifyTraffic.finished).toBe(true);
  });

  it('fifoDepth: minimal in a fold file sizes the plan at compile time', () => {
    const parsed = parseFoldConfig('layers:\n  - {pe: 1, simd: 2}\n  - {pe: 1, simd: 1}\n  - {pe: 10, simd: 64}\nfifoDepth: minimal\n', 'fold.yaml', im);
    expect(parsed.fifoDepth).toBe('minimal');
    const c = compile(model, { fold: parsed });
    const depths = c.plan.blocks.flatMap((b) => (b.kind === 'fifo' ? [b.params.DEPTH] : []));
    expect(depths).toEqual(sizeFifos(im, fold, { model: 'x' }).fifos.map((f) => f.depth));
    expect(c.fold.fifoDepths).toEqual(depths);
    expect(() => parseFoldConfig('layers: [{pe: 1, simd: 2}, {pe: 1, simd: 1}, {pe: 10, simd: 64}]\nfifoDepth: smallest\n', 'f.yaml', im)).toThrow(/minimal/);
  });
});
