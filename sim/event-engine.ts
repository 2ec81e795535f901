import type { Plan } from '../src/plan/types.js';
import type { Beat, SimBlock } from './block.js';
import { twinsFor } from './build.js';
import { recorder, runResult, type OutBeat, type RunOptions, type RunResult } from './engine.js';
import type { Stimulus } from './stimulus.js';

/**
 * The event engine: the same twins, the same source and sink as sim/engine.ts (the per-cycle
 * reference), the same results, but a block is only ticked in cycles where something happens to
 * it. Between those cycles a twin sleeps: its state is left at the cycle it was last ticked and
 * brought forward by `skip` (closed form) when it is next needed; its outValid()/inReady() are
 * the same throughout by the `horizon` contract, so reading them from the stale state is exact.
 * The engine visits only cycles in which a channel may fire or a block's outputs may change, and
 * jumps over the rest. docs/simulator.md explains why this is exact.
 */
export function runEvents(plan: Plan, stim: Stimulus, opts: RunOptions = {}): RunResult {
  const { blocks, comb } = twinsFor(plan);
  const n = blocks.length;
  const valid = new Uint8Array(n + 1);
  const ready = new Uint8Array(n + 1);
  const fire = new Uint8Array(n + 1);
  const data = new Array<Beat | undefined>(n + 1);
  /** Cycle up to which block k has been ticked (its state is the one at the start of t[k]). */
  const t = new Float64Array(n);
  /** Next cycle at which block k must be ticked. */
  const wake = new Float64Array(n);
  /** The downstream ready block k sleeps with. */
  const sleepReady = new Uint8Array(n);
  /** Block k's outValid(), inReady(false) and inReady(true), read after every change of its state. */
  const vOut = new Uint8Array(n);
  const rdy0 = new Uint8Array(n);
  const rdy1 = new Uint8Array(n);
  const inCycles: number[] = [];
  const out: OutBeat[] = [];
  const rec = recorder(n, opts);
  const expectOut = stim.expectOutBeats;
  const maxCycles = opts.maxCycles ?? stim.maxCycles;
  const readyRun = readyRuns(stim.ready);
  const period = stim.ready.length;

  const refresh = (k: number) => {
    const b = blocks[k]!;
    vOut[k] = !comb[k] && b.outValid() ? 1 : 0;
    rdy0[k] = b.inReady(false) ? 1 : 0;
    rdy1[k] = b.inReady(true) ? 1 : 0;
  };
  const advance = (k: number, to: number) => {
    const d = to - t[k]!;
    if (d <= 0) return;
    const b = blocks[k]!;
    if (b.skip) b.skip(d, sleepReady[k] === 1);
    else for (let j = 0; j < d; j++) b.tick(false, undefined, false, sleepReady[k] === 1);
    t[k] = to;
    refresh(k);
  };
  for (let k = 0; k < n; k++) refresh(k);

  let i = 0; // next input beat
  let srcAt = stim.gaps[0] ?? 0; // first cycle at which beat i is offered
  let c = 0;
  while (c < maxCycles && out.length < expectOut) {
    // valid: forward. Blocks due now are brought to this cycle; a sleeper's outputs are those of
    // its stale state (horizon contract).
    valid[0] = i < stim.beats.length && c >= srcAt ? 1 : 0;
    for (let k = 0; k < n; k++) {
      if (wake[k] === c) advance(k, c);
      valid[k + 1] = comb[k] ? valid[k]! : vOut[k]!;
    }
    // ready: backward. A sleeper whose downstream ready changed under a valid output is woken.
    ready[n] = period === 0 || stim.ready[c % period] === 1 ? 1 : 0;
    for (let k = n - 1; k >= 0; k--) {
      if (wake[k]! > c && ready[k + 1] !== sleepReady[k] && !comb[k] && valid[k + 1]) {
        advance(k, c);
        wake[k] = c;
      }
      ready[k] = ready[k + 1] ? rdy1[k]! : rdy0[k]!;
    }
    let anyFire = false;
    for (let k = 0; k <= n; k++) {
      const f = valid[k]! & ready[k]!;
      fire[k] = f;
      if (f) {
        anyFire = true;
        // both ends of a firing channel are ticked this cycle
        if (k > 0 && wake[k - 1]! > c) {
          advance(k - 1, c);
          wake[k - 1] = c;
        }
        if (k < n && wake[k]! > c) {
          advance(k, c);
          wake[k] = c;
        }
      }
    }
    if (anyFire) {
      data[0] = fire[0] ? stim.beats[i] : undefined;
      for (let k = 0; k < n; k++) {
        const b = blocks[k]!;
        data[k + 1] = fire[k + 1] ? (comb[k] ? b.map!(data[k]!) : b.outData()) : undefined;
      }
      if (fire[n]) out.push({ cycle: c, data: data[n]! });
      rec.record(c, fire, data);
      if (fire[0]) inCycles.push(c);
    }
    // clock edge for the blocks due this cycle; each then sleeps as long as its horizon allows
    let next = Infinity;
    for (let k = 0; k < n; k++) {
      if (wake[k]! > c) {
        if (wake[k]! < next) next = wake[k]!;
        continue;
      }
      const b = blocks[k]!;
      const r = ready[k + 1] === 1;
      advance(k, c);
      const v0 = vOut[k];
      const r0 = r ? rdy1[k] : rdy0[k];
      b.tick(fire[k] === 1, data[k], fire[k + 1] === 1, r);
      t[k] = c + 1;
      sleepReady[k] = ready[k + 1]!;
      refresh(k);
      const changed = fire[k] === 1 || fire[k + 1] === 1 || vOut[k] !== v0 || (r ? rdy1[k] : rdy0[k]) !== r0;
      const w = changed ? c + 1 : c + 1 + (b.horizon ? b.horizon(r) : 1);
      wake[k] = w;
      if (w < next) next = w;
    }
    if (fire[0]) {
      i++;
      srcAt = c + 1 + (stim.gaps[i] ?? 0);
    }
    if (anyFire) next = c + 1;
    // the source offers its next beat; the sink's ready changes under a waiting output beat
    if (i < stim.beats.length && srcAt > c && srcAt < next) next = srcAt;
    if (valid[n] && period !== 0) {
      const s = c + readyRun[c % period]!;
      if (s < next) next = s;
    }
    c = Math.min(next, maxCycles);
  }
  for (let k = 0; k < n; k++) advance(k, c);
  return { ...runResult(plan, blocks, c, inCycles, out, expectOut), ...rec.extras() };
}

/** For each position of the periodic ready pattern, the cycles until its value next changes. */
function readyRuns(pattern: Uint8Array): Int32Array {
  const L = pattern.length;
  const runs = new Int32Array(L);
  if (L === 0) return runs;
  let allSame = true;
  for (let k = 1; k < L; k++) if (pattern[k] !== pattern[0]) allSame = false;
  if (allSame) return runs.fill(2 ** 30);
  // walk backwards twice round the ring so that runs wrap
  let run = 1;
  for (let j = 2 * L - 1; j >= 0; j--) {
    const k = j % L;
    run = pattern[k] === pattern[(k + 1) % L] ? run + 1 : 1;
    if (j < L) runs[k] = run;
  }
  return runs;
}
