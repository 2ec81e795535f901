/**
 * npm run bench: simulated cycles per second of the TypeScript simulator vs Verilator vs Icarus
 * on the same design and the same stimulus, side by side in one run, plus time to generate.
 * Writes its section of BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../src/compiler/compile.js';
import { randomFrames } from '../src/inputs/frames.js';
import { writeDesign } from '../src/emit/generate.js';
import { generateDesign } from '../src/pipeline/design.js';
import { loadModel } from '../src/model/io.js';
import { packageRoot } from '../src/util/paths.js';
import { compareLogs, parseLog } from '../src/verify/compare-logs.js';
import { runRtl, step, type RtlRun, type RtlSimulator } from '../src/verify/run-rtl.js';
import type { RunResult } from '../sim/engine.js';
import { makeStimulus, type Stimulus } from '../sim/stimulus.js';
import { ENGINES, simulate } from '../sim/simulate.js';
import type { Plan } from '../src/plan/types.js';
import { cnvLike } from '../hw-tests/cases.js';
import { machineLine, writeBenchSection } from './bench-section.js';

const root = packageRoot();
const loadAtStart = loadavg().map((x) => x.toFixed(1)).join(' ');
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
  /** Runs timed (the best is runSeconds). */
  runs: number;
  buildSeconds: number;
  firstResultSeconds: number;
  exact: string;
}
const rows: Row[] = [];
const traffic = { gapProbability: 0.1, maxGap: 2, stallProbability: 0.1, seed: 7 };

function stimulusFor(frames: number) {
  return makeStimulus(plan, randomFrames(model, frames, 3), traffic);
}

