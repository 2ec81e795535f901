/**
 * Calibration and measurement sweep for the resource estimators (not part of the test suite):
 *   npx tsc -p . && node dist/scripts/bench-synth.js [grid|popcount|datapath|blocks|models|all]
 * grid: one bnn_mvtu per (PE, SIMD) point under Yosys synth_xilinx, against estimateMvtu.
 * popcount: POPCOUNT = 0 (plain sum) against 1 (compressor tree), LUTs per lane on MW = MH = 256.
 * datapath: LUTs per stage of one MVTU (1024 -> 256) at four PE x SIMD points, each popcount implementation,
 *   xc7 and iCE40; writes the `datapath` section of BENCHMARKS.md.
 * blocks: sliding-window generator and max-pool configurations against their estimators.
 * act (or multibit): multi-bit activations: one bnn_mvtu per (shape, PE, SIMD) point for W1A1 and for A-bit inputs/outputs
 *   (W1A2 signed 3 levels, W1A3 signed 7 levels, W1A4 15 thresholds, 8-bit first layer), the A-bit pool/SWG/DWC alone, and
 *   tfc-mnist / cnn-fashion against their W1A2 siblings per block, against estimateMvtu, with a refit of
 *   the multi-bit coefficients; writes the `multibit` section of BENCHMARKS.md (BNN_ACT_JSON=rows.json: keep the
 *   synthesized points there and reuse them, resuming or refitting a sweep).
 * models: models/sfc-mnist.yaml (trained) at two foldings (xc7 resources per block, LUTs per lane) and
 *   models/tfc-mnist.yaml (trained) to an iCE40 HX8K bitstream; writes the `synth` section of BENCHMARKS.md
 *   (BNN_WRITE_BENCH=0: print only).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateMvtu, mvtuFixedFeatures, mvtuLutFeatures, mvtuThresholdFeatures, MVTU_LUT_MODEL_HEAP, type MvtuParams } from '../src/blocks/mvtu.js';
import { existsSync, readFileSync } from 'node:fs';
import { compile } from '../src/compiler/compile.js';
import { loadModel } from '../src/model/io.js';
import { estimatePlan } from '../src/synth/estimate.js';
import { packageRoot } from '../src/util/paths.js';
import { machineLine, writeBenchSection } from './bench-section.js';
import { spawnSync } from 'node:child_process';
import { mvtuParamsOf, synthMvtuStages, synthMvtuXc7, synthTemplateXc7, type MvtuPoint } from '../src/synth/calibrate.js';
import { estimatePool, type PoolBlock } from '../src/blocks/pool.js';
import { estimateSwg, type SwgBlock } from '../src/blocks/swg.js';
import { estimateDwc, type DwcBlock } from '../src/blocks/dwc.js';
import type { XilinxResources } from '../src/synth/xilinx.js';
import { runSynth } from '../src/synth/run.js';

async function pool<T, R>(items: T[], n: number, f: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; out[i] = await f(items[i]!, i); }
  }));
  return out;
}

/** Least squares on relative error: minimise Σ ((Xβ - y) / y)² (normal equations, Gaussian elimination). */
function fitRelative(X: number[][], y: number[]): number[] {
  return fitWeighted(X, y, y.map((v) => 1 / (v * v)));
}

/** Weighted least squares: minimise Σ w·(Xβ - y)². */
function fitWeighted(X: number[][], y: number[], weights: number[]): number[] {
  const n = X[0]!.length;
  const A = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  X.forEach((row, r) => {
    const w = weights[r]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) A[i]![j]! += w * row[i]! * row[j]!;
      A[i]![n]! += w * row[i]! * y[r]!;
    }
  });
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k <= n; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  return A.map((row, i) => row[n]! / row[i]!);
}

async function grid(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'bnn-cal-'));
  const points: MvtuPoint[] = [];
  // Default (35 points, ~4 min on 2 cores): all of PE x SIMD on a small matrix, a sparser cross on
  // two larger ones. BNN_GRID=full: the 5 x 5 PE x SIMD cross on all three shapes (~10 min).
  const full = process.env.BNN_GRID === 'full';
  const shapes: Array<[number, number, number[], number[]]> = full
    ? [[64, 32, [1, 2, 4, 8, 16], [4, 8, 16, 32, 64]], [256, 64, [1, 2, 4, 8, 16], [4, 8, 16, 32, 64]], [784, 64, [1, 2, 4, 8, 16], [4, 8, 16, 32, 64]]]
    : [[64, 32, [1, 2, 4, 8, 16], [4, 8, 16, 32]], [256, 64, [1, 4, 16], [4, 16, 64]], [784, 64, [1, 4, 16], [8, 16]]];
  for (const [MW, MH, pes, simds] of shapes)
    for (const PE of pes) for (const SIMD of simds)
      if (MW % SIMD === 0 && MH % PE === 0) points.push({ MW, MH, PE, SIMD });
  const pop = process.env.BNN_POPCOUNT;
  const jobs = Number(process.env.BNN_JOBS ?? Math.max(1, cpus().length));
  const t0 = Date.now();
  const rows = await pool(points, jobs, async (p, i) => {
    const pt = pop !== undefined ? { ...p, POPCOUNT: Number(pop) as 0 | 1 | 2 } : p;
    const m = await synthMvtuXc7(pt, join(base, String(i)));
    const e = estimateMvtu(mvtuParamsOf(pt));
    return { ...pt, lanes: p.PE * p.SIMD, yosys: m, est: e };
  });
  writeFileSync(join(base, 'grid.json'), JSON.stringify(rows, null, 1));
  let worst = 0;
  let sum = 0;
  console.log('MW\tMH\tPE\tSIMD\tlanes\tLUT\testLUT\terr%\tFF\testFF\tLUTRAM\tBRAM36\testBRAM36\tLUT/lane');
  for (const r of rows) {
    const err = (100 * (r.est.lut - r.yosys.lut)) / r.yosys.lut;
    worst = Math.max(worst, Math.abs(err));
    sum += Math.abs(err);
    console.log([r.MW, r.MH, r.PE, r.SIMD, r.lanes, r.yosys.lut, r.est.lut, err.toFixed(1), r.yosys.ff, r.est.ff, r.yosys.lutram, r.yosys.bram36, r.est.bram36, (r.yosys.lut / r.lanes).toFixed(2)].join('\t'));
  }
  console.log(`current model: mean |LUT error| ${(sum / rows.length).toFixed(1)}%, worst ${worst.toFixed(1)}% over ${rows.length} points; ${((Date.now() - t0) / 1000).toFixed(0)} s, ${base}/grid.json`);
  // Refit the model's coefficients (same features as estimateMvtu) on these points.
  const X = rows.map((r) => mvtuLutFeatures(mvtuParamsOf(r)));
  const beta = fitRelative(X, rows.map((r) => r.yosys.lut));
  const errs = rows.map((r, i) => Math.abs(X[i]!.reduce((a, x, j) => a + x * beta[j]!, 0) - r.yosys.lut) / r.yosys.lut);
  console.log(`refit: [${beta.map((b) => b.toFixed(4)).join(', ')}]; mean |error| ${((100 * errs.reduce((a, b) => a + b, 0)) / errs.length).toFixed(1)}%, worst ${(100 * Math.max(...errs)).toFixed(1)}%`);
}

