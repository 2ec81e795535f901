import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldFront } from '../compiler/auto-fold.js';
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
  lut4: number;
  ff: number;
  bram: number;
  fits: boolean;
}

/**
 * `bnn synth --target ice40-*` without --fold: the fastest point of bnn fold's Pareto front whose
 * Yosys synth_ice40 netlist fits the device's logic cells, block RAMs and pins. There is no
 * calibrated iCE40 estimator, so each probe is a real synthesis (binary search over the front,
 * which is ordered by II and so, roughly, by size); place and route then decides.
 */
export async function fitIce40(model: Model, target: Ice40Target, clockMHz: number, onProgress: (s: string) => void = () => {}): Promise<{ fold: FoldConfig; probes: Ice40Probe[] }> {
  const points = foldFront(foldThresholds(model)).points;
  const probes: Ice40Probe[] = [];
  const cache = new Map<number, boolean>();
  const fits = async (i: number): Promise<boolean> => {
    const known = cache.get(i);
    if (known !== undefined) return known;
    const p = points[i]!;
    const folding = p.layers.map((f) => `${f.pe}/${f.simd}`).join(' ');
    onProgress(`${target}: does II ${p.ii} (${folding}) fit? yosys synth_ice40`);
    const plan = compile(model, { fold: { layers: p.layers, fifoDepth: 'auto', source: 'probe' } }).plan;
    const dir = mkdtempSync(join(tmpdir(), 'bnn-fit-'));
    try {
      const { files, executable } = synthDesignFiles(plan, clockMHz);
      const work = join(dir, 'd');
      writeFolderSafe(work, files, { executable });
      await tool(work, ice40Commands(plan, target, clockMHz)[0]!.argv, 'yosys synth_ice40');
      const res = ice40SynthResources(plan, readJson<YosysStat>(join(work, `${target}_stat.json`)));
      const ok = ice40Overflows(res, ICE40_DEVICES[target]).length === 0;
      probes.push({ ii: p.ii, folding, lut4: res.lut4, ff: res.ff, bram: res.bram, fits: ok });
      cache.set(i, ok);
      return ok;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  let lo = 0;
  let hi = points.length - 1;
  if (!(await fits(hi)))
    throw new BnnError({ code: 'USAGE', message: `no folding of this network fits ${target}, not even the slowest (II ${points[hi]!.ii})`, field: '--target', got: target });
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  const chosen = points[hi]!;
  return { fold: { layers: chosen.layers, fifoDepth: 'auto', source: `auto (fastest that synthesizes within ${target})` }, probes };
}
