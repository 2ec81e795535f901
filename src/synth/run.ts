import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BnnError } from '../errors.js';
import { EXECUTABLE_SCRIPTS } from '../emit/generate.js';
import { generateDesign } from '../pipeline/design.js';
import { writeFolderSafe } from '../util/output-safety.js';
import type { Plan } from '../plan/types.js';
import { Prng } from '../util/prng.js';
import { requireTool } from '../util/tools.js';
import { randomPlanFrames } from '../inputs/frames.js';
import { simulate } from '../../sim/simulate.js';
import { makeStimulus } from '../../sim/stimulus.js';
import {
  ICE40_DEVICES, ice40Commands, ice40Overflows, ice40Script, ice40ShellScript, ice40SynthResources, readNextpnrReport,
  type Ice40Resources, type Ice40Target, type NextpnrReport,
} from './ice40.js';
import { xc7Script, xilinxResult, type XilinxSynthResult } from './xilinx.js';
import { parseStatJson, type YosysNetlist } from './yosys-json.js';

export type SynthTarget = 'xc7' | Ice40Target;
export const SYNTH_TARGETS: SynthTarget[] = ['xc7', 'ice40-hx8k', 'ice40-up5k'];

export interface TargetResult {
  target: SynthTarget;
  /** false: the design does not fit (see `message`); null: not checked (xc7: no place and route here). */
  fits: boolean | null;
  /** Achieved Fmax after place and route (iCE40); null when not timed (xc7: Yosys does no timing). */
  fmaxMHz: number | null;
  /** The clock the throughput figures use: fmaxMHz when measured, else the requested clock. */
  clockMHz: number;
  clockSource: 'achieved-fmax' | 'requested-clock';
  framesPerSecond: number;
  latencyNs: number | null;
  xilinx?: XilinxSynthResult;
  ice40?: Ice40Resources & { utilization?: Record<string, { available: number; used: number }> };
  bitstream?: string;
  message?: string;
  seconds: number;
}

export interface SynthReport {
  design: string;
  dir: string;
  /** Cycles per frame: measured by the simulator in steady state (analytic if it could not be measured). */
  ii: number;
  iiSource: 'simulator' | 'analytic';
  latencyCycles: number | null;
  targets: TargetResult[];
}

/** II and latency from the cycle-accurate simulator (steady state over a few frames). */
export function measureTiming(plan: Plan, frames = 4): { ii: number; iiSource: 'simulator' | 'analytic'; latencyCycles: number | null } {
  const { report } = simulate(plan, randomPlanFrames(plan, frames, 1));
  const m = report.cycles.ii.measured;
  return m !== null && report.finished
    ? { ii: m, iiSource: 'simulator', latencyCycles: report.cycles.latency }
    : { ii: plan.ii.cycles, iiSource: 'analytic', latencyCycles: report.cycles.latency };
}

/** The design's files plus the synthesis scripts for every target: reproducible without bnn. */
export function synthDesignFiles(plan: Plan, clockMHz: number): { files: Map<string, string>; executable: Set<string> } {
  const { files, rtl } = generateDesign(plan, makeStimulus(plan, randomPlanFrames(plan, 2, 1)));
  files.set('synth_xc7.ys', xc7Script(plan, rtl));
  const executable = new Set(EXECUTABLE_SCRIPTS);
  for (const t of ['ice40-hx8k', 'ice40-up5k'] as const) {
    files.set(`synth_${t}.ys`, ice40Script(plan, rtl, t));
    files.set(`pnr_${t}.sh`, ice40ShellScript(plan, t, clockMHz));
    executable.add(`pnr_${t}.sh`);
  }
  return { files, executable };
}

