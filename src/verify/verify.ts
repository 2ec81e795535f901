import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Compiled } from '../compiler/compile.js';
import { integerForward } from '../compiler/integer-reference.js';
import { writeDesign } from '../emit/generate.js';
import { expectedLog, expectedStreamsLog } from '../emit/stimulus-files.js';
import { generateDesign } from '../pipeline/design.js';
import { runEvents } from '../../sim/event-engine.js';
import { doneCycles, measuredIi, simulate, valuesTap } from '../../sim/simulate.js';
import { decodeElems } from '../blocks/memory-image.js';
import { frameResults } from '../plan/output-values.js';
import type { Plan } from '../plan/types.js';
import { makeStimulus, type TrafficOptions } from '../../sim/stimulus.js';
import { compareLogs, parseLog, type LogComparison } from './compare-logs.js';
import { compareStreams, type StreamComparison } from './compare-streams.js';
import { lintDesign, runRtl, type RtlSimulator } from './run-rtl.js';
import { lintReusing, runVerilatorReusing } from './verilator-reuse.js';
import { hasTool } from '../util/tools.js';

export interface VerifyOptions {
  sim: RtlSimulator;
  frames: ArrayLike<number>[];
  traffic: TrafficOptions;
  /** Where the design, stimulus and logs are written (kept for inspection). */
  dir: string;
  lint?: boolean;
  onProgress?: (text: string) => void;
  /** Replace `dir` even when bnn did not write it. */
  force?: boolean;
  /** Where Verilator builds are kept between verifies (src/host/verilator-cache.ts). */
  cacheDir?: string;
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
  /**
   * Per frame, the last layer's values (scores, or bits of a thresholded layer): read from the
   * RTL's output beats when the top streams scores, else the simulator's (same stimulus), whose
   * class beats matched the RTL's only if `mismatches` is 0. `scoresFrom` says which.
   */
  scores: number[][];
  scoresFrom: 'rtl' | 'simulator';
  /** Frames whose scores differ from the integer reference's last-layer values. */
  scoreMismatches: number;
  output: { rule: Plan['output']['rule']; stream: Plan['output']['stream'] };
  firstMismatch?: LogComparison['first'];
  /** Every block's output stream, RTL against the simulator's per-block log. */
  streams: Pick<StreamComparison, 'streams' | 'beats' | 'differences' | 'first'>;
  vcd?: string;
  timedOut: boolean;
  lint?: { clean: boolean; warnings: string[] };
  cycles: {
    /** With the random gaps and backpressure of this run. */
    total: number;
    /**
     * measured: from the RTL's own output beats (difference of the last two frames' completion
     * cycles, under this run's traffic); simulatorIdeal: the simulator with no gaps or backpressure.
     */
    ii: { analytic: number; measured: number | null; source: string; simulatorIdeal: number | null; bottleneck: string };
    /** First frame, no gaps or backpressure. */
    latency: number | null;
  };
  seconds: { build: number; run: number };
  /** buildReused: Verilator ran the executable of an earlier verify of the same sources (buildSeconds 0). */
  timing: { buildSeconds: number; runSeconds: number; buildReused: boolean };
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
  const { files, predicted } = generateDesign(plan, stim);
  writeDesign(o.dir, files, { force: o.force });
  let lint: VerifyReport['lint'];
  if (o.lint !== false && (await hasTool('verilator'))) {
    say('linting with verilator -Wall');
    const warnings = await lintReusing(o.dir, plan.top, files, o);
    lint = { clean: warnings.length === 0, warnings };
  }
  say(`running RTL in ${o.sim}`);
  const t = o.sim === 'verilator' ? await runVerilatorReusing(o.dir, files, o) : { ...(await runRtl(o.dir, o.sim)), buildReused: false };
  const logFile = join(o.dir, 'tb/out.log');
  const gotText = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  // The expectation comes from the simulator's run itself, not back out of the emitted files.
  const cmp = compareLogs(parseLog(expectedLog(plan, predicted)), parseLog(gotText));
  const streamsFile = join(o.dir, 'tb/streams.log');
  const streams = compareStreams(
    plan.blocks.map((b) => b.name),
    expectedStreamsLog(plan, predicted),
    existsSync(streamsFile) ? readFileSync(streamsFile, 'utf8') : '',
  );
  const rtlOut = parseLog(gotText).filter((e) => e.kind === 'O');
  const last = plan.blocks[plan.blocks.length - 1]!;
  const signed = plan.output.stream === 'scores' && plan.output.values.signed;
  // An x/z beat decodes to -1s: it can match no class and no score.
  const rtlBeats = rtlOut.map((e) => decodeElems(e.data ?? '', last.out.elems, last.out.elemBits, signed) ?? new Int32Array(last.out.elems).fill(-1));
  const tap = valuesTap(plan);
  const simValues = tap === undefined ? undefined : runEvents(plan, stim, { tap }).tapped;
  const rtl = frameResults(plan, rtlBeats, simValues);
  const predictions = rtl.predictions;
  const refs = Array.from(o.frames, (f) => integerForward(c.integer, f));
  const golden = refs.map((r) => r.prediction);
  const goldenMismatches = golden.filter((g, i) => predictions[i] !== g).length;
  const scoreMismatches = refs.filter((r, i) => !sameValues(rtl.scores[i], r.scores)).length;
  const rtlIi = measuredIi(doneCycles(plan, rtlOut.map((e) => e.cycle)));
  let vcd: string | undefined;
  const mismatched = cmp.outputMismatches + cmp.inputMismatches + streams.differences.length > 0;
  if (mismatched) {
    say('mismatch: re-running with a VCD dump');
    await runRtl(o.dir, o.sim, { vcd: true }).catch(() => undefined);
    const p = join(o.dir, 'tb/wave.vcd');
    if (existsSync(p)) vcd = p;
  }
  const ideal = simulate(plan, o.frames.length >= 2 ? o.frames : [o.frames[0]!, o.frames[0]!]).report;
  return {
    ok: !mismatched && goldenMismatches === 0 && scoreMismatches === 0 && predictions.length === o.frames.length && !cmp.timedOut,
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
    scores: rtl.scores,
    scoresFrom: plan.output.stream === 'scores' ? 'rtl' : 'simulator',
    scoreMismatches,
    output: { rule: plan.output.rule, stream: plan.output.stream },
    ...(cmp.first ? { firstMismatch: cmp.first } : {}),
    streams,
    ...(vcd ? { vcd } : {}),
    timedOut: cmp.timedOut,
    ...(lint ? { lint } : {}),
    cycles: {
      total: predicted.finished && predicted.out.length ? predicted.out[predicted.out.length - 1]!.cycle : -1,
      ii: {
        analytic: plan.ii.cycles,
        measured: rtlIi.measured,
        source: `RTL (${o.sim}): difference of the completion cycles of the last two frames in tb/out.log, ${o.traffic.gapProbability > 0 || o.traffic.stallProbability > 0 ? 'with this run\'s random input gaps and backpressure' : 'no input gaps or backpressure'}`,
        simulatorIdeal: ideal.cycles.ii.measured,
        bottleneck: plan.ii.bottleneck,
      },
      latency: ideal.cycles.latency,
    },
    seconds: { build: round3(t.buildSeconds), run: round3(t.runSeconds) },
    timing: { buildSeconds: round3(t.buildSeconds), runSeconds: round3(t.runSeconds), buildReused: t.buildReused },
  };
}

function sameValues(a: number[] | undefined, b: ArrayLike<number>): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
