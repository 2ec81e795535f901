import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { FoldConfig } from '../src/compiler/fold-config.js';
import { randomModel } from '../src/model/random-model.js';
import { verify } from '../src/verify/verify.js';
import { frames, toolOrSkip, workDir } from './cases.js';

const fold = (layers: Array<[number, number]>): FoldConfig => ({ layers: layers.map(([pe, simd]) => ({ pe, simd })), fifoDepth: 'auto', source: 'test' });
const traffic = (seed: number) => ({ gapProbability: 0.25, maxGap: 3, stallProbability: 0.3, seed });

/** A second verify with new inputs runs the first one's Verilator executable; a new design does not. */
describe('verify reuses the Verilator build when only the inputs change', async () => {
  const run = await toolOrSkip('verilator');
  it.skipIf(!run)('new frames, frame count and traffic: reused; another folding: rebuilt', async () => {
    const m = randomModel({ name: 'reuse', arch: [16, 8, 4], seed: 5 });
    const c = compile(m, { fold: fold([[2, 4], [4, 8]]) });
    const cacheDir = workDir('verify-reuse-cache');
    const first = await verify(c, { sim: 'verilator', frames: frames(3, 16, 1), traffic: traffic(1), dir: workDir('verify-reuse'), cacheDir });
    const second = await verify(c, { sim: 'verilator', frames: frames(7, 16, 2), traffic: traffic(2), dir: workDir('verify-reuse'), cacheDir });
    for (const r of [first, second]) {
      expect(r.ok).toBe(true);
      expect(r.mismatches).toBe(0);
      expect(r.predictions).toEqual(r.golden);
      expect(r.lint?.warnings).toEqual([]);
    }
    expect(first.timing.buildReused).toBe(false);
    expect(first.timing.buildSeconds).toBeGreaterThan(0);
    expect(second.timing.buildReused).toBe(true);
    expect(second.timing.buildSeconds).toBe(0);
    expect(second.predictions).toHaveLength(7);

    const other = compile(m, { fold: fold([[4, 4], [4, 8]]) });
    const third = await verify(other, { sim: 'verilator', frames: frames(3, 16, 1), traffic: traffic(1), dir: workDir('verify-reuse'), cacheDir });
    expect(third.ok).toBe(true);
    expect(third.timing.buildReused).toBe(false);
  });
});