export async function tool(dir: string, argv: string[], step: string): Promise<void> {
  await requireTool(argv[0]!);
  const r = await execa(argv[0]!, argv.slice(1), { cwd: dir, reject: false, all: true });
  if (r.exitCode !== 0) {
    const tail = String(r.all ?? '').trim().split('\n').slice(-12).join('\n');
    throw new BnnError({ code: 'TOOL_FAILED', message: `${step} failed (exit ${r.exitCode}) in ${dir}:\n${tail}` });
  }
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function perf(ii: number, latencyCycles: number | null, clockMHz: number): { framesPerSecond: number; latencyNs: number | null } {
  return {
    framesPerSecond: (clockMHz * 1e6) / ii,
    latencyNs: latencyCycles === null ? null : (latencyCycles * 1e3) / clockMHz,
  };
}

async function runXc7(plan: Plan, dir: string, timing: { ii: number; latencyCycles: number | null }, clockMHz: number): Promise<TargetResult> {
  const t0 = Date.now();
  await tool(dir, ['yosys', '-q', '-l', 'synth_xc7.log', '-s', 'synth_xc7.ys'], 'yosys synth_xilinx');
  const xilinx = xilinxResult(plan, parseStatJson(readFileSync(join(dir, 'xc7_stat.json'), 'utf8')), readJson<YosysNetlist>(join(dir, 'xc7_top.json')));
  return {
    target: 'xc7',
    fits: null,
    fmaxMHz: null,
    clockMHz,
    clockSource: 'requested-clock',
    ...perf(timing.ii, timing.latencyCycles, clockMHz),
    xilinx,
    message: 'Yosys does not time 7-series netlists: throughput and latency are at the requested --clock',
    seconds: (Date.now() - t0) / 1000,
  };
}

async function runIce40(
  plan: Plan, dir: string, target: Ice40Target, timing: { ii: number; latencyCycles: number | null }, clockMHz: number,
  onProgress: (s: string) => void,
): Promise<TargetResult> {
  const t0 = Date.now();
  const dev = ICE40_DEVICES[target];
  const [synth, pnr, pack] = ice40Commands(plan, target, clockMHz);
  onProgress(`${target}: synthesis (yosys synth_ice40)`);
  await tool(dir, synth!.argv, synth!.step);
  const res = ice40SynthResources(plan, parseStatJson(readFileSync(join(dir, `${target}_stat.json`), 'utf8')));
  const base = { target, fmaxMHz: null, clockMHz, clockSource: 'requested-clock' as const, ...perf(timing.ii, timing.latencyCycles, clockMHz) };
  const over = ice40Overflows(res, dev);
  if (over.length)
    return { ...base, fits: false, ice40: res, message: `does not fit ${target} (${dev.package}): ${over.join('; ')}`, seconds: (Date.now() - t0) / 1000 };
  onProgress(`${target}: place and route (nextpnr-ice40 at ${clockMHz} MHz)`);
  await requireTool('nextpnr-ice40');
  const r = await execa(pnr!.argv[0]!, pnr!.argv.slice(1), { cwd: dir, reject: false, all: true });
  if (r.exitCode !== 0) {
    const log = String(r.all ?? '');
    const why = log.split('\n').filter((l) => /ERROR|only has|Unable to/i.test(l)).slice(0, 4).join('; ') || `exit ${r.exitCode}`;
    if (/only has|Unable to place|failed to place|Design uses/i.test(log))
      return { ...base, fits: false, ice40: res, message: `does not fit ${target}: ${why}`, seconds: (Date.now() - t0) / 1000 };
    throw new BnnError({ code: 'TOOL_FAILED', message: `nextpnr-ice40 failed in ${dir}: ${why}` });
  }
  const rep = readNextpnrReport(readJson<NextpnrReport>(join(dir, `${target}_report.json`)));
  onProgress(`${target}: bitstream (icepack)`);
  await tool(dir, pack!.argv, pack!.step);
  const bin = `${plan.top}_${target}.bin`;
  if (!existsSync(join(dir, bin))) throw new BnnError({ code: 'TOOL_FAILED', message: `icepack wrote no ${bin} in ${dir}` });
  const clk = rep.fmaxMHz ?? clockMHz;
  return {
    target,
    fits: true,
    fmaxMHz: rep.fmaxMHz,
    clockMHz: clk,
    clockSource: rep.fmaxMHz !== null ? 'achieved-fmax' : 'requested-clock',
    ...perf(timing.ii, timing.latencyCycles, clk),
    ice40: { ...res, utilization: rep.utilization },
    bitstream: bin,
    ...(rep.fmaxMHz !== null && rep.fmaxMHz < clockMHz ? { message: `timing not met: ${rep.fmaxMHz.toFixed(1)} MHz < ${clockMHz} MHz requested` } : {}),
    seconds: (Date.now() - t0) / 1000,
  };
}

/** Write the design and its synthesis scripts into dir, then run each target's flow there. */
export async function runSynth(
  plan: Plan, dir: string, opts: { targets: SynthTarget[]; clockMHz: number; onProgress?: (s: string) => void; force?: boolean },
): Promise<SynthReport> {
  const onProgress = opts.onProgress ?? (() => {});
  for (const t of opts.targets) await requireTool(t === 'xc7' ? 'yosys' : 'nextpnr-ice40');
  for (const t of opts.targets) if (t !== 'xc7') await requireTool('icepack');
  await requireTool('yosys');
  onProgress('simulating for II and latency');
  const timing = measureTiming(plan);
  const { files, executable } = synthDesignFiles(plan, opts.clockMHz);
  writeFolderSafe(dir, files, { executable, force: opts.force });
  const targets: TargetResult[] = [];
  for (const t of opts.targets) {
    if (t === 'xc7') {
      onProgress('xc7: synthesis (yosys synth_xilinx, hierarchy kept)');
      targets.push(await runXc7(plan, dir, timing, opts.clockMHz));
    } else targets.push(await runIce40(plan, dir, t, timing, opts.clockMHz, onProgress));
  }
  return { design: plan.top, dir, ii: timing.ii, iiSource: timing.iiSource, latencyCycles: timing.latencyCycles, targets };
}