/** The two popcount implementations (mvtu.v POPCOUNT = 0 plain sum, 1 compressor tree) on MW = MH = 256. */
async function popcounts(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'bnn-pop-'));
  const pts: MvtuPoint[] = [];
  for (const [PE, SIMD] of [[16, 32], [8, 64], [32, 16], [4, 8], [16, 64]] as const)
    for (const POPCOUNT of [0, 1] as const) pts.push({ MW: 256, MH: 256, PE, SIMD, POPCOUNT });
  const jobs = Number(process.env.BNN_JOBS ?? Math.max(1, cpus().length));
  const rows = await pool(pts, jobs, async (p, i) => ({ ...p, r: await synthMvtuXc7(p, join(base, String(i))) }));
  console.log('MW\tMH\tPE\tSIMD\tlanes\tPOPCOUNT\tLUT\tLUT/lane\tCARRY4\tFF');
  for (const x of rows)
    console.log([x.MW, x.MH, x.PE, x.SIMD, x.PE * x.SIMD, x.POPCOUNT === 1 ? '1 tree' : '0 sum', x.r.lut, (x.r.lut / (x.PE * x.SIMD)).toFixed(2), x.r.carry4, x.r.ff].join('\t'));
}

/**
 * Where the LUTs go in one MVTU, per stage, before and after the lean datapath (docs/datapath.md):
 * "before" is rtl-templates/ at BNN_DP_BEFORE (default 26b8316, main before issue 15: masked
 * accumulator, popcount as wide as the accumulator, thresholds left to Yosys), extracted from git;
 * "after" is the working tree with the plan's choices (bit heap, THRESH_RAM by mvtuThreshRam).
 * Stages: popcount from its own module (hierarchy kept), thr ROM = (thresholds as LUT ROM) −
 * (thresholds in block RAM), cmp/inv = (block RAM) − (no thresholds), rest = (no thresholds) −
 * popcount. iCE40 LUT4 alongside. BNN_DP_POINTS="16x32,32x32" restricts the points.
 */
