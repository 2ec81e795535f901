/**
 * Calibration and measurement sweep for the resource estimators (not part of the test suite):
 *   npx tsc -p . && node dist/scripts/bench-synth.js [grid|models|all]
 * grid: one bnn_mvtu per (PE, SIMD) point under Yosys synth_xilinx, against estimateMvtu.
 * models: 784-256-256-256-10 at two foldings, resources per block and LUTs per lane.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateMvtu } from '../src/blocks/mvtu.js';
import { compile } from '../src/compiler/compile.js';
import { randomModel } from '../src/model/random-model.js';
import { mvtuParamsOf, synthMvtuXc7, type MvtuPoint } from '../src/synth/calibrate.js';
import { runSynth } from '../src/synth/run.js';

async function pool<T, R>(items: T[], n: number, f: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; out[i] = await f(items[i]!, i); }
  }));
  return out;
}

async function grid(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'bnn-cal-'));
  const points: MvtuPoint[] = [];
  for (const [MW, MH] of [[64, 32], [256, 64], [784, 64]] as const)
    for (const PE of [1, 2, 4, 8, 16]) for (const SIMD of [4, 8, 16, 32, 64])
      if (MW % SIMD === 0 && MH % PE === 0) points.push({ MW, MH, PE, SIMD });
  const pop = process.env.BNN_POPCOUNT;
  const rows = await pool(points, 4, async (p, i) => {
    const pt = pop !== undefined ? { ...p, POPCOUNT: Number(pop) as 0 | 1 } : p;
    const m = await synthMvtuXc7(pt, join(base, String(i)));
    const e = estimateMvtu(mvtuParamsOf(p));
    return { ...p, lanes: p.PE * p.SIMD, yosys: m, est: e };
  });
  let worst = 0;
  console.log('MW\tMH\tPE\tSIMD\tlanes\tLUT\testLUT\terr%\tFF\testFF\tLUTRAM\tBRAM36\testBRAM36\tLUT/lane');
  for (const r of rows) {
    const err = (100 * (r.est.lut - r.yosys.lut)) / r.yosys.lut;
    worst = Math.max(worst, Math.abs(err));
    console.log([r.MW, r.MH, r.PE, r.SIMD, r.lanes, r.yosys.lut, r.est.lut, err.toFixed(1), r.yosys.ff, r.est.ff, r.yosys.lutram, r.yosys.bram36, r.est.bram36, (r.yosys.lut / r.lanes).toFixed(2)].join('\t'));
  }
  console.log(`worst LUT error ${worst.toFixed(1)}% over ${rows.length} points`);
}

async function models(): Promise<void> {
  const m = randomModel({ name: 'sfc', arch: [784, 256, 256, 256, 10], seed: 1 });
  const folds = [
    { name: 'default', fold: undefined },
    { name: 'small', fold: { layers: [{ pe: 8, simd: 16 }, { pe: 8, simd: 8 }, { pe: 8, simd: 8 }, { pe: 1, simd: 8 }], fifoDepth: 'auto' as const, source: 'bench small' } },
  ];
  for (const f of folds) {
    const { plan } = compile(m, f.fold ? { fold: f.fold } : {});
    const dir = mkdtempSync(join(tmpdir(), `bnn-sfc-${f.name}-`));
    const t0 = Date.now();
    const r = await runSynth(plan, dir, { targets: ['xc7'], clockMHz: 100 });
    const x = r.targets[0]!.xilinx!;
    console.log(`\n784-256-256-256-10, fold ${f.name} (${plan.source.fold}), II ${r.ii}, ${((Date.now() - t0) / 1000).toFixed(0)} s, ${dir}`);
    console.log('block\tPE\tSIMD\tlanes\tLUT\tLUTRAM\tFF\tCARRY4\tBRAM36\tLUT/lane');
    for (const b of x.blocks) {
      const pb = plan.blocks.find((q) => q.name === b.block)!;
      const lanes = pb.kind === 'mvtu' ? pb.params.PE * pb.params.SIMD : 0;
      const pe = pb.kind === 'mvtu' ? pb.params.PE : '';
      const simd = pb.kind === 'mvtu' ? pb.params.SIMD : '';
      const q = b.resources;
      console.log([b.block, pe, simd, lanes || '', q.lut, q.lutram, q.ff, q.carry4, q.bram36, lanes ? (q.lut / lanes).toFixed(2) : ''].join('\t'));
    }
    const lanes = plan.blocks.reduce((a, b) => a + (b.kind === 'mvtu' ? b.params.PE * b.params.SIMD : 0), 0);
    console.log(['total', '', '', lanes, x.total.lut, x.total.lutram, x.total.ff, x.total.carry4, x.total.bram36, (x.total.lut / lanes).toFixed(2)].join('\t'));
  }
}

const what = process.argv[2] ?? 'all';
if (what === 'grid' || what === 'all') await grid();
if (what === 'models' || what === 'all') await models();
