/**
 * npm run bench: simulated cycles per second of the TypeScript simulator vs Verilator vs Icarus
 * on the same design and the same stimulus, side by side in one run, plus time to generate.
 * Writes its section of BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../src/compiler/compile.js';
import { randomFrames } from '../src/cli/common.js';
import { designFiles, writeDesign } from '../src/emit/generate.js';
import { loadModel } from '../src/model/io.js';
import { packageRoot } from '../src/util/paths.js';
import { compareLogs, parseLog } from '../src/verify/compare-logs.js';
import { runRtl, type RtlSimulator } from '../src/verify/run-rtl.js';
import { run } from '../sim/engine.js';
import { makeStimulus } from '../sim/stimulus.js';
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
