import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { bitsFor } from '../util/math.js';
import { Prng } from '../util/prng.js';
import { templatePath } from '../util/paths.js';
import { requireTool } from '../verify/tools.js';
import { BnnError } from '../errors.js';
import type { MvtuParams } from '../blocks/mvtu.js';
import { xilinxResources, type XilinxResources } from './xilinx.js';
import { flattenCounts, type YosysStat } from './yosys-json.js';

export interface MvtuPoint {
  MW: number;
  MH: number;
  PE: number;
  SIMD: number;
  USE_THRESH?: 0 | 1;
  /** Popcount implementation (rtl-templates/mvtu.v parameter POPCOUNT), when the template has it. */
  POPCOUNT?: 0 | 1;
}

export function mvtuParamsOf(p: MvtuPoint): MvtuParams {
  return { MW: p.MW, MH: p.MH, PE: p.PE, SIMD: p.SIMD, ACC_W: bitsFor(p.MW), T_W: bitsFor(p.MW + 1), USE_THRESH: p.USE_THRESH ?? 1, INPUT_BITS: 1, INPUT_SIGNED: 0, POPCOUNT: p.POPCOUNT ?? 0 };
}

function hex(rng: Prng, bits: number): string {
  let s = '';
  for (let d = 0; d < Math.ceil(bits / 4); d++) s += (rng.u32() & 15).toString(16);
  return s;
}

/**
 * Synthesize one bnn_mvtu alone (random weights and thresholds) with the same Yosys recipe as
 * `bnn synth --target xc7` and return its 7-series resources. For calibrating the estimators.
 */
export async function synthMvtuXc7(point: MvtuPoint, dir: string, seed = 1): Promise<XilinxResources> {
  await requireTool('yosys');
  mkdirSync(dir, { recursive: true });
  const p = mvtuParamsOf(point);
  const rng = new Prng(seed);
  const SF = p.MW / p.SIMD;
  const NF = p.MH / p.PE;
  writeFileSync(join(dir, 'w.mem'), Array.from({ length: SF * NF }, () => hex(rng, p.PE * p.SIMD)).join('\n') + '\n');
  const tl = p.T_W + 1;
  writeFileSync(
    join(dir, 't.mem'),
    Array.from({ length: NF }, () => {
      let w = 0n;
      for (let i = 0; i < p.PE; i++) w |= BigInt(Math.floor(rng.float() * (p.MW + 1))) << BigInt(i * tl);
      return w.toString(16).padStart(Math.ceil((p.PE * tl) / 4), '0');
    }).join('\n') + '\n',
  );
  const outW = p.USE_THRESH ? p.PE : p.PE * p.ACC_W;
  const sets = Object.entries({ ...p, OUT_W: outW, ...(point.POPCOUNT !== undefined ? { POPCOUNT: point.POPCOUNT } : {}) })
    .map(([k, v]) => `-set ${k} ${v}`)
    .join(' ');
  const ys = `read_verilog -defer ${templatePath('mvtu.v')}
chparam ${sets} -set WEIGHT_FILE "w.mem" -set THRESH_FILE "t.mem" bnn_mvtu
hierarchy -check -top bnn_mvtu
setattr -set rom_style "block" m:wmem
synth_xilinx -top bnn_mvtu -family xc7 -noiopad -noclkbuf
tee -q -o stat.json stat -json -tech xilinx
`;
  writeFileSync(join(dir, 'synth.ys'), ys);
  const r = await execa('yosys', ['-q', '-l', 'synth.log', '-s', 'synth.ys'], { cwd: dir, reject: false, all: true });
  if (r.exitCode !== 0) throw new BnnError({ code: 'TOOL_FAILED', message: `yosys failed in ${dir}: ${String(r.all).split('\n').slice(-5).join(' ')}` });
  const stat = JSON.parse(readFileSync(join(dir, 'stat.json'), 'utf8')) as YosysStat;
  const top = Object.keys(stat.modules).find((m) => m.endsWith('bnn_mvtu'))!;
  return xilinxResources(flattenCounts(stat, top));
}

/**
 * Synthesize one template module alone (rtl-templates/<template>.v, top `bnn_<template>`) with
 * the given parameters under the same synth_xilinx recipe; for calibrating the small blocks'
 * estimators (sliding-window generator, max-pool, ...). Memories are left to Yosys' inference.
 */
export async function synthTemplateXc7(template: string, params: Record<string, number>, dir: string): Promise<XilinxResources> {
  await requireTool('yosys');
  mkdirSync(dir, { recursive: true });
  const top = `bnn_${template}`;
  const sets = Object.entries(params).map(([k, v]) => `-set ${k} ${v}`).join(' ');
  const ys = `read_verilog -defer ${templatePath(`${template}.v`)}
chparam ${sets} ${top}
hierarchy -check -top ${top}
synth_xilinx -top ${top} -family xc7 -noiopad -noclkbuf
tee -q -o stat.json stat -json -tech xilinx
`;
  writeFileSync(join(dir, 'synth.ys'), ys);
  const r = await execa('yosys', ['-q', '-l', 'synth.log', '-s', 'synth.ys'], { cwd: dir, reject: false, all: true });
  if (r.exitCode !== 0) throw new BnnError({ code: 'TOOL_FAILED', message: `yosys failed in ${dir}: ${String(r.all).split('\n').slice(-5).join(' ')}` });
  const stat = JSON.parse(readFileSync(join(dir, 'stat.json'), 'utf8')) as YosysStat;
  const name = Object.keys(stat.modules).find((m) => m.endsWith(top))!;
  return xilinxResources(flattenCounts(stat, name));
}
