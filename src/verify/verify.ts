import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Compiled } from '../compiler/compile.js';
import { integerForward } from '../compiler/integer-reference.js';
import { designFiles, writeDesign } from '../emit/generate.js';
import { simulate } from '../../sim/simulate.js';
import { makeStimulus, type TrafficOptions } from '../../sim/stimulus.js';
import { compareLogs, parseLog, type LogComparison } from './compare-logs.js';
import { compareStreams, type StreamComparison } from './compare-streams.js';
import { lintDesign, runRtl, type RtlSimulator } from './run-rtl.js';
import { hasTool } from './tools.js';

export interface VerifyOptions {
  sim: RtlSimulator;
  frames: ArrayLike<number>[];
  traffic: TrafficOptions;
  /** Where the design, stimulus and logs are written (kept for inspection). */
  dir: string;
  lint?: boolean;
  onProgress?: (text: string) => void;
}

export interface VerifyReport {
  ok: boolean;
  sim: RtlSimulator;
  design: string;
  dir: string;
  frames: number;
  seed: number;
  /** Output beats that differ between RTL and simulator (value or cycle), plus missing/extra. */
  mismatches: number;
  inputMismatches: number;
  /** Classes from the RTL, one per frame. */
  predictions: number[];
  /** Classes from the bit-packed integer reference (the golden model). */
  golden: number[];
  goldenMismatches: number;
  firstMismatch?: LogComparison['first'];
  /** Every block's output stream, RTL against the simulator's per-block log. */
  streams: Pick<StreamComparison, 'streams' | 'beats' | 'differences' | 'first'>;
  vcd?: string;
  timedOut: boolean;
  lint?: { clean: boolean; warnings: string[] };
  cycles: {
    /** With the random gaps and backpressure of this run. */
    total: number;
    ii: { analytic: number; measured: number | null; bottleneck: string };
    /** First frame, no gaps or backpressure. */
    latency: number | null;
  };
  seconds: { build: number; run: number };
}

/**
 * Run the emitted RTL under a simulator with seeded random input gaps and output backpressure
 * and check every beat against the cycle-accurate simulator fed the same pattern, and the
 * RTL's classes against the golden integer model.
 */
export async function verify(c: Compiled, o: VerifyOptions): Promise<VerifyReport> {
  const plan = c.plan;
  const say = o.onProgress ?? (() => {});
  say('simulating in TypeScript');
  const stim = makeStimulus(plan, o.frames, o.traffic);
  const files = designFiles(plan, stim);
  writeDesign(o.dir, files);
  let lint: VerifyReport['lint'];
  if (o.lint !== false && (await hasTool('verilator'))) {
    say('linting with verilator -Wall');
    const warnings = await lintDesign(o.dir, plan.top);
    lint = { clean: warnings.length === 0, warnings };
  }
  say(`running RTL in ${o.sim}`);
  const t = await runRtl(o.dir, o.sim);
  const logFile = join(o.dir, 'tb/out.log');
  const gotText = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  const cmp = compareLogs(parseLog(files.get('tb/expected.log')!), parseLog(gotText));
  const streamsFile = join(o.dir, 'tb/streams.log');
  const streams = compareStreams(
    plan.blocks.map((b) => b.name),
    files.get('tb/expected_streams.log')!,
    existsSync(streamsFile) ? readFileSync(streamsFile, 'utf8') : '',
  );
  const rtlOut = parseLog(gotText).filter((e) => e.kind === 'O');
  const perFrame = plan.blocks[plan.blocks.length - 1]!.out.beatsPerFrame;
  const predictions: number[] = [];
  for (let f = 0; (f + 1) * perFrame <= rtlOut.length; f++) {
    const d = rtlOut[(f + 1) * perFrame - 1]!.data ?? '';
    predictions.push(/^[0-9a-f]+$/.test(d) ? parseInt(d, 16) : -1);
  }
  const golden = Array.from(o.frames, (f) => integerForward(c.integer, f).prediction);
  const goldenMismatches = golden.filter((g, i) => predictions[i] !== g).length;
  let vcd: string | undefined;
  const mismatched = cmp.outputMismatches + cmp.inputMismatches + streams.differences.length > 0;
  if (mismatched) {
    say('mismatch: re-running with a VCD dump');
    await runRtl(o.dir, o.sim, { vcd: true }).catch(() => undefined);
    const p = join(o.dir, 'tb/wave.vcd');
    if (existsSync(p)) vcd = p;
  }
  const ideal = simulate(plan, o.frames.length >= 2 ? o.frames : [o.frames[0]!, o.frames[0]!]).report;
  const tsRun = parseLog(files.get('tb/expected.log')!);
  return {
    ok: !mismatched && goldenMismatches === 0 && predictions.length === o.frames.length && !cmp.timedOut,
    sim: o.sim,
    design: plan.top,
    dir: o.dir,
    frames: o.frames.length,
    seed: o.traffic.seed,
    mismatches: cmp.outputMismatches,
    inputMismatches: cmp.inputMismatches,
    predictions,
    golden,
    goldenMismatches,
    ...(cmp.first ? { firstMismatch: cmp.first } : {}),
    streams,
    ...(vcd ? { vcd } : {}),
    timedOut: cmp.timedOut,
    ...(lint ? { lint } : {}),
    cycles: {
      total: tsRun.find((e) => e.kind === 'DONE')?.cycle ?? -1,
      ii: { analytic: plan.ii.cycles, measured: ideal.cycles.ii.measured, bottleneck: plan.ii.bottleneck },
      latency: ideal.cycles.latency,
    },
    seconds: { build: round3(t.buildSeconds), run: round3(t.runSeconds) },
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
