import { frameResults } from '../src/plan/output-values.js';
import type { Plan } from '../src/plan/types.js';
import { run, type RunResult } from './engine.js';
import { runEvents } from './event-engine.js';
import { makeStimulus, NO_TRAFFIC, type TrafficOptions } from './stimulus.js';

export interface SimReport {
  frames: number;
  predictions: number[];
  /** Per frame, the last layer's values as the simulator computed them (scores, or bits of a thresholded layer). */
  scores: number[][];
  output: { rule: Plan['output']['rule']; stream: Plan['output']['stream'] };
  cycles: {
    total: number;
    /** Initiation interval: analytic (largest block cycles/frame) and measured between the last two frames. */
    ii: { analytic: number; measured: number | null; bottleneck: string; steady: boolean; source: string };
    /** First frame: cycles from its first input beat accepted to its result accepted. */
    latency: number | null;
  };
  blocks: RunResult['blocks'];
  finished: boolean;
}

/** The block whose output beats are the last layer's values when label_select follows it. */
export function valuesTap(plan: Plan): number | undefined {
  return plan.output.stream === 'class' ? plan.blocks.length - 2 : undefined;
}

/** Cycle each frame's last output beat was accepted. */
export function doneCycles(plan: Plan, outCycles: number[]): number[] {
  const perFrame = plan.blocks[plan.blocks.length - 1]!.out.beatsPerFrame;
  const done: number[] = [];
  for (let f = 0; (f + 1) * perFrame <= outCycles.length; f++) done.push(outCycles[(f + 1) * perFrame - 1]!);
  return done;
}

/** II from frame completion cycles: the last difference, and whether the second half of them all agree. */
export function measuredIi(done: number[]): { measured: number | null; steady: boolean } {
  if (done.length < 2) return { measured: null, steady: false };
  const diffs = done.slice(1).map((c, i) => c - done[i]!);
  const measured = diffs[diffs.length - 1]!;
  return { measured, steady: diffs.slice(Math.floor(diffs.length / 2)).every((d) => d === measured) };
}

export function summarize(plan: Plan, r: RunResult, frames: number, traffic: TrafficOptions = NO_TRAFFIC): SimReport {
  const { predictions, scores } = frameResults(plan, r.out.map((o) => o.data), r.tapped);
  const done = doneCycles(plan, r.out.map((o) => o.cycle));
  const { measured, steady } = measuredIi(done);
  const idealTraffic = traffic.gapProbability === 0 && traffic.stallProbability === 0;
  return {
    frames,
    predictions,
    scores,
    output: { rule: plan.output.rule, stream: plan.output.stream },
    cycles: {
      total: r.cycles,
      ii: {
        analytic: plan.ii.cycles,
        measured,
        bottleneck: plan.ii.bottleneck,
        steady,
        source: `simulator: difference of the completion cycles of the last two frames${idealTraffic ? ', no input gaps or output backpressure' : ', with random input gaps and backpressure'}`,
      },
      latency: done.length && r.inCycles.length ? done[0]! - r.inCycles[0]! : null,
    },
    blocks: r.blocks,
    finished: r.finished,
  };
}

/** The two engines: event-driven (the default) and the per-cycle reference it is checked against. */
export const ENGINES = { event: runEvents, cycle: run } as const;
export type EngineName = keyof typeof ENGINES;

/** Run frames through the plan's twins (no input gaps, no backpressure unless given). */
export function simulate(
  plan: Plan,
  frames: ArrayLike<number>[],
  traffic: TrafficOptions = NO_TRAFFIC,
  engine: EngineName = 'event',
): { report: SimReport; run: RunResult } {
  const stim = makeStimulus(plan, frames, traffic);
  const tap = valuesTap(plan);
  const r = ENGINES[engine](plan, stim, tap === undefined ? {} : { tap });
  return { report: summarize(plan, r, frames.length, traffic), run: r };
}
