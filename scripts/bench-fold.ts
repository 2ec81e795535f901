/**
 * Automatic folding (`bnn fold`): the chosen points for the issue's targets, their estimates
 * against Yosys synth_xilinx, and the CNV-like network at FINN's folding against our fold for the
 * same II.
 *
 *   npx tsc -p . && node dist/scripts/bench-fold.js
 *
 * Writes the "fold" section of BENCHMARKS.md.
 */
import { join } from 'node:path';
import { foldForDevice, foldForThroughput, foldFront, exactPoint, type FoldChoice, type FoldPoint } from '../src/compiler/auto-fold.js';
import { compile } from '../src/compiler/compile.js';
import { foldThresholds } from '../src/compiler/fold-thresholds.js';
import { loadModel } from '../src/model/io.js';
import { deviceNamed } from '../src/synth/devices.js';
import { runSynth } from '../src/synth/run.js';
import { packageRoot } from '../src/util/paths.js';
import { cnvLike, workDir } from '../hw-tests/cases.js';
import { machineLine, writeBenchSection } from './bench-section.js';

const root = packageRoot();
const folding = (p: FoldPoint) => p.layers.map((f) => `PE${f.pe}/SIMD${f.simd}`).join(', ');
const pct = (est: number, got: number) => (got === 0 ? (est === 0 ? '0 %' : 'n/a') : `${(((est - got) / got) * 100).toFixed(1)} %`);

interface Row {
  what: string;
  choice: FoldChoice;
  seconds: number;
  model: string;
}
const rows: Row[] = [];
/** Yosys takes minutes on the ~26k-LUT design that fills an xc7z020: only the throughput targets are synthesized. */
const synthesize = (r: Row) => !r.what.includes('xc7z020');
for (const [what, file, pick] of [
  ['sfc-mnist, 100,000 frames/s at 100 MHz', 'models/sfc-mnist.yaml', (im: ReturnType<typeof foldThresholds>) => foldForThroughput(im, 100000, 100)],
  ['tfc-mnist, fastest on xc7z020', 'models/tfc-mnist.yaml', (im: ReturnType<typeof foldThresholds>) => foldForDevice(im, deviceNamed('xc7z020')!)],
  ['tfc-mnist, 100,000 frames/s at 100 MHz', 'models/tfc-mnist.yaml', (im: ReturnType<typeof foldThresholds>) => foldForThroughput(im, 100000, 100)],
] as const) {
  const t = performance.now();
  const choice = pick(foldThresholds(loadModel(join(root, file))));
  rows.push({ what, choice, seconds: (performance.now() - t) / 1000, model: file });
  process.stderr.write(`${what}: II ${choice.chosen.ii}\n`);
}

// Estimates against Yosys on the chosen points.
const checks: string[] = [];
for (const r of rows.filter(synthesize)) {
  process.stderr.write(`yosys synth_xilinx: ${r.what}…\n`);
  const c = compile(loadModel(join(root, r.model)), { fold: r.choice.fold });
  const s = await runSynth(c.plan, workDir('bench-fold'), { targets: ['xc7'], clockMHz: 100 });
  const y = s.targets[0]!.xilinx!.total;
  const e = r.choice.chosen;
  const yBram = y.ramb36 + y.ramb18 / 2;
  checks.push(`| ${r.what} | ${e.lut} / ${y.lut} (${pct(e.lut, y.lut)}) | ${e.lutram} / ${y.lutram} | ${e.ff} / ${y.ff} (${pct(e.ff, y.ff)}) | ${e.bram36} / ${yBram} |`);
}

// iCE40: the chosen point per part by the iCE40 estimators, then the real flow (synth_ice40, nextpnr) on it.
const ice40Rows: string[] = [];
const ice40Checks: string[] = [];
for (const file of ['models/tfc-mnist.yaml', 'models/sfc-mnist.yaml'])
  for (const dev of ['ice40-hx8k', 'ice40-up5k'] as const) {
    const name = file.replace('models/', '').replace('.yaml', '');
    const t = performance.now();
    let choice: FoldChoice;
    try {
      choice = foldForDevice(foldThresholds(loadModel(join(root, file))), deviceNamed(dev)!);
    } catch (e) {
      ice40Rows.push(`| ${name} on ${dev} | nothing fits: ${(e as Error).message} | | | | | | |`);
      continue;
    }
    const k = choice.chosen;
    ice40Rows.push(`| ${name} on ${dev} | ${k.ii} | ${folding(k)} | ${k.ice40.lc} | ${k.ice40.lut4} / ${k.ice40.ff} / ${k.ice40.carry} | ${k.ice40.ebr} | ${k.ioPins} | ${((performance.now() - t) / 1000).toFixed(2)} |`);
    process.stderr.write(`${name} on ${dev}: II ${k.ii}; synth_ice40 + nextpnr…\n`);
    const c = compile(loadModel(join(root, file)), { fold: choice.fold });
    const s = await runSynth(c.plan, workDir('bench-fold-ice40'), { targets: [dev], clockMHz: 48, force: true });
    const r = s.targets[0]!;
    const y = r.ice40!;
    const lc = y.utilization?.ICESTORM_LC?.used;
    ice40Checks.push(
      `| ${name} on ${dev} (II ${k.ii}) | ${k.ice40.lut4} / ${y.lut4} (${pct(k.ice40.lut4, y.lut4)}) | ${k.ice40.ff} / ${y.ff} (${pct(k.ice40.ff, y.ff)}) | ${k.ice40.carry} / ${y.carry} (${pct(k.ice40.carry, y.carry)}) | ${k.ice40.ebr} / ${y.bram} | ${lc === undefined ? `${k.ice40.lc} / not placed` : `${k.ice40.lc} / ${lc} (${pct(k.ice40.lc, lc)})`} | ${r.fits ? `yes, Fmax ${r.fmaxMHz?.toFixed(1)} MHz` : `no: ${r.message}`} |`,
    );
  }