async function datapath(): Promise<void> {
  const t00 = Date.now();
  const base = mkdtempSync(join(tmpdir(), 'bnn-dp-'));
  const rev = process.env.BNN_DP_BEFORE ?? '26b8316';
  const beforeDir = join(base, 'before-rtl');
  mkdirSync(beforeDir);
  for (const f of ['mvtu.v', 'popcount.v']) {
    const r = spawnSync('git', ['show', `${rev}:rtl-templates/${f}`], { cwd: packageRoot(), encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`git show ${rev}:rtl-templates/${f}: ${r.stderr}`);
    writeFileSync(join(beforeDir, f), r.stdout);
  }
  const MW = 256;
  const MH = 256;
  const all = [[4, 8], [16, 16], [16, 32], [32, 32]] as const;
  const sel = process.env.BNN_DP_POINTS?.split(',');
  const points = all.filter(([pe, simd]) => !sel || sel.includes(`${pe}x${simd}`));
  type V = 'before' | 'before-tbram' | 'before-nothresh' | 'after' | 'after-rom' | 'after-tbram' | 'after-nothresh' | 'ice-before' | 'ice-after';
  const vs: V[] = ['before', 'before-tbram', 'before-nothresh', 'after', 'after-rom', 'after-tbram', 'after-nothresh', 'ice-before', 'ice-after'];
  const jobsList = points.flatMap(([PE, SIMD]) => vs.map((v) => ({ PE, SIMD, v })));
  const jobs = Number(process.env.BNN_JOBS ?? 1);
  const res = await pool(jobsList, jobs, async (j, i) => {
    const before = j.v.includes('before');
    const pt: MvtuPoint = {
      MW, MH, PE: j.PE, SIMD: j.SIMD, POPCOUNT: 2,
      ...(before ? { rtlDir: beforeDir } : {}),
      ...(j.v.endsWith('tbram') ? { thresholdsInBram: true } : {}),
      ...(j.v === 'after-rom' ? { thresholdsInBram: false } : {}),
      ...(j.v.endsWith('nothresh') ? { USE_THRESH: 0 as const } : {}),
    };
    const dir = join(base, String(i));
    const r = j.v.startsWith('ice') ? { ice: await synthMvtuStages(pt, dir, 'ice40') } : { xc7: await synthMvtuStages(pt, dir, 'xc7') };
    process.stderr.write(`${i + 1}/${jobsList.length} ${j.PE}x${j.SIMD} ${j.v}\n`);
    return { j, pt, ...r };
  });
  const find = (PE: number, SIMD: number, v: V) => res.find((x) => x.j.PE === PE && x.j.SIMD === SIMD && x.j.v === v)!;
  const get = (PE: number, SIMD: number, v: V) => find(PE, SIMD, v).xc7!;
  const md = [
    '## MVTU datapath: LUTs per stage and per lane, before and after the lean datapath (issue 15)',
    '',
    `Command: \`npx tsc -p . && BNN_JOBS=2 nice node dist/scripts/bench-synth.js datapath\` (scripts/bench-synth.ts), ${new Date().toISOString().slice(0, 10)}, ${((Date.now() - t00) / 1000).toFixed(0)} s, all figures from this one run.`,
    `Machine: ${machineLine()}; ${toolVersion('yosys', ['-V'])}. One \`bnn_mvtu\` alone, MW = ${MW}, MH = ${MH}, random weights (block RAM) and thresholds, bit-heap popcount, hierarchy kept. ` +
      `**before** = rtl-templates/ at ${rev} (extracted with git show), thresholds left to Yosys (LUT ROM); **after** = this tree with the plan's threshold memory (\`THRESH_RAM\` by mvtuThreshRam: ${points.map(([PE, SIMD]) => `${PE}×${SIMD} ${mvtuParamsOf({ MW, MH, PE, SIMD }).THRESH_RAM ? 'block RAM' : 'LUT ROM'}`).join(', ')}).`,
    '',
    'xc7 = `synth_xilinx -family xc7`; LUT = LUT1..6. Stages: **popcount** = the PE `bnn_popcount` instances (own module); **thr ROM** = (thresholds as LUT ROM) − (thresholds in block RAM); ' +
      '**cmp/inv** = (thresholds in block RAM) − (no thresholds, `USE_THRESH = 0`); **rest** = (no thresholds) − popcount: accumulators, counters and address, input-buffer read mux, output register. ' +
      'LUT/lane (ROM) = the same engine with the thresholds forced into LUTs (after: `THRESH_RAM = 0`). depth = `ltp -noff` over the logic cells (LUT, CARRY4, MUXF) of the flattened netlist. ' +
      'iCE40 = `synth_ice40` (LUT4, same threshold memory choice as the xc7 column; no place and route).',
    '',
    '| PE×SIMD | lanes | | xc7 LUT | LUT/lane | LUT/lane (thr ROM) | popcount | thr ROM | cmp/inv | rest | CARRY4 | FF | RAMB18 eq. | depth | iCE40 LUT4 | LUT4/lane |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [PE, SIMD] of points) {
    const lanes = PE * SIMD;
    for (const w of ['before', 'after'] as const) {
      const f = get(PE, SIMD, w);
      const rom = w === 'before' ? f : get(PE, SIMD, 'after-rom');
      const tb = get(PE, SIMD, `${w}-tbram`).total;
      const nt = get(PE, SIMD, `${w}-nothresh`);
      const ice = find(PE, SIMD, w === 'before' ? 'ice-before' : 'ice-after').ice!;
      const pcLut = (f.popcount?.lut ?? 0) * PE;
      const ntRest = nt.total.lut - (nt.popcount?.lut ?? 0) * PE;
      const row = [`${PE}×${SIMD}`, lanes, w, f.total.lut, (f.total.lut / lanes).toFixed(2), (rom.total.lut / lanes).toFixed(2), pcLut, rom.total.lut - tb.lut, tb.lut - nt.total.lut, ntRest, f.total.carry4, f.total.ff, 2 * f.total.bram36, f.depth, ice.total.lut4, (ice.total.lut4 / lanes).toFixed(2)];
      md.push(`| ${row.join(' | ')} |`);
    }
  }
  // The estimator against these netlists (after, the plan's choice).
  md.push('', 'Estimator (src/blocks/mvtu.ts estimateMvtu) against the "after" xc7 LUTs: ' +
    points.map(([PE, SIMD]) => { const r = find(PE, SIMD, 'after'); const e = estimateMvtu(mvtuParamsOf(r.pt)).lut; return `${PE}×${SIMD} ${e} vs ${r.xc7!.total.lut} (${((100 * (e - r.xc7!.total.lut)) / r.xc7!.total.lut).toFixed(1)} %)`; }).join(', ') + '.');
  const body = md.join('\n');
  if (process.env.BNN_WRITE_BENCH !== '0') writeBenchSection(join(packageRoot(), 'BENCHMARKS.md'), 'datapath', body);
  console.log(body);
  console.log(base);
}

/** Sliding-window generator and max-pool alone under synth_xilinx, against their estimators. */
async function blocks(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'bnn-blk-'));
  const swg = (H: number, W: number, C: number, SIMD: number, EB: number, K: number, S: number, P: number): SwgBlock['params'] => ({
    H, W, C, SIMD, ELEM_BITS: EB, K, S, P, PAD: 0, OH: Math.floor((H + 2 * P - K) / S) + 1, OW: Math.floor((W + 2 * P - K) / S) + 1,
  });
  // The first 6 swg / 4 pool configurations are the ones the coefficients were fitted on; the
  // last two of each are held out.
  const cfgs: Array<{ t: 'swg'; p: SwgBlock['params']; fit: boolean } | { t: 'pool'; p: PoolBlock['params']; fit: boolean }> = [
    ...[swg(32, 32, 3, 3, 8, 3, 1, 0), swg(30, 30, 64, 16, 1, 3, 1, 0), swg(14, 14, 64, 32, 1, 3, 1, 1), swg(8, 8, 16, 4, 1, 3, 1, 1), swg(5, 5, 256, 32, 1, 3, 1, 0), swg(28, 28, 1, 1, 8, 5, 1, 0)]
      .map((p) => ({ t: 'swg' as const, p, fit: true })),
    ...[swg(16, 16, 32, 8, 1, 3, 1, 1), swg(12, 12, 128, 16, 1, 3, 1, 0)].map((p) => ({ t: 'swg' as const, p, fit: false })),
    ...[{ H: 28, W: 28, C: 64, SIMD: 16, K: 2 }, { H: 10, W: 10, C: 128, SIMD: 8, K: 2 }, { H: 8, W: 8, C: 16, SIMD: 4, K: 2 }, { H: 24, W: 24, C: 32, SIMD: 32, K: 3 }]
      .map((p) => ({ t: 'pool' as const, p, fit: true })),
    ...[{ H: 12, W: 12, C: 64, SIMD: 16, K: 2 }, { H: 26, W: 26, C: 32, SIMD: 8, K: 2 }].map((p) => ({ t: 'pool' as const, p, fit: false })),
  ];
  const jobs = Number(process.env.BNN_JOBS ?? Math.max(1, cpus().length));
  const rows = await pool(cfgs, jobs, async (c, i) => ({ c, y: await synthTemplateXc7(c.t, c.p, join(base, String(i))), e: c.t === 'swg' ? estimateSwg(c.p) : estimatePool(c.p) }));
  console.log('block\tparams\tfit/held out\tLUT\testLUT\terr%\tFF\testFF\tLUTRAM\testLUTRAM\tBRAM36\testBRAM36');
  for (const { c, y, e } of rows)
    console.log([c.t, JSON.stringify(c.p), c.fit ? 'fit' : 'held out', y.lut, e.lut, ((100 * (e.lut - y.lut)) / y.lut).toFixed(1), y.ff, e.ff, y.lutram, e.lutram, y.bram36, e.bram36].join('\t'));
}

