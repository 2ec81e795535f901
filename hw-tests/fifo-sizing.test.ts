import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { VERIFY_TRAFFIC } from '../src/compiler/fifo-sizing.js';
import { randomModel } from '../src/model/random-model.js';
import { verify } from '../src/verify/verify.js';
import { frames, toolOrSkip, workDir } from './cases.js';

/** A design with minimal FIFOs on Verilator: zero mismatches under random traffic, II unchanged. */
describe('FIFO sizing on Verilator', async () => {
  const have = await toolOrSkip('verilator');
  it.skipIf(!have)('64-64-64-10 with fifoDepth: minimal', async () => {
    const model = randomModel({ name: 'sized', arch: [64, 64, 64, 10], seed: 5 });
    const layers = [{ pe: 1, simd: 2 }, { pe: 1, simd: 1 }, { pe: 10, simd: 64 }];
    const auto = compile(model, { fold: { layers, fifoDepth: 'auto', source: 't' } });
    const sized = compile(model, { fold: { layers, fifoDepth: 'minimal', source: 't' } });
    expect(sized.fold.fifoDepths!.reduce((a, b) => a + b)).toBeLessThan(auto.plan.blocks.filter((b) => b.kind === 'fifo').reduce((a, b) => a + (b.kind === 'fifo' ? b.params.DEPTH : 0), 0));
    const r = await verify(sized, { sim: 'verilator', frames: frames(3, 64, 5), traffic: VERIFY_TRAFFIC, dir: workDir('fifo-vl'), lint: false });
    expect(r.firstMismatch).toBeUndefined();
    expect(r.mismatches + r.inputMismatches).toBe(0);
    expect(r.timedOut).toBe(false);
    expect(r.predictions).toEqual(r.golden);
    expect(r.cycles.ii.measured).toBe(auto.plan.ii.cycles);
  });
});
