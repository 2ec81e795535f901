import { designFiles } from '../emit/generate.js';
import { rtlFiles } from '../emit/top-verilog.js';
import type { Plan } from '../plan/types.js';
import type { RunResult } from '../../sim/engine.js';
import { runEvents } from '../../sim/event-engine.js';
import type { Stimulus } from '../../sim/stimulus.js';

/** A generated design and what went into it, for callers that go on to run or synthesize it. */
export interface GeneratedDesign {
  files: Map<string, string>;
  /** The simulator's run of the stimulus (streams recorded): what the testbench expects. */
  predicted: RunResult;
  /** RTL sources in compile order (the design's files.f). */
  rtl: string[];
}

/** Simulate the stimulus, then emit the design that expects exactly that run. */
export function generateDesign(plan: Plan, stim: Stimulus): GeneratedDesign {
  const predicted = runEvents(plan, stim, { streams: true });
  return { files: designFiles(plan, stim, predicted), predicted, rtl: rtlFiles(plan) };
}
