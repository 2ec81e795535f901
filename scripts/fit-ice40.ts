/**
 * Measure the iCE40 cost of every plan block at several foldings of the shipped models, the data
 * the iCE40 estimators (estimateIce40 in src/blocks/*.ts, logic-cell packing in
 * src/blocks/cost.ts) are fitted on, and how far the current estimators are from it.
 *
 *   npx tsc -p . && nice node dist/scripts/fit-ice40.js [measure] [--points N]
 *   node dist/scripts/fit-ice40.js fit        # refit from the saved measurements, no Yosys
 *
 * `measure` synthesizes each design once with the `bnn synth --target ice40-*` recipe but with the
 * hierarchy kept (`synth_ice40 -noflatten`, so every plan block is one instance), counts SB_LUT4,
 * SB_DFF*, SB_CARRY and SB_RAM40_4K per block, then flattens that netlist and runs
 * `nextpnr-ice40 --pack-only` for the logic cells the packer makes of it. Measurements go to
 * out/fit-ice40/measurements.json; `fit` prints least-squares coefficients per feature set (to
 * copy into the block files) and writes the "ice40-fit" section of BENCHMARKS.md with the
 * current estimators' error against the measurements. Re-run both when an RTL template changes
 * (rtl-templates/mvtu.v is the one that matters most).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { foldFront } from '../src/compiler/auto-fold.js';
import { compile } from '../src/compiler/compile.js';
import type { Folding } from '../src/compiler/fold-rules.js';
import { foldThresholds } from '../src/compiler/fold-thresholds.js';
import { loadModel } from '../src/model/io.js';
import { ice40Resources, type Ice40Resources } from '../src/synth/ice40.js';
import { synthDesignFiles } from '../src/synth/run.js';
import { flattenCounts, parseStatJson, topInstances, type YosysNetlist } from '../src/synth/yosys-json.js';
import type { Plan, PlanBlock } from '../src/plan/types.js';
import { BLOCK_KITS, kitOf, type BlockKind } from '../src/blocks/registry.js';
import { packageRoot } from '../src/util/paths.js';
import { writeFolderSafe } from '../src/util/output-safety.js';
import { machineLine, writeBenchSection } from './bench-section.js';

const root = packageRoot();
const outDir = join(root, 'out', 'fit-ice40');
const dataFile = join(outDir, 'measurements.json');

interface BlockMeasure {
  block: string;
  kind: PlanBlock['kind'];
  params: Record<string, unknown>;
  res: Ice40Resources;
}
interface DesignMeasure {
  model: string;
  layers: Folding[];
  ii: number;
  blocks: BlockMeasure[];
  total: Ice40Resources;
  /** ICESTORM_LC after nextpnr-ice40 --pack-only of the flattened netlist. */
  lc: number;
  seconds: number;
}

// sfc-mnist is left out: its weights (334 kbit) fit no iCE40's EBRs and its designs take Yosys long.
const MODELS = ['models/tfc-mnist.yaml', 'models/tfc-mnist-w1a2.yaml'];

/** `n` points spread over each model's front, skipping those too large to synthesize in reasonable time. */
function pointsToMeasure(n: number): Array<{ model: string; layers: Folding[] }> {
  const out: Array<{ model: string; layers: Folding[] }> = [];
  for (const model of MODELS) {
    // 7-series estimate as a size guard: the iCE40 fit only needs designs near iCE40 size.
    const pts = foldFront(foldThresholds(loadModel(join(root, model)))).points.filter((p) => p.lut <= 3500);
    const k = Math.min(n, pts.length);
    const picked = new Set<number>();
    for (let i = 0; i < k; i++) picked.add(Math.round((i * (pts.length - 1)) / Math.max(1, k - 1)));
    for (const i of [...picked].sort((a, b) => a - b)) out.push({ model, layers: pts[i]!.layers });
  }
  return out;
}

