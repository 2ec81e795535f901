import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir, sourcesKey, verilateOnce } from '../host/verilator-cache.js';
import { writeFileSafe } from '../util/output-safety.js';
import { lintDesign, step, type RtlRun } from './run-rtl.js';

export interface ReusedRun extends RtlRun {
  /** true: the executable of an earlier verify of the same sources ran; nothing was compiled. */
  buildReused: boolean;
}

/**
 * The Verilog a design folder compiles: the RTL and the testbench. Weights, thresholds and
 * stimulus are $readmemh'd at run time from the folder, so they are not part of the build.
 */
function compiledSources(files: Map<string, string>): Map<string, string> {
  return new Map([...files].filter(([k]) => k.endsWith('.v')));
}

/**
 * `verilator --binary` of tb_top once per distinct set of sources (src/host/verilator-cache.ts),
 * then the executable runs in `dir`, where it reads this run's memory files and writes tb/out.log.
 */
export async function runVerilatorReusing(dir: string, files: Map<string, string>, o: { cacheDir?: string } = {}): Promise<ReusedRun> {
  const build = await verilateOnce(compiledSources(files), 'tb_top', o);
  const runSeconds = await step(build.exe, [], dir, 'verilated testbench');
  return { buildSeconds: build.seconds, runSeconds, buildReused: !build.built };
}

/** lintDesign's warnings, remembered per set of design sources (lint does not read the testbench). */
export async function lintReusing(dir: string, top: string, files: Map<string, string>, o: { cacheDir?: string } = {}): Promise<string[]> {
  const rtl = new Map([...files].filter(([k]) => k.startsWith('rtl/') && k.endsWith('.v')));
  const file = join(o.cacheDir ?? defaultCacheDir(), 'verilator', 'lint', `${top}-${await sourcesKey(rtl)}.json`);
  if (existsSync(file)) {
    const kept: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (Array.isArray(kept) && kept.every((w) => typeof w === 'string')) return kept as string[];
  }
  const warnings = await lintDesign(dir, top);
  writeFileSafe(file, JSON.stringify(warnings) + '\n');
  return warnings;
}
