import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { integerForward } from '../src/compiler/integer-reference.js';
import type { Plan } from '../src/plan/types.js';
import { randomModel } from '../src/model/random-model.js';
import { Prng } from '../src/util/prng.js';
import { run, type RunOptions, type RunResult } from './engine.js';
import { runEvents } from './event-engine.js';
import { newCounts } from './event-ports.js';
import { randomArch, randomFolding } from './random-plan.js';
import { makeStimulus, NO_TRAFFIC, type Stimulus } from './stimulus.js';

/** Everything observable: beat values and cycles on both ports and every stream, per-block counters, cycles. */
function observable(r: RunResult) {
  return {
    cycles: r.cycles,
    finished: r.finished,
    inCycles: r.inCycles,
    out: r.out.map((b) => [b.cycle, ...b.data]),
    blocks: r.blocks,
    tapped: r.tapped?.map((b) => [...b]),
    streams: r.streams?.map((s) => s.map((b) => [b.cycle, ...b.data])),
  };
}

type Traffic = 'calm' | 'random' | 'bursty' | 'choked';

/**
 * The testbench's traffic in four kinds, so that every path of the event engine is taken:
 * `calm` (back to back, always ready: long runs of beats), `random` (independent gaps and
 * stalls), `bursty` (long gaps and long stretches of ready and not ready: runs that start and
 * stop, backpressure that lasts), `choked` (the sink ready one cycle in ten).
 */
function stimulus(plan: Plan, frames: number[][], kind: Traffic, rng: Prng, seed: number): Stimulus {
  if (kind === 'calm') return makeStimulus(plan, frames, NO_TRAFFIC);
  if (kind === 'random') return makeStimulus(plan, frames, { gapProbability: rng.float(), maxGap: 1 + rng.int(8), stallProbability: rng.float() * 0.8, seed });
  if (kind === 'choked') return makeStimulus(plan, frames, { gapProbability: 0, maxGap: 0, stallProbability: 0.9, seed });
  const base = makeStimulus(plan, frames, NO_TRAFFIC);
  const gaps = base.beats.map(() => (rng.float() < 0.05 ? 10 + rng.int(60) : 0));
  const ready: number[] = [];
  for (let on = rng.float() < 0.5; ready.length < 4096; on = !on) for (let n = 1 + rng.int(80); n > 0; n--) ready.push(on ? 1 : 0);
  const gapTotal = gaps.reduce((a, b) => a + b, 0);
  return { ...base, gaps, ready: Uint8Array.from(ready), maxCycles: (base.maxCycles + gapTotal) * 4 };
}

describe('event engine', () => {
  it('matches the per-cycle engine beat for beat, cycle for cycle and count for count over random plans, foldings and traffic', () => {
    const rng = new Prng(12);
    const counts = newCounts();
    const kinds: Traffic[] = ['calm', 'random', 'bursty', 'choked'];
    let compared = 0;
    let multiBit = 0;
    let multiBitPool = 0;
    for (let trial = 0; trial < 160; trial++) {
      const model = randomModel(randomArch(rng, trial));
      const c = compile(model, { fold: randomFolding(model, rng) });
      const frames = Array.from({ length: 1 + rng.int(4) }, () => Array.from({ length: c.plan.input.elements }, () => rng.int(256)));
      const kind = kinds[trial % kinds.length]!;
      const stim = stimulus(c.plan, frames, kind, rng, trial);
      // streams on every other trial (the recorded and the unrecorded loops differ), a tap on all
      const opts: RunOptions = { tap: rng.int(c.plan.blocks.length), ...(trial % 2 ? { streams: true } : {}) };
      const ref = run(c.plan, stim, opts);
      const ev = runEvents(c.plan, stim, opts, counts);
      expect(observable(ev), `trial ${trial} (${kind}): ${JSON.stringify(c.fold.layers)} fifo ${c.fold.fifoDepth}`).toEqual(observable(ref));
      expect(ref.finished).toBe(true);
      // And the classes are the golden model's (multi-bit plans included).
      expect(ref.out.map((b) => b.data[0]), `trial ${trial}`).toEqual(frames.map((f) => integerForward(c.integer, f).prediction));
      if (c.plan.blocks.some((b) => b.kind === 'mvtu' && (b.params.OUT_BITS ?? 1) > 1)) multiBit++;
      if (c.plan.blocks.some((b) => b.kind === 'pool' && (b.params.ELEM_BITS ?? 1) > 1)) multiBitPool++;
      compared++;
    }
    expect(compared).toBe(160);
    // sim/random-plan.ts draws A-bit activations for about half the networks, some of them convolutional with a pool.
    expect(multiBit).toBeGreaterThan(50);
    expect(multiBitPool).toBeGreaterThan(3);
    // every path was taken, the runs of beats (one loop turn per beat) a good part of the work
    expect(counts.visits).toBeGreaterThan(0);
    expect(counts.alone).toBeGreaterThan(0);
    expect(counts.passed).toBeGreaterThan(0);
    expect(counts.declared).toBeGreaterThan(0);
    expect(counts.behindFrozen).toBeGreaterThan(0);
    expect(counts.streamed).toBeGreaterThan((counts.visits + counts.alone) / 4);
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

  it('agrees at cut-offs anywhere in random runs', () => {
    const rng = new Prng(34);
    let cut = 0;
    for (let trial = 0; trial < 30; trial++) {
      const model = randomModel(randomArch(rng, 500 + trial));
      const c = compile(model, { fold: randomFolding(model, rng) });
      const frames = Array.from({ length: 2 }, () => Array.from({ length: c.plan.input.elements }, () => rng.int(256)));
      const stim = stimulus(c.plan, frames, trial % 2 ? 'bursty' : 'random', rng, trial);
      const full = run(c.plan, stim).cycles;
      for (const maxCycles of [1 + rng.int(full), 1 + rng.int(full), full]) {
        const opts = { maxCycles, streams: true };
        const ref = run(c.plan, stim, opts);
        if (!ref.finished) cut++;
        expect(observable(runEvents(c.plan, stim, opts)), `trial ${trial} at ${maxCycles}`).toEqual(observable(ref));
      }
    }
    expect(cut).toBeGreaterThan(40);
  });

  it('ends where the per-cycle engine ends while beats still move upstream (fewer output beats expected than sent)', () => {
    // The segments ahead in time have simulated past the last output beat: the run is made
    // again up to the end, and must come out the same.
    const rng = new Prng(56);
    const counts = newCounts();
    for (let trial = 0; trial < 12; trial++) {
      const model = randomModel(randomArch(rng, 700 + trial));
      const c = compile(model, { fold: randomFolding(model, rng) });
      const frames = Array.from({ length: 3 }, () => Array.from({ length: c.plan.input.elements }, () => rng.int(256)));
      const full = stimulus(c.plan, frames, trial % 2 ? 'calm' : 'random', rng, trial);
      const stim = { ...full, expectOutBeats: Math.max(1, Math.floor(full.expectOutBeats / 3)) };
      expect(observable(runEvents(c.plan, stim, { streams: true }, counts)), `trial ${trial}`).toEqual(observable(run(c.plan, stim, { streams: true })));
    }
    expect(counts.reruns).toBeGreaterThan(0);
  });
});
