import type { Beat } from './block.js';

/**
 * What a segment of the event engine (sim/event-segment.ts) sees of the channel feeding it: the testbench's
 * source, or the read side of a FIFO filled by the segment before it. Answers are about the
 * cycle asked; -1 means "not known yet": the producer has not been simulated that far.
 */
export interface Upstream {
  /** 1: a beat is offered in cycle c; 0: none; -1: not known yet. */
  validAt(c: number): number;
  /** Called when validAt(c) is 0: no beat is offered before this cycle (> c). */
  nextValid(c: number): number;
  /** The beat offered (only valid in this cycle). */
  head(): Beat;
  take(c: number): void;
  /**
   * Optional: of the cycles c, c + 1, … c + max − 1, in how many in a row a beat is offered
   * (and known to be), one being taken in each; 1 if it does not say. Called when validAt(c) is 1.
   */
  offered?(c: number, max: number): number;
}

/** The channel a segment feeds: the testbench's sink, or the write side of a FIFO. */
export interface Downstream {
  /** 1: ready in cycle c; 0: not; -1: not known yet. */
  readyAt(c: number): number;
  /** Called when readyAt(c) is 0: not ready before this cycle (> c). */
  nextReady(c: number): number;
  /** Accept a beat (copied: it is only valid in this cycle). */
  put(c: number, beat: Beat): void;
}

/**
 * The event engine keeps cycles as int32, which V8 holds as small integers: a cycle that came out
 * of a Float64Array is a double, and every call that passes a double boxes it on the heap (a
 * tenth of a run was the collector's). NEVER stands for "no cycle" (a horizon of Infinity); a
 * run's cycle bound must stay below it (runEvents hands longer runs to the per-cycle engine).
 */
export const NEVER = 0x7fffffff;
/** c + d, or NEVER if that is not a cycle a run reaches (d may be Infinity). */
export const later = (c: number, d: number): number => (d < NEVER - c ? c + d : NEVER);

/** Why a segment's last run stopped short of the limit: it needs the upstream's or the downstream's answer. */
export const enum Wait {
  None,
  Up,
  Down,
}

/** What the event engine's turns see of a segment (sim/event-segment.ts, sim/event-pass.ts). */
export interface Stage {
  /** The next cycle to visit: every cycle before it is simulated and its beats are recorded. */
  readonly c: number;
  /** The latest cycle + 1 any block of the segment was brought to (the engine checks it against the end). */
  readonly reached: number;
  readonly blocked: Wait;
  /** Simulate as far as the ends allow (or the clock's limit); whether `c` moved. */
  run(): boolean;
  /** Every block brought to the start of cycle `to` (the end of the run). */
  finish(to: number): void;
}

/** What the segments share: the cycle no segment may reach (lowered when the sink is done). */
export interface Clock {
  limit: number;
}

/** Which of the event engine's paths a run took, and how often (its tests check each is taken). */
export interface EngineCounts {
  /** Cycles visited by a segment's general loop. */
  visits: number;
  /** Cycles visited by a block running alone. */
  alone: number;
  /** Beats moved in runs one way (Segment.solo's tighter loop). */
  streamed: number;
  /** Beats taken in runs that the block (intake) and its upstream (offered) declared, longer than one. */
  declared: number;
  /** Runs of a segment's first block alone while its last is frozen behind a downstream not ready. */
  behindFrozen: number;
  /** Beats through segments of combinational blocks only, or none. */
  passed: number;
  /** Runs made again because a segment had run past the end. */
  reruns: number;
}

export const newCounts = (): EngineCounts => ({ visits: 0, alone: 0, streamed: 0, declared: 0, behindFrozen: 0, passed: 0, reruns: 0 });

export interface Recorder {
  wants(ch: number): boolean;
  beat(ch: number, cycle: number, data: Beat): void;
}

/** What a block running alone sees of the sleeping neighbour it is not run with. */
export class Asleep implements Upstream, Downstream {
  /** As a producer: whether it offers a beat (which the block may not take without it). */
  offering = true;
  /** Until when its outputs are known to stay as they are. */
  until = 0;
  validAt(c: number): number {
    return !this.offering && c < this.until ? 0 : -1;
  }
  nextValid(): number {
    return this.until;
  }
  readyAt(): number {
    return -1;
  }
  nextReady(): number {
    return this.until;
  }
  head(): Beat {
    throw new Error('internal: a block running alone took a beat from a sleeping neighbour');
  }
  take(): void {
    throw new Error('internal: a block running alone took a beat from a sleeping neighbour');
  }
  put(): void {
    throw new Error('internal: a block running alone handed a beat to a sleeping neighbour');
  }
}
