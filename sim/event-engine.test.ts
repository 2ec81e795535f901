import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { integerForward } from '../src/compiler/integer-reference.js';
import { randomModel } from '../src/model/random-model.js';
import { Prng } from '../src/util/prng.js';
import { run, type RunResult } from './engine.js';
import { runEvents } from './event-engine.js';
import { randomArch, randomFolding } from './random-plan.js';
import { makeStimulus } from './stimulus.js';

/** Everything observable: beat values and cycles on both ports, per-block counters, cycles. */
function observable(r: RunResult) {
  return {
    cycles: r.cycles,
    finished: r.finished,
    inCycles: r.inCycles,
    out: r.out.map((b) => [b.cycle, ...b.data]),
    blocks: r.blocks,
  };
}

describe('event engine', () => {
  it('matches the per-cycle engine beat for beat, cycle for cycle and count for count over random plans, foldings and traffic', () => {
    const rng = new Prng(12);
    let compared = 0;
    let multiBit = 0;
    let multiBitPool = 0;
    for (let trial = 0; trial < 120; trial++) {
      const model = randomModel(randomArch(rng, trial));
      const c = compile(model, { fold: randomFolding(model, rng) });
      const frames = Array.from({ length: 1 + rng.int(4) }, () => Array.from({ length: c.plan.input.elements }, () => rng.int(256)));
      const busy = rng.float() < 0.7;
      const traffic = busy
        ? { gapProbability: rng.float(), maxGap: 1 + rng.int(8), stallProbability: rng.float() * 0.8, seed: trial }
        : { gapProbability: 0, maxGap: 0, stallProbability: 0, seed: 0 };
      const stim = makeStimulus(c.plan, frames, traffic);
      const ref = run(c.plan, stim);
      const ev = runEvents(c.plan, stim);
      expect(observable(ev), `trial ${trial}: ${JSON.stringify(c.fold.layers)} fifo ${c.fold.fifoDepth}`).toEqual(observable(ref));
      expect(ref.finished).toBe(true);
      // And the classes are the golden model's (multi-bit plans included).
      expect(ref.out.map((b) => b.data[0]), `trial ${trial}`).toEqual(frames.map((f) => integerForward(c.integer, f).prediction));
      if (c.plan.blocks.some((b) => b.kind === 'mvtu' && (b.params.OUT_BITS ?? 1) > 1)) multiBit++;
      if (c.plan.blocks.some((b) => b.kind === 'pool' && (b.params.ELEM_BITS ?? 1) > 1)) multiBitPool++;
      compared++;
    }
    expect(compared).toBe(120);
    // sim/random-plan.ts draws A-bit activations for about half the networks, some of them convolutional with a pool.
    expect(multiBit).toBeGreaterThan(40);
    expect(multiBitPool).toBeGreaterThan(3);
  });

  it('agrees when the run is cut short by maxCycles (a deadlocked or unfinished design)', () => {
    const model = randomModel({ name: 'x', arch: [64, 64, 64, 10], seed: 5 });
    const c = compile(model, { fold: { layers: [{ pe: 1, simd: 2 }, { pe: 1, simd: 1 }, { pe: 10, simd: 64 }], fifoDepth: 2, source: 't' } });
    const rng = new Prng(1);
    const frames = Array.from({ length: 3 }, () => Array.from({ length: 64 }, () => rng.int(256)));
    const stim = makeStimulus(c.plan, frames, { gapProbability: 0.3, maxGap: 4, stallProbability: 0.4, seed: 2 });
    for (const maxCycles of [1, 777, 5000, 9001]) {
      const ref = run(c.plan, stim, { maxCycles });
      expect(ref.finished).toBe(false);
      expect(observable(runEvents(c.plan, stim, { maxCycles }))).toEqual(observable(ref));
    }
  });
});
