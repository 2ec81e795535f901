import { estimateFifo, estimateFifoIce40 } from '../blocks/fifo.js';
import type { BlockEstimate, Ice40Estimate } from '../blocks/cost.js';
import { estimateMvtu, estimateMvtuIce40, mvtuBlock, mvtuCycles, mvtuPopcount, mvtuThreshRam, type MvtuParams } from '../blocks/mvtu.js';
import type { Folding } from './fold-rules.js';
import { estimateSwg, estimateSwgIce40, swgBlock } from '../blocks/swg.js';
import { BnnError } from '../errors.js';
import type { Device } from '../synth/devices.js';
import { estimateIce40Plan, estimatePlan } from '../synth/estimate.js';
import { ICE40_DEVICES, type Ice40Target } from '../synth/ice40.js';
import { inAxisBits, outAxisBits } from '../emit/top-verilog.js';
import { divisors } from '../util/math.js';
import { autoFifoDepth, buildPlan } from './build-plan.js';
import { defaultFolding, validateEngineFold, type FoldConfig } from './fold-config.js';
import { engineLayers, enginePixels, type IntegerEngineLayer, type IntegerModel } from '../model/integer-model.js';

/** One folding of the whole network and what the estimators say it costs (7-series figures). */
export interface FoldPoint {
  ii: number;
  layers: Folding[];
  lut: number;
  ff: number;
  lutram: number;
  bram36: number;
  /** Width of the top's input stream (its pins on a small package). */
  inputBits: number;
  /** The iCE40 estimate of the same plan (LUT4, FF, carry, EBR, packed logic cells). */
  ice40: Ice40Estimate;
  /** Top-level pins: clock, reset, both AXI4-Stream ports (what an iCE40 package must offer). */
  ioPins: number;
}

/** Which estimators rank the candidates: 7-series (LUT + LUTRAM, then BRAM36) or iCE40 (logic cells, then EBR). */
export type CostFamily = 'xc7' | 'ice40';

interface Candidate {
  fold: Folding;
  cycles: number;
  cost: BlockEstimate;
  ice40: Ice40Estimate;
}

/**
 * Every legal (PE, SIMD) of one engine with the estimate of what it brings into the plan: its
 * engine, its input FIFO at the automatic depth, its window generator. Only PE, SIMD and the
 * popcount style depend on the folding; the rest of the engine's parameters are taken from a
 * real block built once.
 */
function candidates(l: IntegerEngineLayer, base: Folding): Candidate[] {
  const params = mvtuBlock('probe', l, base).params;
  const out: Candidate[] = [];
  const legal = (f: Folding) => {
    try {
      validateEngineFold(l, f, 'auto-fold', l.name);
      return true;
    } catch {
      return false;
    }
  };
  for (const simd of divisors(l.inputs))
    for (const pe of divisors(l.outputs)) {
      if (!legal({ pe, simd })) continue;
      const f: MvtuParams = { ...params, PE: pe, SIMD: simd, POPCOUNT: mvtuPopcount(l.inputBits) };
      const p: MvtuParams = { ...f, THRESH_RAM: mvtuThreshRam(f) };
      const parts = [estimateMvtu(p), estimateFifo({ WIDTH: simd * l.inputBits, DEPTH: autoFifoDepth(l.inputs / simd) })];
      if (l.conv) parts.push(estimateSwg(swgBlock('probe', l.conv, simd, l.inputBits, l.name).params));
      const cost: BlockEstimate = { lut: 0, ff: 0, lutram: 0, bram18: 0, bram36: 0 };
      for (const e of parts) for (const k of Object.keys(cost) as Array<keyof BlockEstimate>) cost[k] += e[k];
      const ip = [estimateMvtuIce40(p), estimateFifoIce40({ WIDTH: simd * l.inputBits, DEPTH: autoFifoDepth(l.inputs / simd) })];
      if (l.conv) ip.push(estimateSwgIce40(swgBlock('probe', l.conv, simd, l.inputBits, l.name).params));
      const ice40: Ice40Estimate = { lut4: 0, ff: 0, carry: 0, ebr: 0, spram: 0, lc: 0 };
      for (const e of ip) for (const k of Object.keys(ice40) as Array<keyof Ice40Estimate>) ice40[k] += e[k];
      out.push({ fold: { pe, simd }, cycles: enginePixels(l) * mvtuCycles(p), cost, ice40 });
    }
  return out;
}

