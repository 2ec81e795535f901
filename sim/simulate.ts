import type { Plan } from '../src/plan/types.js';
import { run, type RunResult } from './engine.js';
import { runEvents } from './event-engine.js';
import { makeStimulus, NO_TRAFFIC, type TrafficOptions } from './stimulus.js';

export interface SimReport {
  frames: number;
  predictions: number[];
  cycles: {
    total: number;
    /** Initiation interval: analytic (largest block cycles/frame) and measured between the last two frames. */
    ii: { analytic: number; measured: number | null; bottleneck: string; steady: boolean };
    /** First frame: cycles from its first input beat accepted to its result accepted. */
    latency: number | null;
  };
  blocks: RunResult['blocks'];
  finished: boolean;
}

/** The frame each output beat completes: predictions and per-frame completion cycles. */
export function framesOut(plan: Plan, r: RunResult): { predictions: number[]; doneCycles: number[] } {
  const perFrame = plan.blocks[plan.blocks.length - 1]!.out.beatsPerFrame;
  const predictions: number[] = [];
  const doneCycles: number[] = [];
  for (let f = 0; (f + 1) * perFrame <= r.out.length; f++) {
    const last = r.out[(f + 1) * perFrame - 1]!;
    doneCycles.push(last.cycle);
    predictions.push(last.data[0]!);
  }
  return { predictions, doneCycles };
}

export function summarize(plan: Plan, r: RunResult, frames: number): SimReport {
  const { predictions, doneCycles } = framesOut(plan, r);
  let measured: number | null = null;
  let steady = false;
  if (doneCycles.length >= 2) {
    const diffs = doneCycles.slice(1).map((c, i) => c - doneCycles[i]!);
    measured = diffs[diffs.length - 1]!;
    const half = diffs.slice(Math.floor(diffs.length / 2));
    steady = half.every((d) => d === measured);
  }
  return {
    frames,
    predictions,
    cycles: {
      total: r.cycles,
      ii: { analytic: plan.ii.cycles, measured, bottleneck: plan.ii.bottleneck, steady },
      latency: doneCycles.length && r.inCycles.length ? doneCycles[0]! - r.inCycles[0]! : null,
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
  const r = ENGINES[engine](plan, stim);
  return { report: summarize(plan, r, frames.length), run: r };
}
