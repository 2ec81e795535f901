import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { randomModel } from '../src/model/random-model.js';
import { Prng } from '../src/util/prng.js';
import { verify } from '../src/verify/verify.js';
import { run } from '../sim/engine.js';
import { runEvents } from '../sim/event-engine.js';
import { randomArch, randomFolding } from '../sim/random-plan.js';
import { makeStimulus } from '../sim/stimulus.js';
import { toolOrSkip, workDir } from './cases.js';

/**
 * The event engine against Verilator on random plans (shallow FIFOs included) under random gaps
 * and backpressure: verify's expected log is the event engine's, and the per-cycle engine must
 * produce the same run.
 */
describe('event engine vs Verilator', async () => {
  const have = await toolOrSkip('verilator');
  const rng = new Prng(1212);
  const cases = Array.from({ length: 3 }, (_, k) => {
    const model = randomModel(randomArch(rng, 100 + k));
    return { name: `random plan ${k} (${model.name})`, compiled: compile(model, { fold: randomFolding(model, rng) }), seed: 40 + k };
  });
  it.skipIf(!have).each(cases)('$name', async (c) => {
    const prng = new Prng(c.seed);
    const frames = Array.from({ length: 3 }, () => Array.from({ length: c.compiled.plan.input.elements }, () => prng.int(256)));
    const traffic = { gapProbability: 0.3, maxGap: 4, stallProbability: 0.4, seed: c.seed };
    const stim = makeStimulus(c.compiled.plan, frames, traffic);
    const ev = runEvents(c.compiled.plan, stim);
    expect(ev).toEqual(run(c.compiled.plan, stim));
    const r = await verify(c.compiled, { sim: 'verilator', frames, traffic, dir: workDir('event-vl'), lint: false });
    expect(r.firstMismatch).toBeUndefined();
    expect(r.mismatches + r.inputMismatches).toBe(0);
    expect(r.timedOut).toBe(false);
    expect(r.predictions).toEqual(r.golden);
    expect(r.cycles.total).toBe(ev.out[ev.out.length - 1]!.cycle);
  });
});
