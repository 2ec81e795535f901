/**
 * npm run bench: simulated cycles per second of the TypeScript simulator vs Verilator vs Icarus
 * on the same design and the same stimulus, side by side in one run, plus time to generate.
 * Writes its section of BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../src/compiler/compile.js';
import { randomFrames } from '../src/inputs/frames.js';
import { designFiles, writeDesign } from '../src/emit/generate.js';
import { loadModel } from '../src/model/io.js';
import { packageRoot } from '../src/util/paths.js';
import { compareLogs, parseLog } from '../src/verify/compare-logs.js';
import { runRtl, type RtlSimulator } from '../src/verify/run-rtl.js';
import { run } from '../sim/engine.js';
import { makeStimulus } from '../sim/stimulus.js';
import { simulate } from '../sim/simulate.js';
import { cnvLike } from '../hw-tests/cases.js';
import { machineLine, writeBenchSection } from './bench-section.js';

const root = packageRoot();
const modelFile = 'models/sfc-random.yaml';
const model = loadModel(join(root, modelFile));
const quiet = process.argv.includes('--quiet');
const log = (s: string) => {
  if (!quiet) process.stderr.write(s + '\n');
};

const t0 = performance.now();
const compiled = compile(model);
const plan = compiled.plan;
const tCompile = (performance.now() - t0) / 1000;

interface Row {
  simulator: string;
  frames: number;
  cycles: number;
  runSeconds: number;
  buildSeconds: number;
  firstResultSeconds: number;
  exact: string;
}
const rows: Row[] = [];
const traffic = { gapProbability: 0.1, maxGap: 2, stallProbability: 0.1, seed: 7 };

function stimulusFor(frames: number) {
  return makeStimulus(plan, randomFrames(model, frames, 3), traffic);
}

// Our simulator: best of 3 runs of the stepping loop alone, then time to first result from a cold plan.
for (const frames of [1000]) {
  const stim = stimulusFor(frames);
  let best = Infinity;
  let cycles = 0;
  for (let k = 0; k < 3; k++) {
    const s = performance.now();
    const r = run(plan, stim);
    best = Math.min(best, (performance.now() - s) / 1000);
    cycles = r.cycles;
  }
  const s = performance.now();
  run(compile(model).plan, stim);
  const first = (performance.now() - s) / 1000 + tCompile;
  rows.push({ simulator: 'bnn TypeScript simulator', frames, cycles, runSeconds: best, buildSeconds: tCompile, firstResultSeconds: first, exact: 'reference' });
  log(`ts: ${cycles} cycles in ${best.toFixed(3)} s`);
}

// Time to generate the whole design folder (plan + files + write).
const tg = performance.now();
const genDir = mkdtempSync(join(tmpdir(), 'bnn-bench-gen-'));
const genStim = stimulusFor(4);
writeDesign(genDir, designFiles(compile(model).plan, genStim));
const tGenerate = (performance.now() - tg) / 1000;

async function rtlRow(sim: RtlSimulator, frames: number): Promise<void> {
  const stim = stimulusFor(frames);
  const dir = mkdtempSync(join(tmpdir(), `bnn-bench-${sim}-`));
  const files = designFiles(plan, stim);
  writeDesign(dir, files);
  log(`${sim}: building and running ${frames} frames…`);
  // Verilator: a cold build (no ccache) so that time to first result is honest.
  const t = await runRtl(dir, sim, { cache: false });
  const cmp = compareLogs(parseLog(files.get('tb/expected.log')!), parseLog(readFileSync(join(dir, 'tb/out.log'), 'utf8')));
  const cycles = run(plan, stim).cycles;
  rows.push({
    simulator: sim === 'verilator' ? 'Verilator 5.006 --binary' : 'Icarus Verilog 11',
    frames,
    cycles,
    runSeconds: t.runSeconds,
    buildSeconds: t.buildSeconds,
    firstResultSeconds: t.buildSeconds + t.runSeconds,
    exact: cmp.outputMismatches + cmp.inputMismatches === 0 ? 'yes, 0 mismatches' : `NO: ${cmp.outputMismatches} mismatches`,
  });
  log(`${sim}: ${cycles} cycles in ${t.runSeconds.toFixed(3)} s (build ${t.buildSeconds.toFixed(1)} s)`);
}

await rtlRow('verilator', 1000);
await rtlRow('icarus', 10);

const ts = rows[0]!;
const vl = rows.find((r) => r.simulator.startsWith('Verilator'))!;
const rate = (r: Row) => r.cycles / r.runSeconds;
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
const table = rows
  .map((r) => `| ${r.simulator} | ${r.frames} | ${r.cycles} | ${r.runSeconds.toFixed(3)} | ${fmt(rate(r))} | ${r.buildSeconds.toFixed(2)} | ${r.firstResultSeconds.toFixed(2)} | ${r.exact} |`)
  .join('\n');
const body = `## Simulator speed: TypeScript twin vs Verilator vs Icarus

Command: \`npm run bench\` (scripts/bench.ts), ${new Date().toISOString().slice(0, 10)}.
Machine: ${machineLine()}.

Design: \`${modelFile}\` (784-256-256-256-10) at the default folding
(${compiled.fold.layers.map((f) => `PE${f.pe}/SIMD${f.simd}`).join(', ')}; II ${plan.ii.cycles} cycles/frame, ${plan.blocks.length} blocks).
Stimulus: the same seeded frames and the same random input gaps (p = 0.1) and output backpressure (p = 0.1)
for every simulator; the RTL runs are checked beat for beat and cycle for cycle against the TypeScript run.
Icarus gets fewer frames because it is slow; rates are per simulated cycle.

| simulator | frames | cycles | run s | cycles/s | build s | time to first result s | cycle-exact |
|---|---|---|---|---|---|---|---|
${table}

- TypeScript simulator / Verilator (simulation only, build excluded): **${(rate(ts) / rate(vl)).toFixed(2)}×**.
- Time to first result (Verilator includes its C++ build, cold, no ccache): TypeScript ${ts.firstResultSeconds.toFixed(2)} s vs Verilator ${vl.firstResultSeconds.toFixed(2)} s.
- Time to generate the design folder (compile + RTL + memory images + testbench + expected log): ${tGenerate.toFixed(2)} s.
- "run s" for our simulator is the best of 3 runs of the stepping loop; for the RTL simulators it is the testbench run alone.
`;
writeBenchSection(join(root, 'BENCHMARKS.md'), 'simulator', body);
log(body);

// ---- CNV-like network at FINN's folding: cycles per frame, simulator vs analytic, and its speed.
const cnv = cnvLike();
const finnCnv: Array<[number, number]> = [[16, 3], [32, 32], [16, 32], [16, 32], [4, 32], [1, 32], [1, 4], [1, 8], [5, 1]];
const cnvCompiled = compile(cnv, { fold: { layers: finnCnv.map(([pe, simd]) => ({ pe, simd })), fifoDepth: 'auto', source: 'FINN CNV folding' } });
const cnvPlan = cnvCompiled.plan;
const cnvFrames = randomFrames(cnv, 4, 5);
const tc = performance.now();
const cnvSim = simulate(cnvPlan, cnvFrames).report;
const cnvSimSeconds = (performance.now() - tc) / 1000;
const cnvStim = makeStimulus(cnvPlan, cnvFrames);
const cnvDir = mkdtempSync(join(tmpdir(), 'bnn-bench-cnv-'));
const cnvFiles = designFiles(cnvPlan, cnvStim);
writeDesign(cnvDir, cnvFiles);
log('verilator: CNV-like, 4 frames…');
const cnvRtl = await runRtl(cnvDir, 'verilator', { cache: false });
const cnvCmp = compareLogs(parseLog(cnvFiles.get('tb/expected.log')!), parseLog(readFileSync(join(cnvDir, 'tb/out.log'), 'utf8')));
const engines = cnvPlan.blocks.filter((b) => b.kind === 'mvtu');
const cnvRows = engines
  .map((b, i) => {
    const p = (b as { params: { MW: number; MH: number; PE: number; SIMD: number } }).params;
    const pixels = b.cyclesPerFrame / ((p.MH / p.PE) * (p.MW / p.SIMD));
    return `| ${b.layer} | ${finnCnv[i]![0]} | ${finnCnv[i]![1]} | ${p.MW}×${p.MH} | ${pixels} | ${b.cyclesPerFrame}${b.name === cnvPlan.ii.bottleneck ? ' (bottleneck)' : ''} |`;
  })
  .join('\n');
const cnvBody = `## CNV-like network at FINN's CNV folding

Command: \`npm run bench\` (scripts/bench.ts), ${new Date().toISOString().slice(0, 10)}. Machine: ${machineLine()}.

FINN's CNV topology (3×3 valid convolutions 64-64-pool-128-128-pool-256-256, dense 512-512-10, 32×32×3
8-bit input; first layer fixed-point), seeded random weights (no CIFAR-10 here). Folding (PE, SIMD) per
layer as published for FINN's CNV: (16,3) (32,32) (16,32) (16,32) (4,32) (1,32) (1,4) (1,8) and **(5,1)**
for the last layer: FINN's (4,1) is not legal for 10 classes (PE must divide 10; \`bnn\` lists 1, 2, 5, 10).

| layer | PE | SIMD | MW×MH | pixels | cycles/frame = pixels·(MH/PE)·(MW/SIMD) |
|---|---|---|---|---|---|
${cnvRows}

- Analytic II (largest block): **${cnvPlan.ii.cycles}** cycles/frame (${cnvPlan.ii.bottleneck}); simulator, steady state over 4 frames:
  **${cnvSim.cycles.ii.measured}** cycles/frame (${cnvSim.cycles.ii.steady ? 'steady' : 'not steady'}); latency of the first frame ${cnvSim.cycles.latency} cycles.
- At 200 MHz that is ${((200e6) / cnvPlan.ii.cycles).toFixed(0)} frames/s (FINN's published CNV: 21,906 frames/s on a ZC706 at 200 MHz with its own folding).
- The same 4 frames in Verilator (no backpressure): ${cnvCmp.outputMismatches + cnvCmp.inputMismatches === 0 ? '0 mismatches' : 'MISMATCHES: ' + cnvCmp.outputMismatches} against the simulator;
  Verilator ${(cnvSim.cycles.total / cnvRtl.runSeconds / 1e3).toFixed(0)} k cycles/s (run ${cnvRtl.runSeconds.toFixed(2)} s, build ${cnvRtl.buildSeconds.toFixed(1)} s)
  vs the TypeScript simulator ${(cnvSim.cycles.total / cnvSimSeconds / 1e3).toFixed(0)} k cycles/s (${cnvSimSeconds.toFixed(2)} s including building the twins).
`;
writeBenchSection(join(root, 'BENCHMARKS.md'), 'cnv', cnvBody);
log(cnvBody);