async function measure(model: string, layers: Folding[]): Promise<DesignMeasure> {
  const t0 = Date.now();
  const plan = compile(loadModel(join(root, model)), { fold: { layers, fifoDepth: 'auto', source: 'fit-ice40' } }).plan;
  const dir = join(outDir, 'work');
  rmSync(dir, { recursive: true, force: true });
  const { files, executable } = synthDesignFiles(plan, 48);
  writeFolderSafe(dir, files, { executable, force: true });
  const rtl = files.get('synth_ice40-hx8k.ys')!.split('\n').filter((l) => l.startsWith('read_verilog'));
  writeFileSync(
    join(dir, 'fit.ys'),
    `${rtl.join('\n')}
hierarchy -check -top ${plan.top}
setattr -set rom_style "block" m:wmem
synth_ice40 -noflatten -top ${plan.top}
tee -q -o fit_stat.json stat -json
design -save hier
# The top alone (its cells are the plan's blocks) for the instance → module map, then the whole flattened for the packer.
delete =* =${plan.top} %d
write_json fit_top.json
design -load hier
flatten
write_json fit_flat.json
`,
  );
  const y = await execa('nice', ['yosys', '-q', '-l', 'fit.log', '-s', 'fit.ys'], { cwd: dir, reject: false, all: true });
  if (y.exitCode !== 0) throw new Error(`yosys failed in ${dir}: ${String(y.all).slice(-400)}`);
  const stat = parseStatJson(readFileSync(join(dir, 'fit_stat.json'), 'utf8'));
  const inst = topInstances(JSON.parse(readFileSync(join(dir, 'fit_top.json'), 'utf8')) as YosysNetlist, plan.top);
  const blocks = plan.blocks.map((b) => ({ block: b.name, kind: b.kind, params: b.params as Record<string, unknown>, res: ice40Resources(inst.has(b.name) ? flattenCounts(stat, inst.get(b.name)!) : {}, 0) }));
  // A block with no instance (binarize at a top-bit threshold) was optimized away: zero cells.
  const total = ice40Resources(flattenCounts(stat, plan.top), 0);
  const p = await execa('nice', ['nextpnr-ice40', '--hx8k', '--package', 'ct256', '--json', 'fit_flat.json', '--pack-only', '--pcf-allow-unconstrained', '-l', 'pack.log'], { cwd: dir, reject: false, all: true });
  const lc = Number(/ICESTORM_LC:\s*(\d+)\//.exec(String(p.all))?.[1] ?? NaN);
  return { model, layers, ii: plan.ii.cycles, blocks, total, lc, seconds: (Date.now() - t0) / 1000 };
}

function load(): DesignMeasure[] {
  return existsSync(dataFile) ? (JSON.parse(readFileSync(dataFile, 'utf8')) as DesignMeasure[]) : [];
}

/** Least squares of y on the feature rows, weighted by 1/y (relative error), via normal equations. */
export function leastSquares(rows: number[][], y: number[]): number[] {
  const k = rows[0]!.length;
  const A = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((r, n) => {
    const w = 1 / Math.max(1, y[n]!) ** 2;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) A[i]![j]! += w * r[i]! * r[j]!;
      A[i]![k]! += w * r[i]! * y[n]!;
    }
  });
  for (let i = 0; i < k; i++) {
    let piv = i;
    for (let r = i + 1; r < k; r++) if (Math.abs(A[r]![i]!) > Math.abs(A[piv]![i]!)) piv = r;
    [A[i], A[piv]] = [A[piv]!, A[i]!];
    const d = A[i]![i]!;
    if (Math.abs(d) < 1e-12) continue;
    for (let j = i; j <= k; j++) A[i]![j]! /= d;
    for (let r = 0; r < k; r++) if (r !== i) {
      const f = A[r]![i]!;
      for (let j = i; j <= k; j++) A[r]![j]! -= f * A[i]![j]!;
    }
  }
  return A.map((r) => r[k]!);
}

const rel = (e: number, m: number) => (m === 0 ? (e === 0 ? 0 : 1) : (e - m) / m);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function planOf(d: DesignMeasure): Plan {
  return compile(loadModel(join(root, d.model)), { fold: { layers: d.layers, fifoDepth: 'auto', source: 'fit-ice40' } }).plan;
}

type Est = typeof import('../src/synth/estimate.js');

function report(data: DesignMeasure[], { estimateIce40Block, estimateIce40Plan }: Est): string {
  // Per block kind: estimate vs measured LUT4, FF, carry, EBR.
  type E = ReturnType<Est['estimateIce40Block']>;
  const kinds = new Map<string, Array<{ e: E; m: Ice40Resources }>>();
  const designs: string[] = [];
  for (const d of data) {
    const plan = planOf(d);
    plan.blocks.forEach((b, i) => {
      const m = d.blocks[i]!.res;
      const l = kinds.get(b.kind) ?? [];
      l.push({ e: estimateIce40Block(b), m });
      kinds.set(b.kind, l);
    });
    const e = estimateIce40Plan(plan).total;
    designs.push(
      `| ${d.model.replace('models/', '').replace('.yaml', '')} | ${d.ii} | ${d.layers.map((f) => `${f.pe}/${f.simd}`).join(' ')} | ${e.lut4} / ${d.total.lut4} (${pct(rel(e.lut4, d.total.lut4))}) | ${e.ff} / ${d.total.ff} (${pct(rel(e.ff, d.total.ff))}) | ${e.carry} / ${d.total.carry} | ${e.ebr} / ${d.total.bram} | ${e.lc} / ${d.lc} (${pct(rel(e.lc, d.lc))}) |`,
    );
  }
  const kindRows = [...kinds].map(([k, l]) => {
    const stat = (f: (x: { e: E; m: Ice40Resources }) => [number, number]) => {
      const errs = l.map((x) => f(x)).filter(([, m]) => m > 0).map(([e, m]) => Math.abs(rel(e, m)));
      const exact = l.filter((x) => f(x)[0] === f(x)[1]).length;
      return errs.length ? `${pct(errs.reduce((a, b) => a + b, 0) / errs.length)} / ${pct(Math.max(...errs))} (${exact} exact)` : `${exact} of ${l.length} exact`;
    };
    return `| ${k} | ${l.length} | ${stat((x) => [x.e.lut4, x.m.lut4])} | ${stat((x) => [x.e.ff, x.m.ff])} | ${stat((x) => [x.e.carry, x.m.carry])} | ${stat((x) => [x.e.ebr, x.m.bram])} |`;
  });
  return `## iCE40 estimators against Yosys synth_ice40

Command: \`npx tsc -p . && nice node dist/scripts/fit-ice40.js measure && node dist/scripts/fit-ice40.js fit\` (scripts/fit-ice40.ts), ${new Date().toISOString().slice(0, 10)}.
Machine: ${machineLine()}.

${data.length} designs (points spread over the \`bnn fold\` front of ${[...new Set(data.map((d) => d.model))].join(', ')}), each synthesized once with
the \`bnn synth --target ice40-*\` recipe but \`synth_ice40 -noflatten\` (one instance per plan block), then flattened and packed
by \`nextpnr-ice40 --hx8k --pack-only\` (logic cells). Measuring took ${data.reduce((a, d) => a + d.seconds, 0).toFixed(0)} s. The estimators (\`estimateIce40\` in
src/blocks/*.ts) were fitted on these same designs, so the figures are in-sample; bench-fold's iCE40 rows check chosen points
against the real flattened flow and place and route.

Per block kind, estimate against measurement, mean / worst |relative error| over the instances with a non-zero count:

| block | instances | LUT4 | FF | carry | EBR |
|---|---|---|---|---|---|
${kindRows.join('\n')}

Whole designs, estimate / measured:

| model | II | PE/SIMD per layer | LUT4 | FF | carry | EBR | logic cells (packed) |
|---|---|---|---|---|---|---|---|
${designs.join('\n')}
`;
}