const cheaper = (a: BlockEstimate, b: BlockEstimate) => a.lut + a.lutram < b.lut + b.lutram || (a.lut + a.lutram === b.lut + b.lutram && a.bram36 < b.bram36);
const cheaperIce40 = (a: Ice40Estimate, b: Ice40Estimate) => a.lc < b.lc || (a.lc === b.lc && a.ebr < b.ebr);
const candCheaper = (family: CostFamily) => (a: Candidate, b: Candidate) => (family === 'ice40' ? cheaperIce40(a.ice40, b.ice40) : cheaper(a.cost, b.cost));

/**
 * The Pareto front of II against estimated LUTs and block RAM: for every II an engine can have,
 * each layer takes its cheapest folding within it (layers only meet through FIFOs and width
 * converters, which the whole-plan estimate of each point then includes); points that another
 * beats on II, LUT and BRAM at once are dropped. Sorted by II.
 */
export function foldFront(im: IntegerModel, family: CostFamily = 'xc7'): { points: FoldPoint[]; considered: number } {
  const engines = engineLayers(im);
  const base = defaultFolding(im).layers;
  const cands = engines.map((l, i) => candidates(l, base[i]!));
  const floor = Math.max(...cands.map((cs) => Math.min(...cs.map((c) => c.cycles))));
  const targets = [...new Set(cands.flat().map((c) => c.cycles))].filter((t) => t >= floor).sort((a, b) => a - b);
  const seen = new Set<string>();
  const choices: Folding[][] = [];
  // Per II, and per cap on the first layer's SIMD (the input stream's width: pins on a small package).
  const simd0 = [...new Set(cands[0]!.map((c) => c.fold.simd))];
  for (const t of targets)
    for (const cap of simd0) {
      const first = cands[0]!.filter((c) => c.cycles <= t && c.fold.simd <= cap);
      if (!first.length) continue;
      const lt = candCheaper(family);
      const pick = (cs: Candidate[]) => cs.reduce((a, b) => (lt(b, a) ? b : a)).fold;
      const layers = [pick(first), ...cands.slice(1).map((cs) => pick(cs.filter((c) => c.cycles <= t)))];
      const key = JSON.stringify(layers);
      if (seen.has(key)) continue;
      seen.add(key);
      choices.push(layers);
    }
  const sum = (layers: Folding[]) => {
    const e = { lut: 0, ff: 0, lutram: 0, bram36: 0, lc: 0, ebr: 0 };
    layers.forEach((f, i) => {
      const c = cands[i]!.find((x) => x.fold.pe === f.pe && x.fold.simd === f.simd)!.cost;
      e.lut += c.lut;
      e.ff += c.ff;
      e.lutram += c.lutram;
      e.bram36 += c.bram36;
      const i4 = cands[i]!.find((x) => x.fold.pe === f.pe && x.fold.simd === f.simd)!.ice40;
      e.lc += i4.lc;
      e.ebr += i4.ebr;
    });
    return e;
  };
  const iiOf = (layers: Folding[]) => Math.max(...layers.map((f, i) => cands[i]!.find((x) => x.fold.pe === f.pe && x.fold.simd === f.simd)!.cycles));
  const inBits = (layers: Folding[]) => 8 * Math.ceil((layers[0]!.simd * im.input.rawBits) / 8);
  const rough = choices.map((layers) => {
    const s = sum(layers);
    return { layers, ii: iiOf(layers), ...s, inputBits: inBits(layers), ice40: { lut4: 0, ff: 0, carry: 0, spram: 0, lc: s.lc, ebr: s.ebr } };
  });
  // The whole-plan estimate (FIFOs, width converters, argmax) of the points kept.
  const par = (ps: Costed[]) => paretoOf(ps, family);
  const points = (par(par(rough).map((p) => exactPoint(im, (p as (typeof rough)[number]).layers))) as FoldPoint[]).sort((a, b) => a.ii - b.ii);
  return { points, considered: cands.reduce((a, cs) => a + cs.length, 0) };
}

type Costed = Pick<FoldPoint, 'ii' | 'lut' | 'lutram' | 'bram36' | 'inputBits'> & { ice40: Pick<Ice40Estimate, 'lc' | 'ebr'> };
/** The figures a point is judged on: II, logic, block RAM, input width. */
const axes = (p: Costed, family: CostFamily) => (family === 'ice40' ? [p.ii, p.ice40.lc, p.ice40.ebr, p.inputBits] : [p.ii, p.lut + p.lutram, p.bram36, p.inputBits]);
const dominates = (q: Costed, p: Costed, family: CostFamily) => {
  const a = axes(q, family);
  const b = axes(p, family);
  return a.every((v, i) => v <= b[i]!) && a.some((v, i) => v < b[i]!);
};
function paretoOf<T extends Costed>(ps: T[], family: CostFamily): T[] {
  return ps.filter((p) => !ps.some((q) => q !== p && dominates(q, p, family)));
}

