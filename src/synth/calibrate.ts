import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { bitsFor } from '../util/math.js';
import { Prng } from '../util/prng.js';
import { templatePath } from '../util/paths.js';
import { requireTool } from '../util/tools.js';
import { BnnError } from '../errors.js';
import { mvtuLevels, mvtuThreshRam, mvtuWidths, type MvtuParams } from '../blocks/mvtu.js';
import { thresholdImage } from '../blocks/mvtu-images.js';
import { xilinxResources, type XilinxResources } from './xilinx.js';
import { ice40Resources, type Ice40Resources } from './ice40.js';
import { flattenCounts, parseStatJson, type YosysStat } from './yosys-json.js';

export interface MvtuPoint {
  MW: number;
  MH: number;
  PE: number;
  SIMD: number;
  USE_THRESH?: 0 | 1;
  /** Popcount implementation (mvtu.v parameter POPCOUNT = bnn_popcount IMPL). */
  POPCOUNT?: 0 | 1 | 2;
  /** The threshold memory in block RAM (mvtu.v THRESH_RAM = 1) or left to Yosys (0, a LUT ROM); absent: the plan's rule (mvtuThreshRam). */
  thresholdsInBram?: boolean;
  /** Read mvtu.v and popcount.v from this directory instead of rtl-templates/ (a "before" measurement of an older template). */
  rtlDir?: string;
  /**
   * Multi-bit activations: A-bit inputs (inBits > 1, two's complement when inSigned) and/or
   * `count` thresholds per neuron giving outBits-bit elements (code + outBias). Absent: binary.
   */
  act?: { inBits: number; inSigned: boolean; count: number; outBits: number; outBias: number };
}

/** One MVTU's resources, and those of one of its PE popcount instances (bnn_popcount) alone. */
export interface MvtuSynth<R> {
  total: R;
  popcount: R | null;
  /** Longest topological path through logic cells (LUT, carry, mux) of the flattened netlist (Yosys `ltp -noff`). */
  depth: number;
}

export function mvtuParamsOf(p: MvtuPoint): MvtuParams {
  const q = mvtuParamsNoRam(p);
  // The plan's threshold-memory rule unless the point asks for one (and no threshold RAM choice in an older template).
  const THRESH_RAM = p.rtlDir ? 0 : p.thresholdsInBram === undefined ? mvtuThreshRam(q) : p.thresholdsInBram ? 1 : 0;
  return { ...q, THRESH_RAM };
}

function mvtuParamsNoRam(p: MvtuPoint): Omit<MvtuParams, 'THRESH_RAM'> {
  const a = p.act;
  if (!a) return { MW: p.MW, MH: p.MH, PE: p.PE, SIMD: p.SIMD, ACC_W: bitsFor(p.MW), T_W: bitsFor(p.MW + 1), USE_THRESH: p.USE_THRESH ?? 1, INPUT_BITS: 1, INPUT_SIGNED: 0, POPCOUNT: p.POPCOUNT ?? 0 };
  const { min, max } = accRange(p);
  const multi = (p.USE_THRESH ?? 1) === 1 && a.outBits > 1;
  return {
    MW: p.MW, MH: p.MH, PE: p.PE, SIMD: p.SIMD, ...mvtuWidths(p.MW, a.inBits, min, max), USE_THRESH: p.USE_THRESH ?? 1,
    INPUT_BITS: a.inBits, INPUT_SIGNED: a.inSigned ? 1 : 0, POPCOUNT: a.inBits === 1 ? (p.POPCOUNT ?? 0) : 0,
    ...(multi ? { N_THRESH: a.count, OUT_BITS: a.outBits, OUT_BIAS: a.outBias } : {}),
  };
}

/** The accumulator's range: the popcount 0..MW, or ±MW·max|x| over A-bit inputs. */
function accRange(p: MvtuPoint): { min: number; max: number } {
  const a = p.act;
  if (!a || a.inBits === 1) return { min: 0, max: p.MW };
  const hi = a.inSigned ? 2 ** (a.inBits - 1) : 2 ** a.inBits - 1;
  return { min: -p.MW * hi, max: p.MW * hi };
}

/** One threshold per PE lane, never inverted: the image the one-bit calibration was fitted on (kept so that its figures reproduce). */
function oneBitThresholds(p: MvtuParams, NF: number, rng: Prng): string[] {
  const tl = p.T_W + 1;
  return Array.from({ length: NF }, () => {
    let w = 0n;
    for (let i = 0; i < p.PE; i++) w |= BigInt(Math.floor(rng.float() * (p.MW + 1))) << BigInt(i * tl);
    return w.toString(16).padStart(Math.ceil((p.PE * tl) / 4), '0');
  });
}

/** Random sorted thresholds over the accumulator's range, either direction, in the engine's own layout (mvtu-images.ts). */
function multiLevelThresholds(point: MvtuPoint, p: MvtuParams, NF: number, rng: Prng): string[] {
  const { count } = mvtuLevels(p);
  const { min, max } = accRange(point);
  const value = new Int32Array(p.MH * count);
  const direction: Array<'ge' | 'le'> = [];
  for (let j = 0; j < p.MH; j++) {
    const le = rng.float() < 0.5;
    const ts = Array.from({ length: count }, () => min + Math.floor(rng.float() * (max - min + 1))).sort((x, y) => (le ? y - x : x - y));
    value.set(ts, j * count);
    direction.push(le ? 'le' : 'ge');
  }
  return thresholdImage('t.mem', { value, direction, count }, p.PE, NF, p.T_W).words;
}

