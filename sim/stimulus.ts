import type { Plan } from '../src/plan/types.js';
import { checkRawFrames, rawRangeOf } from '../src/inputs/raw-range.js';
import { Prng } from '../src/util/prng.js';
import { isPacked, packBits } from './bits.js';
import type { Beat } from './block.js';

/**
 * What the testbench's driver and monitor do, as data both the RTL testbench (through memory
 * files) and the simulator read: input beats, idle cycles before each beat, and the output
 * ready pattern per cycle.
 */
export interface Stimulus {
  beats: Beat[];
  gaps: number[];
  ready: Uint8Array;
  expectOutBeats: number;
  maxCycles: number;
}

export interface TrafficOptions {
  /** Probability that an input beat is preceded by idle cycles, and the most idle cycles. */
  gapProbability: number;
  maxGap: number;
  /** Probability that the output is not ready in a cycle (the pattern repeats every READY_PERIOD cycles). */
  stallProbability: number;
  seed: number;
}

export const READY_PERIOD = 8192;

export const NO_TRAFFIC: TrafficOptions = { gapProbability: 0, maxGap: 0, stallProbability: 0, seed: 0 };

/**
 * Split raw frames into input beats of the plan's first engine (SIMD raw elements per beat). A
 * padded first layer takes more elements than a frame has: the last beat is filled up with zeros.
 */
export function frameBeats(plan: Plan, frames: ArrayLike<number>[]): Beat[] {
  const first = plan.blocks[0]!.in;
  const lanes = first.elems;
  checkRawFrames(rawRangeOf(plan.input.rawBits, plan.input.signed), frames, 'frame');
  for (const f of frames) {
    if (f.length !== plan.input.elements) throw new Error(`frame has ${f.length} elements, plan expects ${plan.input.elements}`);
  }
  // the beats are views of one buffer, in stream order: a simulator reads them one after another
  const all = new Int32Array(frames.length * first.beatsPerFrame * lanes);
  const beats: Beat[] = [];
  let at = 0;
  for (const f of frames) {
    for (let b = 0; b < first.beatsPerFrame; b++) {
      for (let e = 0; e < lanes; e++) all[at + e] = b * lanes + e < f.length ? f[b * lanes + e]! : 0;
      beats.push(all.subarray(at, at + lanes));
      at += lanes;
    }
  }
  return beats;
}

export function makeStimulus(plan: Plan, frames: ArrayLike<number>[], traffic: TrafficOptions = NO_TRAFFIC): Stimulus {
  const rng = new Prng(traffic.seed ^ 0x5eed);
  const beats = frameBeats(plan, frames);
  const gaps = beats.map(() => (rng.float() < traffic.gapProbability ? 1 + rng.int(traffic.maxGap) : 0));
  const outPerFrame = plan.blocks[plan.blocks.length - 1]!.out.beatsPerFrame;
  const gapTotal = gaps.reduce((a, b) => a + b, 0);
  // A bound no correct design can reach: every frame serialized at the II, plus all the gaps,
  // slowed by the stall probability, plus the pipeline fill.
  const fill = plan.blocks.reduce((a, b) => a + b.cyclesPerFrame + 4, 0);
  const maxCycles = Math.ceil(((frames.length + 1) * plan.ii.cycles + gapTotal + fill) / (1 - Math.min(traffic.stallProbability, 0.9))) * 2 + 1000;
  // The ready pattern repeats with this period (cycle c uses ready[c % length]); empty = always ready.
  const readyLen = traffic.stallProbability > 0 ? Math.min(maxCycles, READY_PERIOD) : 0;
  const ready = new Uint8Array(readyLen);
  for (let c = 0; c < readyLen; c++) ready[c] = rng.float() < traffic.stallProbability ? 0 : 1;
  return { beats, gaps, ready, expectOutBeats: frames.length * outPerFrame, maxCycles };
}

/**
 * The stimulus' beats as the first block takes them: packed when its input is 1-bit (sim/bits.ts).
 * Made once per stimulus (a plan and its stimulus are often run many times: FIFO sizing, benches).
 */
export function inputBeats(plan: Plan, stim: Stimulus): Beat[] {
  if (!isPacked(plan.blocks[0]!.in)) return stim.beats;
  let beats = packedInputs.get(stim);
  if (!beats) packedInputs.set(stim, (beats = stim.beats.map((b) => packBits(b))));
  return beats;
}
const packedInputs = new WeakMap<Stimulus, Beat[]>();