/** FINN's SFC-max (784-256-256-256-10, fully parallel-ish): 91,131 LUTs for ~20,900 XNOR lanes. */
const FINN_SFC_MAX = { luts: 91131, lanes: 20900 };

async function models(): Promise<void> {
  const t00 = Date.now();
  const md: string[] = [];
  const sfcFile = join(packageRoot(), 'models', 'sfc-mnist.yaml');
  const m = loadModel(sfcFile);
  const folds = [
    { name: 'default', fold: undefined },
    { name: 'small', fold: { layers: [{ pe: 8, simd: 16 }, { pe: 8, simd: 8 }, { pe: 8, simd: 8 }, { pe: 1, simd: 8 }], fifoDepth: 'auto' as const, source: 'bench small' } },
  ];
  for (const f of folds) {
    const { plan } = compile(m, f.fold ? { fold: f.fold } : {});
    const dir = mkdtempSync(join(tmpdir(), `bnn-sfc-${f.name}-`));
    const t0 = Date.now();
    const r = await runSynth(plan, dir, { targets: ['xc7'], clockMHz: 100 });
    const secs = (Date.now() - t0) / 1000;
    const x = r.targets[0]!.xilinx!;
    const est = estimatePlan(plan);
    const lanes = est.lanes;
    const folding = plan.blocks.filter((b) => b.kind === 'mvtu').map((b) => (b.kind === 'mvtu' ? `PE${b.params.PE}/SIMD${b.params.SIMD}` : '')).join(', ');
    console.log(`\n${m.name}, fold ${f.name} (${folding}), II ${r.ii}, ${secs.toFixed(0)} s, ${dir}`);
    md.push(`### ${m.name} (784-256-256-256-10), ${f.name === 'default' ? 'default folding' : 'a smaller folding'}: ${folding}`, '');
    md.push(`II ${r.ii} cycles/frame (simulator), ${lanes} lanes; Yosys synth_xilinx took ${secs.toFixed(0)} s. At 100 MHz: ${(1e8 / r.ii).toFixed(0)} frames/s (Yosys does not time 7-series netlists).`, '');
    md.push('| block | kind | PE×SIMD | LUT | LUTRAM | FF | CARRY4 | BRAM36 | LUT/lane | estimate LUT / FF / BRAM36 |', '|---|---|---|---|---|---|---|---|---|---|');
    for (const b of x.blocks) {
      const pb = plan.blocks.find((q) => q.name === b.block)!;
      const ln = pb.kind === 'mvtu' ? pb.params.PE * pb.params.SIMD : 0;
      const q = b.resources;
      const e = est.blocks.find((q2) => q2.block === b.block)!.estimate;
      const row = [b.block, pb.kind, pb.kind === 'mvtu' ? `${pb.params.PE}×${pb.params.SIMD}` : '', q.lut, q.lutram, q.ff, q.carry4, q.bram36, ln ? (q.lut / ln).toFixed(2) : '', `${e.lut} / ${e.ff} / ${e.bram36}`];
      console.log(row.join('\t'));
      md.push(`| ${row.join(' | ')} |`);
    }
    const t = x.total;
    const tot = ['**total**', '', String(lanes), t.lut, t.lutram, t.ff, t.carry4, t.bram36, (t.lut / lanes).toFixed(2), `${est.total.lut} / ${est.total.ff} / ${est.total.bram36}`];
    console.log(tot.join('\t'));
    md.push(`| ${tot.join(' | ')} |`, '');
    md.push(`LUTs per lane, whole design: **${(t.lut / lanes).toFixed(2)}**; MVTUs only: ${(x.blocks.filter((b) => b.kind === 'mvtu').reduce((a, b) => a + b.resources.lut, 0) / lanes).toFixed(2)}. ` +
      `FINN SFC-max: ~${(FINN_SFC_MAX.luts / FINN_SFC_MAX.lanes).toFixed(1)} LUT/lane (${FINN_SFC_MAX.luts.toLocaleString('en')} LUTs at ~${FINN_SFC_MAX.lanes.toLocaleString('en')} lanes, Vivado). ` +
      `Not like for like: FINN's figure is Vivado at ~20× the lanes, where per-engine overhead (counters, thresholds, FIFOs) is spread thinner; ` +
      `one MVTU alone at 512–1024 lanes is 3.2–3.9 LUT/lane here (\`bench-synth.js popcount\`, POPCOUNT = 0), 2.8–3.1 with the compressor tree.`, '');
  }

  // iCE40: the small tfc model to a bitstream.
  const tfcFile = join(packageRoot(), 'models', 'tfc-mnist.yaml');
  const tfc = loadModel(tfcFile);
  // The default folding (PE16/SIMD28 first layer) needs 41 of the 32 block RAMs and 238 pins
  // (28 raw 8-bit pixels per input beat); this one fits the HX8K out of context.
  const tfcFold = { layers: [{ pe: 4, simd: 8 }, { pe: 4, simd: 4 }, { pe: 4, simd: 4 }, { pe: 1, simd: 4 }], fifoDepth: 'auto' as const, source: 'bench ice40' };
  const { plan } = compile(tfc, { fold: tfcFold });
  const dir = mkdtempSync(join(tmpdir(), 'bnn-tfc-ice40-'));
  const t0 = Date.now();
  const r = await runSynth(plan, dir, { targets: ['ice40-hx8k'], clockMHz: 48 });
  const t = r.targets[0]!;
  const folding = plan.blocks.filter((b) => b.kind === 'mvtu').map((b) => (b.kind === 'mvtu' ? `PE${b.params.PE}/SIMD${b.params.SIMD}` : '')).join(', ');
  const ice = t.ice40 as unknown as Record<string, unknown> | undefined;
  console.log(`\n${tfc.name} ice40-hx8k: fits ${t.fits}, Fmax ${t.fmaxMHz} MHz, ${t.framesPerSecond.toFixed(0)} frames/s, II ${r.ii}, ${((Date.now() - t0) / 1000).toFixed(0)} s, ${dir}`);
  console.log(JSON.stringify(ice));
  md.push(`### ${tfc.name} (784-64-64-64-10) on iCE40 HX8K (ct256), folding ${folding}`, '');
  if (t.fits) {
    const u = (t.ice40?.utilization ?? {}) as Record<string, { available: number; used: number }>;
    const pick = (k: string) => (u[k] ? `${u[k]!.used} / ${u[k]!.available}` : 'n/a');
    md.push(`synth_ice40 → nextpnr-ice40 (--hx8k --package ct256, --freq 48, seed 1) → icepack: bitstream \`${t.bitstream}\`. ` +
      `Achieved Fmax **${t.fmaxMHz!.toFixed(1)} MHz**; II ${r.ii} cycles → **${t.framesPerSecond.toFixed(0)} frames/s**, latency ${t.latencyNs !== null ? (t.latencyNs / 1000).toFixed(1) + ' µs' : 'n/a'}. ` +
      `Logic cells ${pick('ICESTORM_LC')}, RAM ${pick('ICESTORM_RAM')}, I/O ${pick('SB_IO')}. Flow time ${((Date.now() - t0) / 1000).toFixed(0)} s.`, '');
  } else {
    md.push(`Does not fit: ${t.message ?? ''}`, '');
  }
  const body = [
    '## Synthesis: resources per block, LUTs per lane, iCE40 Fmax',
    '',
    `Command: \`npx tsc -p . && node dist/scripts/bench-synth.js models\` (scripts/bench-synth.ts), ${new Date().toISOString().slice(0, 10)}, ${((Date.now() - t00) / 1000).toFixed(0)} s in all.`,
    `Machine: ${machineLine()}; ${toolVersion('yosys', ['-V'])}; ${toolVersion('nextpnr-ice40', ['--version'])}.`,
    '',
    'Xilinx figures: Yosys `synth_xilinx -family xc7` with the hierarchy kept (the `bnn synth --target xc7` recipe), cells counted per plan block; ' +
      'MVTU popcount as the plan chooses it (mvtu.v `POPCOUNT`: the bit heap for binary engines; the estimate models it, `MVTU_LUT_MODEL_HEAP`). The models are the trained sfc-mnist and tfc-mnist; Yosys removes any weight-memory column that happens to be constant. ' +
      '"estimate" is `estimatePlan` (src/synth/estimate.ts).',
    '',
    ...md,
  ].join('\n');
  if (process.env.BNN_WRITE_BENCH !== '0') writeBenchSection(join(packageRoot(), 'BENCHMARKS.md'), 'synth', body);
  console.log('\n' + body);
}

