import { beatElements } from './bits.js';
import type { Beat } from './block.js';
import type { OutBeat } from './engine.js';
import { NEVER, later, type Clock, type Downstream, type Upstream } from './event-ports.js';
import type { Stimulus } from './stimulus.js';

/**
 * The testbench's driver as the event engine's first upstream: beat i is offered gaps[i] cycles
 * after beat i - 1 was accepted (after cycle 0 for the first) and held until accepted.
 */
export class Source implements Upstream {
  /** Acceptance cycle of each beat (allocated once: a growing array is garbage per beat). */
  private readonly accepted: Int32Array;
  private i = 0;
  /** First cycle at which beat i is offered. */
  private at: number;

  constructor(
    private readonly stim: Stimulus,
    /** The stimulus' beats as the first block takes them (sim/stimulus.ts, inputBeats). */
    private readonly beats: Beat[],
  ) {
    this.at = stim.gaps[0] ?? 0;
    this.accepted = new Int32Array(beats.length);
  }
  get inCycles(): number[] {
    // one allocation of the final size (pushing grows the array, a copy each time)
    const out = new Array<number>(this.i);
    for (let j = 0; j < this.i; j++) out[j] = this.accepted[j]!;
    return out;
  }
  validAt(c: number): number {
    return this.i < this.beats.length && c >= this.at ? 1 : 0;
  }
  nextValid(): number {
    return this.i < this.beats.length ? this.at : NEVER;
  }
  head(): Beat {
    return this.beats[this.i]!;
  }
  take(c: number): void {
    this.accepted[this.i++] = c;
    this.at = c + 1 + (this.stim.gaps[this.i] ?? 0);
  }
}

/**
 * The testbench's monitor as the last downstream: ready in cycle c is ready[c % length] (always,
 * for an empty pattern). The run ends the cycle after the last expected beat is accepted.
 */
export class Sink implements Downstream {
  readonly out: OutBeat[] = [];
  private readonly pattern: Uint8Array;
  /** For each position of the pattern, the cycles until its value next changes. */
  private readonly runs: Int32Array;

  constructor(
    stim: Stimulus,
    private readonly clock: Clock,
    /** The last block's output channel: its beats are recorded as elements. */
    private readonly ch: { elems: number; elemBits: number },
  ) {
    this.pattern = stim.ready;
    this.runs = readyRuns(stim.ready);
    this.expect = stim.expectOutBeats;
  }
  private readonly expect: number;

  readyAt(c: number): number {
    const L = this.pattern.length;
    return L === 0 || this.pattern[c % L] === 1 ? 1 : 0;
  }
  nextReady(c: number): number {
    return later(c, this.runs[c % this.pattern.length]!);
  }
  put(c: number, beat: Beat): void {
    this.out.push({ cycle: c, data: beatElements(this.ch, beat) });
    if (this.out.length >= this.expect && c + 1 < this.clock.limit) this.clock.limit = c + 1;
  }
}

function readyRuns(pattern: Uint8Array): Int32Array {
  const L = pattern.length;
  const runs = new Int32Array(L);
  if (L === 0) return runs;
  let allSame = true;
  for (let k = 1; k < L; k++) if (pattern[k] !== pattern[0]) allSame = false;
  if (allSame) return runs.fill(NEVER);
  // walk backwards twice round the ring so that runs wrap
  let run = 1;
  for (let j = 2 * L - 1; j >= 0; j--) {
    const k = j % L;
    run = pattern[k] === pattern[(k + 1) % L] ? run + 1 : 1;
    if (j < L) runs[k] = run;
  }
  return runs;
}
