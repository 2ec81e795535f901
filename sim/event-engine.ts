import type { Plan } from '../src/plan/types.js';
import { twinsFor } from './build.js';
import { recorder, run, runResult, type RunOptions, type RunResult } from './engine.js';
import { Sink, Source } from './event-ends.js';
import { PassSegment } from './event-pass.js';
import { NEVER, Wait, newCounts, type Clock, type EngineCounts, type Stage, type Upstream } from './event-ports.js';
import { Segment } from './event-segment.js';
import { hasQueue, type Queue } from './queue.js';
import { inputBeats, type Stimulus } from './stimulus.js';

export type { EngineCounts } from './event-ports.js';

/** Turns between two settles of every buffer. */
const SETTLE_TURNS = 256;

/**
 * The event engine: the same twins, the same source and sink as sim/engine.ts (the per-cycle
 * reference), the same results, far fewer steps. The plan is cut at its FIFOs into segments
 * (sim/event-segment.ts); each segment runs on its own clock, visiting only the cycles in which
 * something may happen to it, and as far ahead of its neighbours as the FIFOs between them allow
 * (sim/fifo.ts, FifoQueue): a FIFO's valid and ready are functions of how many beats were written
 * and read before a cycle, so a segment knows them as soon as one side is known to be far enough.
 * The segments take turns until all have reached the end of the run. docs/simulator.md explains
 * why this is exact.
 */
export function runEvents(plan: Plan, stim: Stimulus, opts: RunOptions = {}, counts: EngineCounts = newCounts()): RunResult {
  const expectOut = stim.expectOutBeats;
  const clock: Clock = { limit: expectOut > 0 ? (opts.maxCycles ?? stim.maxCycles) : 0 };
  // cycles are int32 here (sim/event-ports.ts): a longer bound goes to the per-cycle engine
  if (clock.limit >= NEVER) return run(plan, stim, opts);
  const { blocks, comb } = twinsFor(plan);
  const n = blocks.length;
  const rec = recorder(plan, opts);
  const source = new Source(stim, inputBeats(plan, stim));
  const sink = new Sink(stim, clock, plan.blocks[n - 1]!.out);
  const segments: Stage[] = [];
  const queues: Queue[] = [];
  let up: Upstream = source;
  let first = 0;
  for (let k = 0; k <= n; k++) {
    const bk = k < n ? blocks[k]! : undefined;
    const q = bk && hasQueue(bk) ? bk.queue() : undefined;
    if (k < n && !q) continue;
    const down = q ?? sink;
    const part = blocks.slice(first, k);
    const c = comb.slice(first, k);
    segments.push(c.every((x) => x) ? new PassSegment(first, part, up, down, clock, rec, counts) : new Segment(first, part, c, up, down, clock, rec, counts));
    if (q) {
      queues.push(q);
      up = q;
      first = k + 1;
    }
  }
  queues.forEach((q, i) => {
    q.writer = segments[i]!;
    q.reader = segments[i + 1]!;
  });

  const last = segments[segments.length - 1]!;
  // Turns: a segment runs until it needs a neighbour to be further on, which runs next; the one
  // behind in time can always go on (what it needs is known), so this ends. Past the last
  // segment, everything behind is run again from the first.
  let i = 0;
  let turns = 0;
  // The turns can pass between neighbours for the whole run without reaching the last segment:
  // settling every so often keeps the buffers' cycle lists short (memory bounded by the FIFO
  // depths and this period, not by the run's length).
  let sinceSettle = 0;
  const settle = () => {
    for (const q of queues) q.settle(Math.min(q.writer.c, q.reader.c, last.c));
  };
  for (;;) {
    const s = segments[i]!;
    const moved = s.run();
    if (++sinceSettle === SETTLE_TURNS) {
      sinceSettle = 0;
      settle();
    }
    if (s.blocked === Wait.Up) i--;
    else if (s.blocked === Wait.Down) i++;
    else if (++i === segments.length) {
      i = 0;
      // the run ends after the last segment's clock, so the cycles before it are in the run
      settle();
      let done = true;
      for (const x of segments) if (x.c < clock.limit) done = false;
      if (done) break;
    }
    turns = moved ? 0 : turns + 1;
    if (turns > 2 * segments.length + 2) throw new Error('internal: the event engine made no progress');
  }
  const end = clock.limit;
  // A segment that ran past the end of the run (its blocks ticked in cycles the run does not
  // have) is the one thing the end cannot undo: run again, stopping there.
  if (segments.some((s) => s.reached > end)) {
    counts.reruns++;
    return runEvents(plan, stim, { ...opts, maxCycles: end }, counts);
  }
  for (const s of segments) s.finish(end);
  for (const q of queues) q.settle(end);
  return { ...runResult(plan, blocks, end, source.inCycles, sink.out, expectOut), ...rec.extras() };
}