/**
 * Multi-bit activations: what a W1A2 (W1A3, W1A4) engine costs next to the W1A1 one of the same
 * shape and folding, and the estimator's multi-bit terms refitted (docs/datapath.md).
 */
async function act(): Promise<void> {
  const t00 = Date.now();
  type Variant = { id: string; label: string; act?: NonNullable<MvtuPoint['act']>; scores?: boolean };
  const variants: Variant[] = [
    { id: 'a1', label: 'W1A1 (binary in, 1 threshold)' },
    { id: 'a1-a2', label: 'binary in → A2 signed (2 thresholds, bias −1)', act: { inBits: 1, inSigned: false, count: 2, outBits: 2, outBias: -1 } },
    { id: 'a1-a4', label: 'binary in → A4 (15 thresholds, bias −8)', act: { inBits: 1, inSigned: false, count: 15, outBits: 4, outBias: -8 } },
    { id: 'a2-a2', label: 'A2 signed in → A2 signed (2 thresholds)', act: { inBits: 2, inSigned: true, count: 2, outBits: 2, outBias: -1 } },
    // W1A3 as bnn train --act-bits 3 makes it: signed 3-bit elements, 7 levels −3..+3 (bias −3).
    { id: 'a1-a3', label: 'binary in → A3 signed (6 thresholds, bias −3)', act: { inBits: 1, inSigned: false, count: 6, outBits: 3, outBias: -3 } },
    { id: 'a3-a3', label: 'A3 signed in → A3 signed (6 thresholds)', act: { inBits: 3, inSigned: true, count: 6, outBits: 3, outBias: -3 } },
    // The last layer of a W1A2 network: scores (no thresholds) over 2-bit signed elements.
    { id: 'a2-scores', label: 'A2 signed in → scores (last layer)', act: { inBits: 2, inSigned: true, count: 1, outBits: 1, outBias: 0 }, scores: true },
    { id: 'a8-a1', label: '8-bit unsigned in → 1 bit (first layer)', act: { inBits: 8, inSigned: false, count: 1, outBits: 1, outBias: 0 } },
  ];
  const shapes: Array<[number, number, Array<[number, number]>]> = [
    [64, 32, [[1, 4], [4, 16], [2, 32], [8, 32]]],
    [256, 64, [[4, 16], [16, 16]]],
    // NF > 64: a threshold memory deeper than one LUT6 ROM
    [1024, 256, [[1, 32]]],
    // The shapes of cnn-fashion's convolutions: a 3×3 window on one 8-bit pixel channel, and on 16 channels.
    [9, 16, [[16, 1], [4, 1]]],
    [144, 32, [[8, 16], [4, 4]]],
  ];
  type Row = { v: string; pt: MvtuPoint; yosys: { lut: number; ff: number; carry4: number; bram36: number; lutram: number } };
  const jobsList: Array<{ v: Variant; pt: MvtuPoint }> = [];
  for (const [MW, MH, pts] of shapes)
    for (const [PE, SIMD] of pts)
      for (const v of variants) {
        // The 8-bit first layer only on the smallest shape (its adders make the big ones slow to synthesize).
        if (v.id === 'a8-a1' && MW > 64) continue;
        jobsList.push({ v, pt: { MW, MH, PE, SIMD, POPCOUNT: 2, ...(v.act ? { act: v.act } : {}), ...(v.scores ? { USE_THRESH: 0 as const } : {}) } });
      }
  // Rows are appended to BNN_ACT_JSON (default: a new temporary file) as they finish; points
  // already there are not synthesized again, so an interrupted sweep resumes.
  const file = process.env.BNN_ACT_JSON ?? join(mkdtempSync(join(tmpdir(), 'bnn-act-')), 'rows.json');
  const done: Row[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Row[]) : [];
  const key = (v: string, pt: MvtuPoint) => `${v} ${pt.MW} ${pt.MH} ${pt.PE} ${pt.SIMD}`;
  const have = new Set(done.map((r) => key(r.v, r.pt)));
  const todo = jobsList.filter((j) => !have.has(key(j.v.id, j.pt)));
  const base = mkdtempSync(join(tmpdir(), 'bnn-act-'));
  const jobs = Number(process.env.BNN_JOBS ?? 1);
  await pool(todo, jobs, async (j, i) => {
    const y = await synthMvtuXc7(j.pt, join(base, String(i)));
    process.stderr.write(`${i + 1}/${todo.length} ${j.v.id} ${j.pt.MW}x${j.pt.MH} ${j.pt.PE}x${j.pt.SIMD}: ${y.lut} LUT\n`);
    done.push({ v: j.v.id, pt: j.pt, yosys: { lut: y.lut, ff: y.ff, carry4: y.carry4, bram36: y.bram36, lutram: y.lutram } });
    writeFileSync(file, JSON.stringify(done, null, 1));
  });
  console.log(file);
  const order = new Map(jobsList.map((j, i) => [key(j.v.id, j.pt), i]));
  const rows = done.filter((r) => order.has(key(r.v, r.pt))).sort((a, b) => order.get(key(a.v, a.pt))! - order.get(key(b.v, b.pt))!);
  const saved = todo.length === 0;
  const params = (r: Row): MvtuParams => mvtuParamsOf(r.pt);
  const errs = (sel: Row[]) => sel.map((r) => (estimateMvtu(params(r)).lut - r.yosys.lut) / r.yosys.lut);
  const stat = (e: number[]) => `mean |error| ${((100 * e.reduce((a, x) => a + Math.abs(x), 0)) / e.length).toFixed(1)} %, worst ${(100 * Math.max(...e.map(Math.abs))).toFixed(1)} % (${e.length} points)`;
  const ffErr = (sel: Row[]) => sel.map((r) => (estimateMvtu(params(r)).ff - r.yosys.ff) / r.yosys.ff);
  // Refits: the threshold terms on binary-input engines over the bit-heap model's residual; the
  // A-bit-input model on its own features plus the threshold terms.
  const binMulti = rows.filter((r) => r.v === 'a1-a2' || r.v === 'a1-a3' || r.v === 'a1-a4');
  const fixed = rows.filter((r) => (r.pt.act?.inBits ?? 1) > 1);
  const heap = (p: MvtuParams) => mvtuLutFeatures(p).reduce((a, x, i) => a + x * MVTU_LUT_MODEL_HEAP[i]!, 0);
  // The threshold terms are fitted on what several thresholds add to the measured W1A1 engine of
  // the same point (so the bit-heap model's own error does not leak into them), weighted by the
  // whole engine's LUTs (relative error of the total).
  const a1Of = (r: Row) => rows.find((q) => q.v === 'a1' && q.pt.MW === r.pt.MW && q.pt.MH === r.pt.MH && q.pt.PE === r.pt.PE && q.pt.SIMD === r.pt.SIMD)!;
  const thr = fitWeighted(binMulti.map((r) => mvtuThresholdFeatures(params(r))), binMulti.map((r) => r.yosys.lut - a1Of(r).yosys.lut), binMulti.map((r) => 1 / r.yosys.lut ** 2));
  const fx = fitRelative(fixed.map((r) => [...mvtuFixedFeatures(params(r)), ...mvtuThresholdFeatures(params(r))]), fixed.map((r) => r.yosys.lut));
  const nFixed = mvtuFixedFeatures(params(rows[0]!)).length;
  const refitErr = (sel: Row[], f: (p: MvtuParams) => number) => sel.map((r) => (f(params(r)) - r.yosys.lut) / r.yosys.lut);
  const thrEst = (p: MvtuParams) => heap(p) + mvtuThresholdFeatures(p).reduce((a, x, i) => a + x * thr[i]!, 0);
  const fxEst = (p: MvtuParams) => [...mvtuFixedFeatures(p), ...mvtuThresholdFeatures(p)].reduce((a, x, i) => a + x * fx[i]!, 0);
  const md = [
    '## Multi-bit activations: MVTU cost, W1A2..W1A4 against W1A1',
    '',
    `Command: \`npx tsc -p . && BNN_ACT_JSON=rows.json nice node dist/scripts/bench-synth.js multibit\` (scripts/bench-synth.ts), ${new Date().toISOString().slice(0, 10)}, ${saved ? 'every Yosys count from the saved sweep (BNN_ACT_JSON, made by earlier resumed runs the same way; this run recomputed the estimates and the refit)' : `${((Date.now() - t00) / 1000).toFixed(0)} s`}.`,
    `Machine: ${machineLine()}; ${toolVersion('yosys', ['-V'])}. One \`bnn_mvtu\` alone under \`synth_xilinx -family xc7\` (hierarchy kept), random weights and sorted random thresholds over the accumulator's range, bit-heap popcount for binary inputs; LUT = LUT1..6.`,
    '',
    '| MW×MH | PE×SIMD | variant | ACC_W | T_W | thresholds | LUT | estimate | err % | FF | est FF | CARRY4 | BRAM36 | LUT vs W1A1 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const p = params(r);
    const e = estimateMvtu(p);
    const a1 = rows.find((q) => q.v === 'a1' && q.pt.MW === r.pt.MW && q.pt.MH === r.pt.MH && q.pt.PE === r.pt.PE && q.pt.SIMD === r.pt.SIMD);
    const row = [`${r.pt.MW}×${r.pt.MH}`, `${r.pt.PE}×${r.pt.SIMD}`, variants.find((v) => v.id === r.v)!.label, p.ACC_W, p.T_W, p.N_THRESH ?? 1, r.yosys.lut, e.lut, ((100 * (e.lut - r.yosys.lut)) / r.yosys.lut).toFixed(1), r.yosys.ff, e.ff, r.yosys.carry4, r.yosys.bram36, a1 ? `×${(r.yosys.lut / a1.yosys.lut).toFixed(2)}` : ''];
    md.push(`| ${row.join(' | ')} |`);
  }
  md.push(
    '',
    `Current estimator (src/blocks/mvtu.ts): W1A1 ${stat(errs(rows.filter((r) => r.v === 'a1')))}; binary in, several thresholds ${stat(errs(binMulti))}; A-bit or 8-bit inputs ${stat(errs(fixed))}. ` +
      `FF: ${stat(ffErr(rows))}.`,
    '',
    `Refit on these points: threshold terms (MVTU_THRESH_MODEL) [${thr.map((b) => b.toFixed(4)).join(', ')}], ${stat(refitErr(binMulti, thrEst))}; ` +
      `A-bit-input model MVTU_LUT_MODEL_FIXED [${fx.slice(0, nFixed).map((b) => b.toFixed(4)).join(', ')}] and MVTU_THRESH_MODEL_FIXED [${fx.slice(nFixed).map((b) => b.toFixed(4)).join(', ')}], ${stat(refitErr(fixed, fxEst))}.`,
  );
  md.push('', ...(await actBlocks(file)), '', ...(await actModels(file)));
  const body = md.join('\n');
  if (process.env.BNN_WRITE_BENCH !== '0') writeBenchSection(join(packageRoot(), 'BENCHMARKS.md'), 'multibit', body);
  console.log(body);
}