// CNV-like at FINN's folding vs our fold for the same II.
const finnCnv: Array<[number, number]> = [[16, 3], [32, 32], [16, 32], [16, 32], [4, 32], [1, 32], [1, 4], [1, 8], [5, 1]];
const cnvIm = foldThresholds(cnvLike());
const finnPoint = exactPoint(cnvIm, finnCnv.map(([pe, simd]) => ({ pe, simd })));
const tc = performance.now();
const cnvFront = foldFront(cnvIm);
const ours = foldForThroughput(cnvIm, 100e6 / finnPoint.ii, 100, cnvFront).chosen;
const cnvSeconds = (performance.now() - tc) / 1000;

const body = `## Automatic folding

Command: \`npx tsc -p . && node dist/scripts/bench-fold.js\` (scripts/bench-fold.ts), ${new Date().toISOString().slice(0, 10)}.
Machine: ${machineLine()}.

\`bnn fold\` (src/compiler/auto-fold.ts): for every II some engine can have, each layer takes its cheapest legal
(PE, SIMD) within it by the per-block estimators (engine + input FIFO + window generator); the whole-plan estimate
of each such point is kept if no other point is at least as good on II, LUT, BRAM36 and input-stream width
(pins, on small packages) at once; narrower first-layer SIMD caps add points of the same II. \`--fps/--clock\`
takes the fewest LUTs among the points with II <= clock/fps; \`--device\` the fastest point within the device's
LUTs, FFs and BRAM36 (iCE40 parts: below).

| target | chosen II | folding | est. LUT | est. LUTRAM | est. FF | est. BRAM36 | Pareto points | search s |
|---|---|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.what} | ${r.choice.chosen.ii} | ${folding(r.choice.chosen)} | ${r.choice.chosen.lut} | ${r.choice.chosen.lutram} | ${r.choice.chosen.ff} | ${r.choice.chosen.bram36} | ${r.choice.front.length} | ${r.seconds.toFixed(2)} |`).join('\n')}

Estimate / Yosys 0.23 \`synth_xilinx -family xc7\` (the \`bnn synth --target xc7\` recipe) on the chosen points:

| target | LUT (error) | LUTRAM | FF (error) | BRAM36 |
|---|---|---|---|---|
${checks.join('\n')}

iCE40 (\`bnn fold --device ice40-*\`, src/compiler/auto-fold.ts with the iCE40 estimators of src/blocks/*.ts):
the front is ranked by estimated logic cells, then EBRs; the fastest point whose estimate fits the part's logic
cells, flip-flops, EBRs and package pins is chosen.

| model on part | chosen II | folding | est. LC | est. LUT4 / FF / carry | est. EBR | I/O pins | search s |
|---|---|---|---|---|---|---|---|
${ice40Rows.join('\n')}

Estimate / real on those points: Yosys 0.23 \`synth_ice40\` of the flattened design (the \`bnn synth --target ice40-*\`
recipe) and nextpnr-ice40's placed logic cells (--freq 48, seed 1):

| point | LUT4 (error) | FF (error) | carry (error) | EBR | logic cells (error) | placed and routed |
|---|---|---|---|---|---|---|
${ice40Checks.join('\n')}

CNV-like network (hw-tests/cases.ts) at FINN's published CNV folding (last layer PE 5, see the CNV section) against
\`bnn fold\` for the same II (${finnPoint.ii} cycles/frame), both by the same estimators (search ${cnvSeconds.toFixed(2)} s):

| folding | II | est. LUT | est. LUTRAM | est. FF | est. BRAM36 |
|---|---|---|---|---|---|
| FINN: ${folding(finnPoint)} | ${finnPoint.ii} | ${finnPoint.lut} | ${finnPoint.lutram} | ${finnPoint.ff} | ${finnPoint.bram36} |
| bnn fold: ${folding(ours)} | ${ours.ii} | ${ours.lut} | ${ours.lutram} | ${ours.ff} | ${ours.bram36} |
`;
writeBenchSection(join(root, 'BENCHMARKS.md'), 'fold', body);
process.stderr.write(body + '\n');
