import type { Plan } from '../src/plan/types.js';
import { beatElements } from './bits.js';
import type { Beat, BlockStats, SimBlock } from './block.js';
import { twinsFor } from './build.js';
import { inputBeats, type Stimulus } from './stimulus.js';

/** One output beat as the testbench sees it: the cycle it was accepted and its elements. */
export interface OutBeat {
  cycle: number;
  data: Beat;
}

export interface RunResult {
  cycles: number;
  /** Cycle each input beat was accepted. */
  inCycles: number[];
  out: OutBeat[];
  blocks: Array<{ name: string; kind: string } & BlockStats & { maxOccupancy?: number }>;
  finished: boolean;
  /** Output beats of the block `tap` asked for, in order (values only). */
  tapped?: Beat[];
  /** With `streams`: every beat accepted on each block's output channel, in plan order. */
  streams?: OutBeat[][];
}

/**
 * Steps the plan's twins cycle by cycle between a source and a sink that behave exactly like
 * the generated testbench's driver and monitor (hw-tests/ and src/emit/testbench.ts):
 * the source offers beat i after gaps[i] idle cycles and holds it until accepted; the sink's
 * ready in cycle c is ready[c % ready.length] (always ready for an empty pattern).
 */
export interface RunOptions {
  maxCycles?: number;
  /** Record the output beats of this block (plan index). */
  tap?: number;
  /** Record every beat accepted on every block's output channel. */
  streams?: boolean;
}

/** What a run records besides the top's beats (as elements); both engines feed it the same firing channels. */
export function recorder(plan: Plan, opts: RunOptions) {
  const n = plan.blocks.length;
  const tap = opts.tap === undefined ? -1 : opts.tap + 1;
  const tapped: Beat[] = [];
  const streams: OutBeat[][] | undefined = opts.streams ? Array.from({ length: n }, () => []) : undefined;
  /** Whether channel ch's beats are kept at all (the engines skip the calls otherwise). */
  const wants = (ch: number) => ch === tap || (streams !== undefined && ch >= 1 && ch <= n);
  const beat = (ch: number, cycle: number, data: Beat): void => {
    const out = plan.blocks[ch - 1]!.out;
    if (ch === tap) tapped.push(beatElements(out, data));
    if (streams && ch >= 1) streams[ch - 1]!.push({ cycle, data: beatElements(out, data) });
  };
  return {
    wants,
    /** One beat accepted on channel ch (channel k + 1 is block k's output), in cycle order per channel. */
    beat,
    /** Every channel firing this cycle; `fire`/`data` as the per-cycle engine holds them. */
    record(cycle: number, fire: ArrayLike<boolean | number>, data: ArrayLike<Beat | undefined>): void {
      for (let ch = 1; ch <= n; ch++) if (fire[ch] && wants(ch)) beat(ch, cycle, data[ch]!);
    },
    extras(): Pick<RunResult, 'tapped' | 'streams'> {
      return { ...(tap > 0 ? { tapped } : {}), ...(streams ? { streams } : {}) };
    },
  };
}

export function run(plan: Plan, stim: Stimulus, opts: RunOptions = {}): RunResult {
  const { blocks, comb } = twinsFor(plan);
  const n = blocks.length;
  const valid = new Array<boolean>(n + 1).fill(false);
  const ready = new Array<boolean>(n + 1).fill(false);
  const fire = new Array<boolean>(n + 1).fill(false);
  const data = new Array<Beat | undefined>(n + 1);
  const inCycles: number[] = [];
  const out: OutBeat[] = [];
  const rec = recorder(plan, opts);
  const beats = inputBeats(plan, stim);
  const lastOut = plan.blocks[n - 1]!.out;
  const expectOut = stim.expectOutBeats;
  const maxCycles = opts.maxCycles ?? stim.maxCycles;
  let i = 0; // next input beat
  let gap = stim.gaps[0] ?? 0;
  let cycle = 0;
  for (; cycle < maxCycles && out.length < expectOut; cycle++) {
    // valid: forward (registered, or passed through a combinational block)
    valid[0] = i < beats.length && gap === 0;
    for (let k = 0; k < n; k++) {
      const b = blocks[k]!;
      valid[k + 1] = comb[k] ? valid[k]! : b.outValid();
    }
    // ready: backward from the sink
    ready[n] = stim.ready.length === 0 || stim.ready[cycle % stim.ready.length] === 1;
    for (let k = n - 1; k >= 0; k--) ready[k] = blocks[k]!.inReady(ready[k + 1]!);
    for (let k = 0; k <= n; k++) fire[k] = valid[k]! && ready[k]!;
    // data on the channels that fire
    data[0] = fire[0] ? beats[i] : undefined;
    for (let k = 0; k < n; k++) {
      const b = blocks[k]!;
      data[k + 1] = fire[k + 1] ? (comb[k] ? b.map!(data[k]!) : b.outData()) : undefined;
    }
    if (fire[n]) out.push({ cycle, data: beatElements(lastOut, data[n]!) });
    rec.record(cycle, fire, data);
    if (fire[0]) inCycles.push(cycle);
    // clock edge, consumers first: a beat handed over is read before its producer's next tick
    for (let k = n - 1; k >= 0; k--) blocks[k]!.tick(fire[k]!, data[k], fire[k + 1]!, ready[k + 1]!);
    if (fire[0]) {
      i++;
      gap = stim.gaps[i] ?? 0;
    } else if (gap > 0) gap--;
  }
  return { ...runResult(plan, blocks, cycle, inCycles, out, expectOut), ...rec.extras() };
}

/** What either engine returns once its blocks have been ticked through `cycles`. */
export function runResult(plan: Plan, blocks: SimBlock[], cycles: number, inCycles: number[], out: OutBeat[], expectOut: number): RunResult {
  return {
    cycles,
    inCycles,
    out,
    finished: out.length >= expectOut,
    blocks: blocks.map((b, k) => ({
      name: b.name,
      kind: plan.blocks[k]!.kind,
      ...b.stats,
      ...(b.maxOccupancy ? { maxOccupancy: b.maxOccupancy() } : {}),
    })),
  };
}
