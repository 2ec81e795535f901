import { estimateFifo, type FifoBlock } from '../blocks/fifo.js';
import type { Plan } from '../plan/types.js';
import { Prng } from '../util/prng.js';
import { runEvents } from '../../sim/event-engine.js';
import { doneCycles } from '../../sim/simulate.js';
import { rawRangeOf } from '../inputs/raw-range.js';
import { makeStimulus, NO_TRAFFIC, type TrafficOptions } from '../../sim/stimulus.js';
import { buildPlan } from './build-plan.js';
import type { FoldConfig } from './fold-config.js';
import type { IntegerModel } from '../model/integer-model.js';

/** The smallest depth fifo.v takes. */
export const MIN_FIFO_DEPTH = 2;
/** Frames per sizing run: the first two fill the pipeline, the intervals of the rest must all be the analytic II. */
export const SIZING_FRAMES = 6;
/** The traffic bnn verify uses by default: the sized design must still finish under it. */
export const VERIFY_TRAFFIC: TrafficOptions = { gapProbability: 0.25, maxGap: 3, stallProbability: 0.3, seed: 1 };

export interface FifoSize {
  name: string;
  layer?: string;
  width: number;
  depth: number;
  autoDepth: number;
  /** Most beats held at once with the chosen depths (back-to-back input, always-ready output). */
  maxOccupancy: number;
  bits: number;
  autoBits: number;
  /** What the estimator maps this depth to (src/blocks/fifo.ts). */
  memory: string;
}

export interface FifoSizing {
  plan: Plan;
  fifos: FifoSize[];
  ii: number;
  bitsSaved: number;
  /** Simulation runs and their total simulated cycles. */
  runs: number;
  cycles: number;
  seconds: number;
  /** The sized design under verify's random gaps and backpressure. */
  underVerifyTraffic: { finished: boolean; cycles: number; autoCycles: number };
}

/**
 * `fifoDepth: minimal`: for each FIFO in stream order, the smallest depth (binary search between
 * 2 and its automatic depth) with which the whole design, fed back to back and drained always
 * ready, still finishes and runs every steady-state frame at the analytic II. The FIFOs already
 * sized keep their new depth, the later ones their automatic one, so every accepted probe is a
 * simulated whole design and the last one is the result. Assumes no FIFO gets better by
 * shrinking (true of these valid/ready blocks); nothing depends on it for correctness.
 */
export function sizeFifos(im: IntegerModel, fold: FoldConfig, source: { model: string }, onProgress: (s: string) => void = () => {}): FifoSizing {
  const t0 = performance.now();
  const auto = buildPlan(im, { ...fold, fifoDepth: 'auto', fifoDepths: undefined }, source);
  const autoDepths = fifosOf(auto).map((b) => b.params.DEPTH);
  const rng = new Prng(0xf1f0);
  const { min, max } = rawRangeOf(auto.input.rawBits, auto.input.signed);
  const frames = Array.from({ length: SIZING_FRAMES }, () => Array.from({ length: auto.input.elements }, () => min + rng.int(max - min + 1)));
  let runs = 0;
  let cycles = 0;
  const planWith = (depths: number[]) => buildPlan(im, { ...fold, fifoDepth: 'auto', fifoDepths: depths }, source);
  const meets = (plan: Plan): boolean => {
    const r = runEvents(plan, makeStimulus(plan, frames, NO_TRAFFIC));
    runs++;
    cycles += r.cycles;
    if (!r.finished) return false;
    const done = doneCycles(plan, r.out.map((o) => o.cycle));
    for (let f = 2; f < done.length; f++) if (done[f]! - done[f - 1]! !== plan.ii.cycles) return false;
    return true;
  };
  if (!meets(auto)) throw new Error(`internal: ${auto.name} misses its analytic II with automatic FIFO depths`);
  const depths = [...autoDepths];
  fifosOf(auto).forEach((f, i) => {
    let lo = MIN_FIFO_DEPTH;
    let hi = depths[i]!; // known good
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      depths[i] = mid;
      if (meets(planWith(depths))) hi = mid;
      else lo = mid + 1;
    }
    depths[i] = hi;
    onProgress(`${f.name}: depth ${hi} (auto ${autoDepths[i]})`);
  });
  const plan = planWith(depths);
  const final = runEvents(plan, makeStimulus(plan, frames, NO_TRAFFIC));
  const occupancy = new Map(final.blocks.map((b) => [b.name, b.maxOccupancy ?? 0]));
  const fifos = fifosOf(plan).map((b, i): FifoSize => {
    const e = estimateFifo(b.params);
    const memory = e.bram18 > 0 ? `${e.bram18} BRAM18` : e.lutram > 0 ? `LUTRAM (${e.lutram} sites)` : 'registers';
    return {
      name: b.name,
      ...(b.layer ? { layer: b.layer } : {}),
      width: b.params.WIDTH,
      depth: b.params.DEPTH,
      autoDepth: autoDepths[i]!,
      maxOccupancy: occupancy.get(b.name)!,
      bits: b.params.WIDTH * b.params.DEPTH,
      autoBits: b.params.WIDTH * autoDepths[i]!,
      memory,
    };
  });
  const busy = (p: Plan) => runEvents(p, makeStimulus(p, frames, VERIFY_TRAFFIC));
  const sizedBusy = busy(plan);
  const autoBusy = busy(auto);
  return {
    plan,
    fifos,
    ii: plan.ii.cycles,
    bitsSaved: fifos.reduce((a, f) => a + f.autoBits - f.bits, 0),
    runs,
    cycles,
    seconds: (performance.now() - t0) / 1000,
    underVerifyTraffic: { finished: sizedBusy.finished, cycles: sizedBusy.cycles, autoCycles: autoBusy.cycles },
  };
}

function fifosOf(plan: Plan): FifoBlock[] {
  return plan.blocks.filter((b): b is FifoBlock => b.kind === 'fifo');
}