/** Coefficient fits for the features the estimators use (printed, to copy into the block files). */
async function fit(data: DesignMeasure[]): Promise<void> {
  const plans = data.map(planOf);
  const rowsOf = (kind: string) => plans.flatMap((p, d) => p.blocks.map((b, i) => ({ b, m: data[d]!.blocks[i]!.res, d: data[d]! })).filter((x) => x.b.kind === kind));
  const show = (name: string, feats: number[][], y: number[]) => {
    if (feats.length < feats[0]!.length) return process.stdout.write(`${name}: too few points (${feats.length})\n`);
    const c = leastSquares(feats, y);
    const est = feats.map((r) => r.reduce((a, v, i) => a + v * c[i]!, 0));
    const errs = est.map((e, i) => Math.abs(rel(e, y[i]!)));
    process.stdout.write(`${name}: [${c.map((x) => x.toFixed(4)).join(', ')}]  n=${y.length} mean ${pct(errs.reduce((a, b) => a + b, 0) / errs.length)} worst ${pct(Math.max(...errs))}\n`);
  };
  // Imported here so that `measure` runs whatever state the estimators are in.
  const est = await import('../src/synth/estimate.js');
  {
    for (const kind of Object.keys(BLOCK_KITS) as BlockKind[]) {
      const features = (b: PlanBlock) => kitOf(b).ice40Features?.(b) ?? null;
      const rows = rowsOf(kind).filter((x) => features(x.b) !== null);
      if (!rows.length) continue;
      for (const r of ['lut4', 'ff', 'carry'] as const) show(`${kind} ${r}`, rows.map((x) => features(x.b)![r]), rows.map((x) => x.m[r]));
    }
    const lcRows = data.filter((d) => Number.isFinite(d.lc));
    show('logic cells (lut4, ff, carry)', lcRows.map((d) => [d.total.lut4, d.total.ff, d.total.carry]), lcRows.map((d) => d.lc));
    writeBenchSection(join(root, 'BENCHMARKS.md'), 'ice40-fit', report(data, est));
  }
}

const args = process.argv.slice(2);
const mode = args[0] ?? 'measure';
if (mode === 'measure') {
  mkdirSync(outDir, { recursive: true });
  const n = Number(args[args.indexOf('--points') + 1] ?? 5) || 5;
  const data = load();
  const todo = pointsToMeasure(n).filter((p) => !data.some((d) => d.model === p.model && JSON.stringify(d.layers) === JSON.stringify(p.layers)));
  for (const [i, p] of todo.entries()) {
    process.stderr.write(`[${i + 1}/${todo.length}] ${p.model} ${p.layers.map((f) => `${f.pe}/${f.simd}`).join(' ')} … `);
    const m = await measure(p.model, p.layers);
    process.stderr.write(`LUT4 ${m.total.lut4} FF ${m.total.ff} carry ${m.total.carry} EBR ${m.total.bram} LC ${m.lc} (${m.seconds.toFixed(0)} s)\n`);
    data.push(m);
    writeFileSync(dataFile, JSON.stringify(data, null, 1));
  }
} else if (mode === 'fit') await fit(load());
else throw new Error(`usage: fit-ice40.js [measure [--points N] | fit]`);
