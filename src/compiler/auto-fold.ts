import { estimateFifo } from '../blocks/fifo.js';
import type { BlockEstimate } from '../blocks/cost.js';
import { estimateMvtu, mvtuBlock, mvtuCycles, mvtuPopcount, mvtuThreshRam, type MvtuParams } from '../blocks/mvtu.js';
import type { Folding } from './fold-rules.js';
import { estimateSwg, swgBlock } from '../blocks/swg.js';
import { BnnError } from '../errors.js';
import type { Device } from '../synth/devices.js';
import { estimatePlan } from '../synth/estimate.js';
import { inAxisBits } from '../emit/top-verilog.js';
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
}

interface Candidate {
  fold: Folding;
  cycles: number;
  cost: BlockEstimate;
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
      out.push({ fold: { pe, simd }, cycles: enginePixels(l) * mvtuCycles(p), cost });
    }
  return out;
}

const cheaper = (a: BlockEstimate, b: BlockEstimate) => a.lut + a.lutram < b.lut + b.lutram || (a.lut + a.lutram === b.lut + b.lutram && a.bram36 < b.bram36);

/**
 * The Pareto front of II against estimated LUTs and block RAM: for every II an engine can have,
 * each layer takes its cheapest folding within it (layers only meet through FIFOs and width
 * converters, which the whole-plan estimate of each point then includes); points that another
 * beats on II, LUT and BRAM at once are dropped. Sorted by II.
 */
export function foldFront(im: IntegerModel): { points: FoldPoint[]; considered: number } {
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
      const pick = (cs: Candidate[]) => cs.reduce((a, b) => (cheaper(b.cost, a.cost) ? b : a)).fold;
      const layers = [pick(first), ...cands.slice(1).map((cs) => pick(cs.filter((c) => c.cycles <= t)))];
      const key = JSON.stringify(layers);
      if (seen.has(key)) continue;
      seen.add(key);
      choices.push(layers);
    }
  const sum = (layers: Folding[]) => {
    const e = { lut: 0, ff: 0, lutram: 0, bram36: 0 };
    layers.forEach((f, i) => {
      const c = cands[i]!.find((x) => x.fold.pe === f.pe && x.fold.simd === f.simd)!.cost;
      e.lut += c.lut;
      e.ff += c.ff;
      e.lutram += c.lutram;
      e.bram36 += c.bram36;
    });
    return e;
  };
  const iiOf = (layers: Folding[]) => Math.max(...layers.map((f, i) => cands[i]!.find((x) => x.fold.pe === f.pe && x.fold.simd === f.simd)!.cycles));
  const inBits = (layers: Folding[]) => 8 * Math.ceil((layers[0]!.simd * im.input.rawBits) / 8);
  const rough = choices.map((layers) => ({ layers, ii: iiOf(layers), ...sum(layers), inputBits: inBits(layers) }));
  // The whole-plan estimate (FIFOs, width converters, argmax) of the points kept.
  const points = paretoOf(paretoOf(rough).map((p) => exactPoint(im, p.layers))).sort((a, b) => a.ii - b.ii);
  return { points, considered: cands.reduce((a, cs) => a + cs.length, 0) };
}

type Costed = Pick<FoldPoint, 'ii' | 'lut' | 'lutram' | 'bram36' | 'inputBits'>;
const dominates = (q: Costed, p: Costed) =>
  q.ii <= p.ii && q.lut + q.lutram <= p.lut + p.lutram && q.bram36 <= p.bram36 && q.inputBits <= p.inputBits &&
  (q.ii < p.ii || q.lut + q.lutram < p.lut + p.lutram || q.bram36 < p.bram36 || q.inputBits < p.inputBits);
function paretoOf<T extends Costed>(ps: T[]): T[] {
  return ps.filter((p) => !ps.some((q) => q !== p && dominates(q, p)));
}

export function exactPoint(im: IntegerModel, layers: Folding[]): FoldPoint {
  const plan = buildPlan(im, { layers, fifoDepth: 'auto', source: 'auto-fold' }, { model: im.name });
  const t = estimatePlan(plan).total;
  return { ii: plan.ii.cycles, layers, lut: t.lut, ff: t.ff, lutram: t.lutram, bram36: t.bram36, inputBits: inAxisBits(plan) };
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

/** The fastest point that fits the device's LUTs, flip-flops and block RAM (7-series estimates). */
export function foldForDevice(im: IntegerModel, device: Device, front?: ReturnType<typeof foldFront>): FoldChoice {
  if (device.family !== 'xc7')
    throw new BnnError({
      code: 'FOLD_INVALID',
      message: `the resource estimators are calibrated for 7-series only; ${device.name} needs --fps/--clock for now`,
      field: '--device',
      expected: 'xc7z020 or xc7a100t',
      got: device.name,
    });
  const { points, considered } = front ?? foldFront(im);
  const fits = points.filter((p) => p.lut + p.lutram <= device.lut && p.ff <= device.ff && p.bram36 <= device.bram);
  if (fits.length === 0)
    throw new BnnError({ code: 'FOLD_INVALID', message: `no folding of this network fits ${device.name}`, field: '--device', expected: `a device with at least ${points.at(-1)!.lut} LUTs and ${points.at(-1)!.bram36} BRAM36`, got: device.name });
  const chosen = fits.reduce((a, b) => (b.ii < a.ii || (b.ii === a.ii && b.lut < a.lut) ? b : a));
  return { chosen, target: { device: device.name }, front: points, considered, fold: foldConfigOf(chosen, `auto (fastest that fits ${device.name})`) };
}

function foldConfigOf(p: FoldPoint, source: string): FoldConfig {
  return { layers: p.layers, fifoDepth: 'auto', source };
}
