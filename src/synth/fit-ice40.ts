import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldForDevice, foldFront } from '../compiler/auto-fold.js';
import { ice40LogicCells } from '../blocks/cost.js';
import { deviceNamed } from './devices.js';
import { compile } from '../compiler/compile.js';
import type { FoldConfig } from '../compiler/fold-config.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { writeFolderSafe } from '../util/output-safety.js';
import { BnnError } from '../errors.js';
import type { Model } from '../model/types.js';
import { ICE40_DEVICES, ice40Commands, ice40Overflows, ice40SynthResources, type Ice40Target } from './ice40.js';
import { readJson, synthDesignFiles, tool } from './run.js';
import type { YosysStat } from './yosys-json.js';

export interface Ice40Probe {
  ii: number;
  folding: string;
  /** Yosys synth_ice40 counts of the flattened design (the `bnn synth` recipe). */
  lut4: number;
  ff: number;
  carry: number;
  bram: number;
  /** Logic cells packed from those counts (ice40LogicCells), the figure checked against the device. */
  lc: number;
  fits: boolean;
  /** What the iCE40 estimators said of the same point before synthesis. */
  estimate: { lut4: number; ff: number; carry: number; ebr: number; lc: number };
}

/**
 * `bnn synth --target ice40-*` without --fold: the iCE40 estimators choose the fastest point of
 * the front (`bnn fold --device`, ranked by estimated logic cells and EBRs) that fits the device;
 * one real synthesis (Yosys synth_ice40, the recipe `bnn synth` runs) confirms it, and only if
 * its counts overflow the device (LUT4s, flip-flops, packed logic cells, EBRs, pins) does the
 * search step down to the next slower Pareto point. Every probe keeps the estimate beside the
 * real counts, so the report shows how far the estimators were. Place and route then decides.
 */
export async function fitIce40(model: Model, target: Ice40Target, clockMHz: number, onProgress: (s: string) => void = () => {}): Promise<{ fold: FoldConfig; probes: Ice40Probe[] }> {
  const im = foldThresholds(model);
  const front = foldFront(im, 'ice40');
  const points = front.points;
  const dev = deviceNamed(target)!;
  let start: number;
  try {
    start = points.indexOf(foldForDevice(im, dev, front).chosen);
  } catch (e) {
    if (!(e instanceof BnnError)) throw e;
    // No point fits by the estimate: let the slowest one's synthesis say how far off it is.
    start = points.length - 1;
  }
  const probes: Ice40Probe[] = [];
  for (let i = start; i < points.length; i++) {
    const p = points[i]!;
    const folding = p.layers.map((f) => `${f.pe}/${f.simd}`).join(' ');
    onProgress(`${target}: estimated ${p.ice40.lc} logic cells, ${p.ice40.ebr} EBRs at II ${p.ii} (${folding}); confirming with yosys synth_ice40`);
    const plan = compile(model, { fold: { layers: p.layers, fifoDepth: 'auto', source: 'probe' } }).plan;
    const dir = mkdtempSync(join(tmpdir(), 'bnn-fit-'));
    try {
      const { files, executable } = synthDesignFiles(plan, clockMHz);
      const work = join(dir, 'd');
      writeFolderSafe(work, files, { executable });
      await tool(work, ice40Commands(plan, target, clockMHz)[0]!.argv, 'yosys synth_ice40');
      const res = ice40SynthResources(plan, readJson<YosysStat>(join(work, `${target}_stat.json`)));
      const lc = ice40LogicCells(res.lut4, res.ff, res.carry);
      const ok = ice40Overflows(res, ICE40_DEVICES[target]).length === 0 && lc <= ICE40_DEVICES[target].lcs;
      const e = p.ice40;
      probes.push({ ii: p.ii, folding, lut4: res.lut4, ff: res.ff, carry: res.carry, bram: res.bram, lc, fits: ok, estimate: { lut4: e.lut4, ff: e.ff, carry: e.carry, ebr: e.ebr, lc: e.lc } });
      if (ok) return { fold: { layers: p.layers, fifoDepth: 'auto', source: `auto (fastest that fits ${target} by the iCE40 estimators, confirmed by synth_ice40)` }, probes };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  throw new BnnError({ code: 'USAGE', message: `no folding of this network fits ${target}, not even the slowest (II ${points.at(-1)!.ii})`, field: '--target', got: target });
}