export function exactPoint(im: IntegerModel, layers: Folding[]): FoldPoint {
  const plan = buildPlan(im, { layers, fifoDepth: 'auto', source: 'auto-fold' }, { model: im.name });
  const t = estimatePlan(plan).total;
  const ioPins = 2 + inAxisBits(plan) + 2 + outAxisBits(plan) + 2;
  return { ii: plan.ii.cycles, layers, lut: t.lut, ff: t.ff, lutram: t.lutram, bram36: t.bram36, inputBits: inAxisBits(plan), ice40: estimateIce40Plan(plan).total, ioPins };
}

export interface FoldChoice {
  chosen: FoldPoint;
  target: { iiMax: number; fps: number; clockMHz: number } | { device: string };
  front: FoldPoint[];
  considered: number;
  fold: FoldConfig;
}

/** The cheapest point whose II meets fps at clockMHz. */
export function foldForThroughput(im: IntegerModel, fps: number, clockMHz: number, front = foldFront(im)): FoldChoice {
  const iiMax = Math.floor((clockMHz * 1e6) / fps);
  const { points, considered } = front;
  const ok = points.filter((p) => p.ii <= iiMax);
  if (ok.length === 0)
    throw new BnnError({
      code: 'FOLD_INVALID',
      message: `no folding reaches ${fps} frames/s at ${clockMHz} MHz: the fastest legal design needs ${points[0]!.ii} cycles/frame`,
      field: '--fps',
      expected: `at most ${Math.floor((clockMHz * 1e6) / points[0]!.ii)} frames/s at ${clockMHz} MHz`,
      got: String(fps),
    });
  const chosen = ok.reduce((a, b) => (cheaper(b as unknown as BlockEstimate, a as unknown as BlockEstimate) ? b : a));
  return { chosen, target: { iiMax, fps, clockMHz }, front: points, considered, fold: foldConfigOf(chosen, `auto (II <= ${iiMax}: ${fps} frames/s at ${clockMHz} MHz)`) };
}

/** Whether a point's estimate fits the device: 7-series LUTs, FFs, BRAM36; iCE40 packed logic cells, FFs, EBRs and the package's pins. */
export function fitsDevice(p: FoldPoint, device: Device): boolean {
  if (device.family === 'xc7') return p.lut + p.lutram <= device.lut && p.ff <= device.ff && p.bram36 <= device.bram;
  const io = ICE40_DEVICES[device.name as Ice40Target]?.io ?? Infinity;
  return p.ice40.lc <= device.lut && p.ice40.ff <= device.ff && p.ice40.ebr <= device.bram && p.ioPins <= io;
}

/** The fastest point that fits the device (its family's estimators rank and check the points). */
export function foldForDevice(im: IntegerModel, device: Device, front?: ReturnType<typeof foldFront>): FoldChoice {
  const { points, considered } = front ?? foldFront(im, device.family);
  const fits = points.filter((p) => fitsDevice(p, device));
  const need = (p: FoldPoint) =>
    device.family === 'xc7' ? `${p.lut} LUTs and ${p.bram36} BRAM36` : `${p.ice40.lc} logic cells, ${p.ice40.ebr} EBRs and ${p.ioPins} I/O pins`;
  if (fits.length === 0)
    throw new BnnError({ code: 'FOLD_INVALID', message: `no folding of this network fits ${device.name}`, field: '--device', expected: `a device with at least ${need(points.at(-1)!)}`, got: device.name });
  const size = (p: FoldPoint) => (device.family === 'xc7' ? p.lut : p.ice40.lc);
  const chosen = fits.reduce((a, b) => (b.ii < a.ii || (b.ii === a.ii && size(b) < size(a)) ? b : a));
  return { chosen, target: { device: device.name }, front: points, considered, fold: foldConfigOf(chosen, `auto (fastest that fits ${device.name})`) };
}

function foldConfigOf(p: FoldPoint, source: string): FoldConfig {
  return { layers: p.layers, fifoDepth: 'auto', source };
}
