import { execa } from 'execa';
import { resolve } from 'node:path';
import { BnnError } from '../errors.js';
import { hasTool, requireTool } from '../util/tools.js';

export type RtlSimulator = 'icarus' | 'verilator';

export interface RtlRun {
  buildSeconds: number;
  runSeconds: number;
}

export async function step(cmd: string, args: string[], cwd: string, what: string): Promise<number> {
  const t0 = performance.now();
  const r = await execa(cmd, args, { cwd, reject: false, all: true });
  if (r.exitCode !== 0)
    throw new BnnError({
      code: 'TOOL_FAILED',
      message: `${what} failed (exit ${r.exitCode}): ${String(r.all ?? '').split('\n').slice(-15).join('\n')}`,
      file: cwd,
    });
  return (performance.now() - t0) / 1000;
}

/** Build and run tb_top in a generated design folder; the testbench writes tb/out.log. */
export async function runRtl(dir: string, sim: RtlSimulator, opts: { vcd?: boolean; cache?: boolean } = {}): Promise<RtlRun> {
  const plus = opts.vcd ? ['+vcd'] : [];
  if (sim === 'icarus') {
    await requireTool('iverilog');
    const buildSeconds = await step('iverilog', ['-g2005', '-s', 'tb_top', '-o', 'tb/sim.vvp', '-c', 'files.f', 'tb/tb_top.v'], dir, 'iverilog');
    const runSeconds = await step('vvp', ['-n', 'tb/sim.vvp', ...plus], dir, 'vvp');
    return { buildSeconds, runSeconds };
  }
  await requireTool('verilator');
  const mdir = opts.vcd ? 'tb/obj_verilator_trace' : 'tb/obj_verilator';
  const args = ['--binary', '-j', '2', '-Wno-fatal', '--top-module', 'tb_top', '-Mdir', mdir, '-o', 'Vtb_top', '-f', 'files.f', 'tb/tb_top.v'];
  if (opts.vcd) args.push('--trace');
  // ccache turns a rebuild of an unchanged design into a cache hit (seconds → under one).
  if (opts.cache !== false && (await hasTool('ccache'))) args.push('-MAKEFLAGS', 'OBJCACHE=ccache');
  const buildSeconds = await step('verilator', args, dir, 'verilator build');
  const runSeconds = await step(resolve(dir, mdir, 'Vtb_top'), plus, dir, 'verilated testbench');
  return { buildSeconds, runSeconds };
}

/** Verilator's lint of the design sources alone, all warnings on. Returns the warnings (empty = clean). */
export async function lintDesign(dir: string, top: string): Promise<string[]> {
  await requireTool('verilator');
  const r = await execa('verilator', ['--lint-only', '-Wall', '--top-module', top, '-f', 'files.f'], { cwd: dir, reject: false, all: true });
  if (r.exitCode === 0) return [];
  return String(r.all ?? '')
    .split('\n')
    .filter((l) => l.startsWith('%'));
}