const ENGINE_LABEL = { event: 'bnn event engine (default)', cycle: 'bnn per-cycle engine' } as const;
const sameRun = (a: RunResult, b: RunResult) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The timing rule for every simulator here (our engines and Verilator's testbench alike): the best
 * of at least 3 runs and of as many more as fit in 5 s of runs (at most 40). A short run (CNV's
 * 4 frames take a twentieth of a second in the event engine) is otherwise mostly the machine's
 * noise and the JIT's first compilations; the first run is reported beside the best.
 */
const MIN_RUNS = 3;
const MIN_SECONDS = 5;
const MAX_RUNS = 40;
async function bestOf(first: number, again: () => Promise<number> | number): Promise<{ best: number; first: number; runs: number }> {
  let best = first;
  let total = first;
  let runs = 1;
  while (runs < MAX_RUNS && (runs < MIN_RUNS || total < MIN_SECONDS)) {
    const s = await again();
    best = Math.min(best, s);
    total += s;
    runs++;
  }
  return { best, first, runs };
}

/** One engine's stepping loop alone, timed by the rule above, and the run itself. */
async function timeEngine(engine: keyof typeof ENGINES, p: Plan, stim: Stimulus): Promise<{ seconds: number; first: number; runs: number; result: RunResult }> {
  let result: RunResult | undefined;
  const once = () => {
    const s = performance.now();
    result = ENGINES[engine](p, stim);
    return (performance.now() - s) / 1000;
  };
  const t = await bestOf(once(), once);
  return { seconds: t.best, first: t.first, runs: t.runs, result: result! };
}

// Both engines on the same stimulus; the event engine's run must equal the per-cycle one's.
const SIM_FRAMES = 10000;
const tsStim = stimulusFor(SIM_FRAMES);
const tsRuns = new Map<string, RunResult>();
for (const engine of ['event', 'cycle'] as const) {
  const { seconds, runs, result } = await timeEngine(engine, plan, tsStim);
  tsRuns.set(engine, result);
  // time to first result: compile from the model, build the twins, run, from cold
  const s = performance.now();
  ENGINES[engine](compile(model).plan, tsStim);
  const first = (performance.now() - s) / 1000 + tCompile;
  const exact = engine === 'cycle' ? 'reference' : sameRun(result, tsRuns.get('event')!) ? 'yes, identical run' : 'NO';
  rows.push({ simulator: ENGINE_LABEL[engine], frames: SIM_FRAMES, cycles: result.cycles, runSeconds: seconds, runs, buildSeconds: tCompile, firstResultSeconds: first, exact });
  log(`${engine}: ${result.cycles} cycles in ${seconds.toFixed(3)} s`);
}
if (!sameRun(tsRuns.get('event')!, tsRuns.get('cycle')!)) rows[0]!.exact = 'NO: differs from the per-cycle engine';

// Time to generate the whole design folder (plan + files + write).
const tg = performance.now();
const genDir = mkdtempSync(join(tmpdir(), 'bnn-bench-gen-'));
const genStim = stimulusFor(4);
writeDesign(genDir, generateDesign(compile(model).plan, genStim).files);
const tGenerate = (performance.now() - tg) / 1000;

/** Verilator built and run, then its testbench run again by the same rule as our engines. */
async function verilatorBest(dir: string, cache = false): Promise<RtlRun & { runs: number }> {
  const t = await runRtl(dir, 'verilator', { cache });
  const b = await bestOf(t.runSeconds, () => step(join(dir, 'tb/obj_verilator/Vtb_top'), [], dir, 'verilated testbench'));
  return { buildSeconds: t.buildSeconds, runSeconds: b.best, runs: b.runs };
}

async function rtlRow(sim: RtlSimulator, frames: number): Promise<void> {
  const stim = stimulusFor(frames);
  const dir = mkdtempSync(join(tmpdir(), `bnn-bench-${sim}-`));
  const files = generateDesign(plan, stim).files;
  writeDesign(dir, files);
  log(`${sim}: building and running ${frames} frames…`);
  // Verilator: a cold build (no ccache) so that time to first result is honest.
  const t = sim === 'verilator' ? await verilatorBest(dir) : { ...(await runRtl(dir, sim, { cache: false })), runs: 1 };
  const cmp = compareLogs(parseLog(files.get('tb/expected.log')!), parseLog(readFileSync(join(dir, 'tb/out.log'), 'utf8')));
  const cycles = ENGINES.event(plan, stim).cycles;
  rows.push({
    simulator: sim === 'verilator' ? 'Verilator 5.006 --binary' : 'Icarus Verilog 11',
    frames,
    cycles,
    runSeconds: t.runSeconds,
    runs: t.runs,
    buildSeconds: t.buildSeconds,
    firstResultSeconds: t.buildSeconds + t.runSeconds,
    exact: cmp.outputMismatches + cmp.inputMismatches === 0 ? 'yes, 0 mismatches' : `NO: ${cmp.outputMismatches} mismatches`,
  });
  log(`${sim}: ${cycles} cycles in ${t.runSeconds.toFixed(3)} s (build ${t.buildSeconds.toFixed(1)} s)`);
}

await rtlRow('verilator', SIM_FRAMES);
await rtlRow('icarus', 10);

const ev = rows[0]!;
const cy = rows[1]!;
const vl = rows.find((r) => r.simulator.startsWith('Verilator'))!;
const rate = (r: Row) => r.cycles / r.runSeconds;
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
const table = rows
  .map((r) => `| ${r.simulator} | ${r.frames} | ${r.cycles} | ${r.runSeconds.toFixed(3)} (${r.runs}) | ${fmt(rate(r))} | ${r.buildSeconds.toFixed(2)} | ${r.firstResultSeconds.toFixed(2)} | ${r.exact} |`)
  .join('\n');
const body = `## Simulator speed: TypeScript twin vs Verilator vs Icarus

Command: \`npm run bench\` (scripts/bench.ts), ${new Date().toISOString().slice(0, 10)}.
Machine: ${machineLine()}.

Design: \`${modelFile}\` (784-256-256-256-10) at the default folding
(${compiled.fold.layers.map((f) => `PE${f.pe}/SIMD${f.simd}`).join(', ')}; II ${plan.ii.cycles} cycles/frame, ${plan.blocks.length} blocks).
Stimulus: the same seeded frames and the same random input gaps (p = 0.1) and output backpressure (p = 0.1)
for every simulator; the RTL runs are checked beat for beat and cycle for cycle against the TypeScript run.
Icarus gets fewer frames because it is slow; rates are per simulated cycle. Both TypeScript engines
run the same twins (docs/simulator.md); the event engine's run (every beat, cycle and counter) is
compared with the per-cycle engine's.

| simulator | frames | cycles | run s (runs) | cycles/s | build s | time to first result s | cycle-exact |
|---|---|---|---|---|---|---|---|
${table}

- Cycles/s relative to Verilator (simulation only, build excluded): event engine **${(rate(ev) / rate(vl)).toFixed(2)}×**, per-cycle engine **${(rate(cy) / rate(vl)).toFixed(2)}×** (event / per-cycle: ${(rate(ev) / rate(cy)).toFixed(2)}×). The issue's target is 20×.
- Time to first result (Verilator includes its C++ build, cold, no ccache): event engine ${ev.firstResultSeconds.toFixed(2)} s, per-cycle ${cy.firstResultSeconds.toFixed(2)} s, Verilator ${vl.firstResultSeconds.toFixed(2)} s.
- Time to generate the design folder (compile + RTL + memory images + testbench + expected log): ${tGenerate.toFixed(2)} s.
- "run s" is the best of the runs in brackets, by one rule for every simulator: at least ${MIN_RUNS}, and as many more as fit in ${MIN_SECONDS} s of runs (at most ${MAX_RUNS}). Timed: the stepping loop for our engines, the testbench alone for Verilator (its start-up and \`$readmemh\` of the memory images included); Icarus runs once.
`;
writeBenchSection(join(root, 'BENCHMARKS.md'), 'simulator', body);
log(body);

// ---- CNV-like network at FINN's folding: cycles per frame, simulator vs analytic, and its speed.
const cnv = cnvLike();
const finnCnv: Array<[number, number]> = [[16, 3], [32, 32], [16, 32], [16, 32], [4, 32], [1, 32], [1, 4], [1, 8], [5, 1]];
const cnvCompiled = compile(cnv, { fold: { layers: finnCnv.map(([pe, simd]) => ({ pe, simd })), fifoDepth: 'auto', source: 'FINN CNV folding' } });
const cnvPlan = cnvCompiled.plan;
const cnvFrames = randomFrames(cnv, 4, 5);
const cnvSim = simulate(cnvPlan, cnvFrames).report;
const cnvStim = makeStimulus(cnvPlan, cnvFrames);
const cnvEvent = await timeEngine('event', cnvPlan, cnvStim);
const cnvCycle = await timeEngine('cycle', cnvPlan, cnvStim);
const cnvSame = sameRun(cnvEvent.result, cnvCycle.result);
const cnvDir = mkdtempSync(join(tmpdir(), 'bnn-bench-cnv-'));
const cnvFiles = generateDesign(cnvPlan, cnvStim).files;
writeDesign(cnvDir, cnvFiles);
log('verilator: CNV-like, 4 frames…');
const cnvRtl = await verilatorBest(cnvDir);
// What Verilator's run spends before the first cycle (start-up, $readmemh of the weights) is not
// simulation: the rate over the frames after the first (4 frames minus 1 frame) leaves it out.
const oneFrameStim = makeStimulus(cnvPlan, cnvFrames.slice(0, 1));
const oneDir = mkdtempSync(join(tmpdir(), 'bnn-bench-cnv1-'));
writeDesign(oneDir, generateDesign(cnvPlan, oneFrameStim).files);
const cnvRtl1 = await verilatorBest(oneDir, true);
const cnvEvent1 = await timeEngine('event', cnvPlan, oneFrameStim);
const cycles1 = cnvEvent1.result.cycles;
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
  Verilator ${(cnvSim.cycles.total / cnvRtl.runSeconds / 1e3).toFixed(0)} k cycles/s (run ${cnvRtl.runSeconds.toFixed(2)} s, build ${cnvRtl.buildSeconds.toFixed(1)} s, first result ${(cnvRtl.buildSeconds + cnvRtl.runSeconds).toFixed(1)} s)
  vs the event engine ${(cnvSim.cycles.total / cnvEvent.seconds / 1e3).toFixed(0)} k cycles/s (${cnvEvent.seconds.toFixed(2)} s, **${(cnvRtl.runSeconds / cnvEvent.seconds).toFixed(2)}×** Verilator)
  and the per-cycle engine ${(cnvSim.cycles.total / cnvCycle.seconds / 1e3).toFixed(0)} k cycles/s (${cnvCycle.seconds.toFixed(2)} s, ${(cnvRtl.runSeconds / cnvCycle.seconds).toFixed(2)}×);
  best of ${cnvRtl.runs}, ${cnvEvent.runs} and ${cnvCycle.runs} runs by the rule of the section above (Verilator: of the testbench, its start-up included); the two engines' runs are ${cnvSame ? 'identical' : 'DIFFERENT'}.
  The event engine's first timed run (the JIT still compiling; the report's run before it built the twins): ${cnvEvent.first.toFixed(3)} s,
  ${(cnvSim.cycles.total / cnvEvent.first / 1e3).toFixed(0)} k cycles/s, ${(cnvRtl.runSeconds / cnvEvent.first).toFixed(2)}× Verilator's best.
- Without start-up: over the frames after the first (4 frames minus 1 frame, ${cnvSim.cycles.total - cycles1} cycles), Verilator
  ${((cnvSim.cycles.total - cycles1) / (cnvRtl.runSeconds - cnvRtl1.runSeconds) / 1e3).toFixed(0)} k cycles/s, the event engine
  ${((cnvSim.cycles.total - cycles1) / (cnvEvent.seconds - cnvEvent1.seconds) / 1e3).toFixed(0)} k cycles/s:
  **${((cnvRtl.runSeconds - cnvRtl1.runSeconds) / (cnvEvent.seconds - cnvEvent1.seconds)).toFixed(2)}×**. (The first frame fills the pipeline: ${cycles1} cycles.)
`;
writeBenchSection(join(root, 'BENCHMARKS.md'), 'cnv', cnvBody);
log(cnvBody);