/** Rows kept beside the MVTU sweep's (`<file>.<what>.json`), so that an interrupted run resumes. */
function cached<T>(file: string): { rows: Map<string, T>; save: () => void } {
  const rows = new Map<string, T>(existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Array<[string, T]>) : []);
  return { rows, save: () => writeFileSync(file, JSON.stringify([...rows], null, 1)) };
}

/**
 * The A-bit stream blocks alone (max-pool, sliding-window generator, width converter) at 1, 2 and
 * 3 bits per element, shapes of cnn-fashion and tfc-mnist, against their estimators.
 */
async function actBlocks(file: string): Promise<string[]> {
  const swg = (H: number, W: number, C: number, SIMD: number, EB: number): SwgBlock['params'] => ({ H, W, C, SIMD, ELEM_BITS: EB, K: 3, S: 1, P: 0, PAD: 0, OH: H - 2, OW: W - 2 });
  const poolP = (H: number, W: number, C: number, SIMD: number, EB: number): PoolBlock['params'] =>
    ({ H, W, C, SIMD, K: 2, ...(EB > 1 ? { ELEM_BITS: EB, SIGNED: 1 as const } : {}) });
  type Cfg = { t: 'pool' | 'swg' | 'dwc'; p: Record<string, number> };
  const cfgs: Cfg[] = [];
  for (const EB of [1, 2, 3]) {
    cfgs.push({ t: 'pool', p: poolP(26, 26, 16, 16, EB) }, { t: 'pool', p: poolP(11, 11, 32, 8, EB) }, { t: 'pool', p: poolP(24, 24, 32, 32, EB) });
    cfgs.push({ t: 'swg', p: swg(13, 13, 16, 16, EB) }, { t: 'swg', p: swg(13, 13, 16, 4, EB) }, { t: 'swg', p: swg(28, 28, 32, 8, EB) });
    for (const [i, o] of [[16, 32], [64, 16], [16, 4], [8, 12]] as const) cfgs.push({ t: 'dwc', p: { IN_W: i * EB, OUT_W: o * EB } });
  }
  const c = cached<XilinxResources>(`${file}.blocks.json`);
  const base = mkdtempSync(join(tmpdir(), 'bnn-actblk-'));
  const key = (x: Cfg) => `${x.t} ${JSON.stringify(x.p)}`;
  const jobs = Number(process.env.BNN_JOBS ?? 1);
  await pool(cfgs.filter((x) => !c.rows.has(key(x))), jobs, async (x, i) => {
    c.rows.set(key(x), await synthTemplateXc7(x.t, x.p, join(base, String(i))));
    c.save();
  });
  const est = (x: Cfg) => (x.t === 'swg' ? estimateSwg(x.p as SwgBlock['params']) : x.t === 'pool' ? estimatePool(x.p as PoolBlock['params']) : estimateDwc(x.p as DwcBlock['params']));
  const md = [
    '### The A-bit stream blocks alone',
    '',
    'Each template alone under the same recipe (`synthTemplateXc7`), max-pool 2×2 (signed elements when A > 1), sliding-window generator 3×3, width converter (IN_W/OUT_W in bits: the element count times A). "estimate" is the block\'s estimator (src/blocks/pool.ts, swg.ts, dwc.ts).',
    '',
    '| block | params | A | LUT | est LUT | err % | FF | est FF | LUTRAM | est LUTRAM | BRAM36 | est BRAM36 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const errs: Record<string, number[]> = {};
  for (const x of cfgs) {
    const y = c.rows.get(key(x))!;
    const e = est(x);
    const A = x.t === 'dwc' ? '' : String(x.p.ELEM_BITS ?? 1);
    (errs[x.t] ??= []).push((e.lut - y.lut) / y.lut);
    const { ELEM_BITS: _e, SIGNED: _s, PAD: _p, ...shown } = x.p;
    md.push(`| ${[x.t, Object.entries(shown).map(([k, v]) => `${k} ${v}`).join(', '), A, y.lut, e.lut, ((100 * (e.lut - y.lut)) / y.lut).toFixed(1), y.ff, e.ff, y.lutram, e.lutram, y.bram36, e.bram36].join(' | ')} |`);
  }
  md.push('', `LUT error of the estimators here: ${Object.entries(errs).map(([t, e]) => `${t} mean |error| ${((100 * e.reduce((a, v) => a + Math.abs(v), 0)) / e.length).toFixed(1)} %, worst ${(100 * Math.max(...e.map(Math.abs))).toFixed(1)} %`).join('; ')}.`);
  console.log(base);
  return md;
}

/**
 * W1A1 against W1A2 for the same topology and training command, default folding, whole design per
 * block: tfc-mnist / tfc-mnist-w1a2 and cnn-fashion / cnn-fashion-w1a2.
 */
async function actModels(file: string): Promise<string[]> {
  type BlockRow = { block: string; kind: string; folding: string; y: XilinxResources; e: ReturnType<typeof estimatePlan>['blocks'][number]['estimate'] };
  // Yosys' counts are cached; the estimates are recomputed each time (the estimators are what is being fitted).
  const c = cached<{ ii: number; secs: number; blocks: Array<Omit<BlockRow, 'e'>> }>(`${file}.models.json`);
  const withEstimates = (n: string): { ii: number; secs: number; blocks: BlockRow[] } => {
    const est = estimatePlan(compile(loadModel(join(packageRoot(), 'models', `${n}.yaml`))).plan);
    const r = c.rows.get(n)!;
    return { ...r, blocks: r.blocks.map((b) => ({ ...b, e: est.blocks.find((q) => q.block === b.block)!.estimate })) };
  };
  const pairs: Array<[string, string, string]> = [['tfc-mnist', 'tfc-mnist-w1a2', '784-64-64-64-10'], ['cnn-fashion', 'cnn-fashion-w1a2', 'c16k3,p2,c32k3,p2,f10, 8-bit pixels in']];
  const md: string[] = [];
  for (const [n1, n2, arch] of pairs) {
    for (const n of [n1, n2]) {
      if (c.rows.has(n)) continue;
      const { plan } = compile(loadModel(join(packageRoot(), 'models', `${n}.yaml`)));
      const dir = mkdtempSync(join(tmpdir(), `bnn-${n}-`));
      const t0 = Date.now();
      const r = await runSynth(plan, dir, { targets: ['xc7'], clockMHz: 100 });
      const secs = (Date.now() - t0) / 1000;
      process.stderr.write(`${n}: ${secs.toFixed(0)} s, ${dir}\n`);
      c.rows.set(n, {
        ii: r.ii, secs, blocks: r.targets[0]!.xilinx!.blocks.map((b) => {
          const pb = plan.blocks.find((q) => q.name === b.block)!;
          const folding = pb.kind === 'mvtu'
            ? `${pb.params.PE}×${pb.params.SIMD}, ${pb.params.INPUT_BITS}-bit in, ${pb.params.USE_THRESH ? `${pb.params.N_THRESH ?? 1} thr` : 'scores'}`
            : `${pb.in.elems}×${pb.in.elemBits} → ${pb.out.elems}×${pb.out.elemBits} bits`;
          return { block: b.block, kind: pb.kind, folding, y: b.resources };
        }),
      });
      c.save();
    }
    const a = withEstimates(n1);
    const b = withEstimates(n2);
    md.push(
      `### W1A1 against W1A2, same topology: ${n1} and ${n2} at their default folding`,
      '',
      `Whole designs (\`runSynth\`, the \`bnn synth --target xc7\` recipe: synth_xilinx, hierarchy kept), per plan block (${arch}); II ${a.ii} and ${b.ii} cycles/frame; Yosys took ${a.secs.toFixed(0)} s and ${b.secs.toFixed(0)} s. Folding: PE×SIMD, input element bits, thresholds per neuron; for stream blocks elements × bits in → out.`,
      '',
      '| block | kind | W1A1 folding | LUT | FF | BRAM36 | est LUT / FF / BRAM36 | W1A2 folding | LUT | FF | BRAM36 | est LUT / FF / BRAM36 | LUT W1A2/W1A1 |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    const cell = (x: BlockRow | undefined) => (x ? [x.folding, x.y.lut, x.y.ff, x.y.bram36, `${x.e.lut} / ${x.e.ff} / ${x.e.bram36}`] : ['—', '', '', '', '']);
    for (const r of a.blocks) {
      const q = b.blocks.find((x) => x.block === r.block);
      md.push(`| ${[r.block, r.kind, ...cell(r), ...cell(q), q && r.y.lut > 0 ? `×${(q.y.lut / r.y.lut).toFixed(2)}` : ''].join(' | ')} |`);
    }
    for (const q of b.blocks) if (!a.blocks.some((r) => r.block === q.block)) md.push(`| ${[q.block, q.kind, ...cell(undefined), ...cell(q), ''].join(' | ')} |`);
    const tot = (rs: BlockRow[]) => rs.reduce((s, r) => ({ lut: s.lut + r.y.lut, ff: s.ff + r.y.ff, bram36: s.bram36 + r.y.bram36, el: s.el + r.e.lut, ef: s.ef + r.e.ff, eb: s.eb + r.e.bram36 }), { lut: 0, ff: 0, bram36: 0, el: 0, ef: 0, eb: 0 });
    const ta = tot(a.blocks);
    const tb = tot(b.blocks);
    md.push(`| **total** | | | ${ta.lut} | ${ta.ff} | ${ta.bram36} | ${Math.round(ta.el)} / ${Math.round(ta.ef)} / ${ta.eb} | | ${tb.lut} | ${tb.ff} | ${tb.bram36} | ${Math.round(tb.el)} / ${Math.round(tb.ef)} / ${tb.eb} | ×${(tb.lut / ta.lut).toFixed(2)} |`);
    const pct = (e: number, y: number) => `${e >= y ? '+' : ''}${((100 * (e - y)) / y).toFixed(1)} %`;
    md.push('', `Estimate against Yosys, whole design: W1A1 LUT ${pct(ta.el, ta.lut)}, FF ${pct(ta.ef, ta.ff)}, BRAM36 ${ta.eb} vs ${ta.bram36}; W1A2 LUT ${pct(tb.el, tb.lut)}, FF ${pct(tb.ef, tb.ff)}, BRAM36 ${tb.eb} vs ${tb.bram36}.`, '');
  }
  return md;
}

function toolVersion(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return `${cmd}: not installed`;
  return `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n')[0]!.trim();
}

const what = process.argv[2] ?? 'all';
if (what === 'grid' || what === 'all') await grid();
if (what === 'popcount' || what === 'all') await popcounts();
if (what === 'datapath' || what === 'all') await datapath();
if (what === 'blocks' || what === 'all') await blocks();
if (what === 'models' || what === 'all') await models();
if (what === 'act' || what === 'multibit') await act();