/** Yosys-side counts per cell type of the MVTU and of its popcount submodule. */
function moduleCounts(stat: YosysStat, name: string): Record<string, number> | null {
  const m = Object.keys(stat.modules).find((k) => k.endsWith(name));
  return m ? flattenCounts(stat, m) : null;
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
  return (await synthMvtuStages(point, dir, 'xc7', seed)).total;
}

/**
 * The same for either target, with the popcount submodule's own count: 7-series resources, or
 * iCE40 ones (synth_ice40; LUT4 and carries, block RAM) without place and route.
 */
export async function synthMvtuStages(point: MvtuPoint, dir: string, target: 'xc7', seed?: number): Promise<MvtuSynth<XilinxResources>>;
export async function synthMvtuStages(point: MvtuPoint, dir: string, target: 'ice40', seed?: number): Promise<MvtuSynth<Ice40Resources>>;
export async function synthMvtuStages(point: MvtuPoint, dir: string, target: 'xc7' | 'ice40', seed = 1): Promise<MvtuSynth<XilinxResources> | MvtuSynth<Ice40Resources>> {
  await requireTool('yosys');
  mkdirSync(dir, { recursive: true });
  const p = mvtuParamsOf(point);
  const rng = new Prng(seed);
  const SF = p.MW / p.SIMD;
  const NF = p.MH / p.PE;
  writeFileSync(join(dir, 'w.mem'), Array.from({ length: SF * NF }, () => hex(rng, p.PE * p.SIMD)).join('\n') + '\n');
  writeFileSync(join(dir, 't.mem'), (point.act ? multiLevelThresholds(point, p, NF, rng) : oneBitThresholds(p, NF, rng)).join('\n') + '\n');
  // THRESH_RAM is a parameter of the template since it exists; an older template (rtlDir) takes
  // the attribute on its memory instead.
  const tbram = point.thresholdsInBram === true;
  const outW = p.USE_THRESH ? p.PE * mvtuLevels(p).bits : p.PE * p.ACC_W;
  const { THRESH_RAM, ...rest } = p;
  const sets = Object.entries({ ...rest, OUT_W: outW, ...(point.rtlDir ? {} : { THRESH_RAM }) })
    // chparam reads a Verilog constant and takes no minus sign: a negative OUT_BIAS as 32 signed bits.
    .map(([k, v]) => `-set ${k} ${v < 0 ? `32'sh${(v >>> 0).toString(16)}` : v}`)
    .join(' ');
  const roms = tbram && point.rtlDir ? 'm:wmem m:g_thresh.tmem' : 'm:wmem';
  const rtl = (f: string) => (point.rtlDir ? join(point.rtlDir, f) : templatePath(f));
  // Hierarchy kept on both targets, so that the popcount instances are counted on their own.
  const synth = target === 'xc7' ? 'synth_xilinx -top bnn_mvtu -family xc7 -noiopad -noclkbuf' : 'synth_ice40 -noflatten -top bnn_mvtu';
  const logic = target === 'xc7' ? 't:LUT* t:CARRY4 t:MUXF* t:INV' : 't:SB_LUT4 t:SB_CARRY';
  const ys = `read_verilog -defer ${rtl('popcount.v')} ${rtl('mvtu.v')}
chparam ${sets} -set WEIGHT_FILE "w.mem" -set THRESH_FILE "t.mem" bnn_mvtu
hierarchy -check -top bnn_mvtu
setattr -set rom_style "block" ${roms}
${synth}
tee -q -o stat.json stat -json${target === 'xc7' ? ' -tech xilinx' : ''}
flatten
tee -q -o ltp.txt ltp -noff ${logic} w:*
`;
  writeFileSync(join(dir, 'synth.ys'), ys);
  const r = await execa('yosys', ['-q', '-l', 'synth.log', '-s', 'synth.ys'], { cwd: dir, reject: false, all: true });
  if (r.exitCode !== 0) throw new BnnError({ code: 'TOOL_FAILED', message: `yosys failed in ${dir}: ${String(r.all).split('\n').slice(-5).join(' ')}` });
  const stat = parseStatJson(readFileSync(join(dir, 'stat.json'), 'utf8'));
  const total = moduleCounts(stat, 'bnn_mvtu')!;
  const pc = moduleCounts(stat, 'bnn_popcount');
  // Longest path through logic cells (memories and flip-flops cut it; Yosys does not time 7-series netlists).
  const depth = Number(/length=(\d+)/.exec(readFileSync(join(dir, 'ltp.txt'), 'utf8'))?.[1] ?? NaN);
  if (target === 'xc7') return { total: xilinxResources(total), popcount: pc && xilinxResources(pc), depth };
  return { total: ice40Resources(total, 0), popcount: pc && ice40Resources(pc, 0), depth };
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
