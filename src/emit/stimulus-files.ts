import { streamBits } from '../plan/stream.js';
import type { Plan } from '../plan/types.js';
import type { Stimulus } from '../../sim/stimulus.js';
import type { RunResult } from '../../sim/engine.js';
import { encodeElems } from '../blocks/memory-image.js';
import { inAxisBits, outAxisBits } from './top-verilog.js';
import type { TestbenchCounts } from './testbench.js';

/** The testbench's memory files for a stimulus, and the log the simulator expects back. */
export function stimulusFiles(plan: Plan, stim: Stimulus): Map<string, string> {
  const inW = inAxisBits(plan);
  const rawBits = plan.blocks[0]!.in.elemBits;
  const files = new Map<string, string>();
  files.set('tb/in.mem', stim.beats.map((b) => encodeElems(b, rawBits, inW)).join('\n') + '\n');
  files.set('tb/gaps.mem', stim.gaps.map((g) => g.toString(16)).join('\n') + '\n');
  files.set('tb/ready.mem', stim.ready.length ? Array.from(stim.ready, String).join('\n') + '\n' : '0\n');
  const c = testbenchCounts(stim);
  files.set('tb/counts.mem', [c.inBeats, c.outBeats, c.readyPeriod, c.maxCycles].map((n) => n.toString(16)).join('\n') + '\n');
  return files;
}

export function testbenchCounts(stim: Stimulus): TestbenchCounts {
  return { inBeats: stim.beats.length, outBeats: stim.expectOutBeats, readyPeriod: stim.ready.length, maxCycles: stim.maxCycles };
}

/** The log tb_top writes, as the simulator predicts it (what `bnn verify` compares against). */
export function expectedLog(plan: Plan, r: RunResult): string {
  const outW = outAxisBits(plan);
  const last = plan.blocks[plan.blocks.length - 1]!;
  const events: Array<[number, number, string]> = [];
  r.inCycles.forEach((c) => events.push([c, 0, `I ${c}`]));
  r.out.forEach((o) => events.push([o.cycle, 1, `O ${o.cycle} ${encodeElems(o.data, last.out.elemBits, outW)}`]));
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const lines = events.map((e) => e[2]);
  if (r.finished && r.out.length) lines.push(`DONE ${r.out[r.out.length - 1]!.cycle}`);
  return lines.join('\n') + '\n';
}

/**
 * Every inter-block stream as the simulator predicts tb_top records it in tb/streams.log: one
 * line `S <block> <cycle> <tdata>` per beat accepted on a block's output channel, ordered by
 * cycle, then plan order (the testbench's statement order). Needs a run with `streams`.
 */
export function expectedStreamsLog(plan: Plan, r: RunResult): string {
  if (!r.streams) throw new Error('internal: expectedStreamsLog needs a run with streams recorded');
  const events: Array<[number, number, string]> = [];
  r.streams.forEach((beats, k) => {
    const b = plan.blocks[k]!;
    const w = streamBits(b.out);
    for (const o of beats) events.push([o.cycle, k, `S ${b.name} ${o.cycle} ${encodeElems(o.data, b.out.elemBits, w)}`]);
  });
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return events.map((e) => e[2] + '\n').join('');
}
