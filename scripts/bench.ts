/**
 * npm run bench: simulated cycles per second of the TypeScript simulator vs Verilator vs Icarus
 * on the same design and the same stimulus, side by side in one run, plus time to generate.
 * Writes its section of BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../src/compiler/compile.js';
import { randomFrames } from '../src/inputs/frames.js';
import { writeDesign } from '../src/emit/generate.js';
import { generateDesign } from '../src/pipeline/design.js';
import { loadModel } from '../src/model/io.js';
import { packageRoot } from '../src/util/paths.js';
import { compareLogs, parseLog } from '../src/verify/compare-logs.js';
import { runRtl, step, type RtlSimulator } from '../src/verify/run-rtl.js';
import type { RunResult } from '../sim/engine.js';
import { makeStimulus, type Stimulus } from '../sim/stimulus.js';
import { ENGINES, simulate } from '../sim/simulate.js';
import type { Plan } from '../src/plan/types.js';
import { cnvLike } from '../hw-tests/cases.js';
import { machineLine, writeBenchSection } from './bench-section.js';
import { interleave, speedup, speedupOfDifference, speedupRange, type RoundRule, type Timing } from './bench-rounds.js';

const root = packageRoot();
// every design folder of this run lives under one folder of its own, removed when the run ends
const scratch = mkdtempSync(join(tmpdir(), 'bnn-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
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
 * The timing rule for every simulator here (our engines and Verilator's testbench alike):
 * interleaved rounds (scripts/bench-rounds.ts); in each round a simulator runs until it has run
 * for 1 s (at least once, at most 40 times) and its best run stands for the round. A short run
 * (CNV's 4 frames take a twentieth of a second in the event engine) is otherwise mostly the
 * machine's noise. Ratios are per round, their median reported with the spread.
 */
const RULE: RoundRule = { rounds: 5, secondsPerRound: 1, maxRunsPerRound: 40 };

/** One engine's stepping loop alone, timed; the run kept for comparison. */
function engineRunner(engine: keyof typeof ENGINES, p: Plan, stim: Stimulus, keep: (r: RunResult) => void): () => number {
  return () => {
    const s = performance.now();
    keep(ENGINES[engine](p, stim));
    return (performance.now() - s) / 1000;
  };
}
const verilatorRunner = (dir: string) => () => step(join(dir, 'tb/obj_verilator/Vtb_top'), [], dir, 'verilated testbench');

// Both engines on the same stimulus; the event engine's run must equal the per-cycle one's.
const SIM_FRAMES = 10000;
const tsStim = stimulusFor(SIM_FRAMES);
const tsRuns = new Map<string, RunResult>();
const firstRun = new Map<string, number>();
for (const engine of ['event', 'cycle'] as const) {
  // time to first result: compile from the model, build the twins, run, from cold
  const s = performance.now();
  tsRuns.set(engine, ENGINES[engine](compile(model).plan, tsStim));
  firstRun.set(engine, (performance.now() - s) / 1000 + tCompile);
  log(`${engine}: ${tsRuns.get(engine)!.cycles} cycles, first result in ${firstRun.get(engine)!.toFixed(2)} s`);
}
const sfcSame = sameRun(tsRuns.get('event')!, tsRuns.get('cycle')!);

// Time to generate the whole design folder (plan + files + write).
const tg = performance.now();
const genDir = mkdtempSync(join(scratch, 'gen-'));
const genStim = stimulusFor(4);
writeDesign(genDir, generateDesign(compile(model).plan, genStim).files);
const tGenerate = (performance.now() - tg) / 1000;

/** A design folder for the stimulus, built and run once in an RTL simulator, checked against our run. */
async function rtlFirstRun(sim: RtlSimulator, p: Plan, stim: Stimulus, name: string, cache = false) {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  const files = generateDesign(p, stim).files;
  writeDesign(dir, files);
  log(`${sim}: building and running ${name}…`);
  // Verilator: a cold build (no ccache) so that time to first result is honest.
  const t = await runRtl(dir, sim, { cache });
  const cmp = compareLogs(parseLog(files.get('tb/expected.log')!), parseLog(readFileSync(join(dir, 'tb/out.log'), 'utf8')));
  const mismatches = cmp.outputMismatches + cmp.inputMismatches;
  return { dir, ...t, mismatches, exact: mismatches === 0 ? 'yes, 0 mismatches' : `NO: ${mismatches} mismatches` };
}

const vlFirst = await rtlFirstRun('verilator', plan, tsStim, 'sfc-verilator');
log(`timing ${RULE.rounds} interleaved rounds: event, per-cycle, Verilator…`);
const sfcT = await interleave(
  {
    event: engineRunner('event', plan, tsStim, (r) => tsRuns.set('event', r)),
    cycle: engineRunner('cycle', plan, tsStim, (r) => tsRuns.set('cycle', r)),
    verilator: verilatorRunner(vlFirst.dir),
  },
  RULE,
);
const sfcSameTimed = sfcSame && sameRun(tsRuns.get('event')!, tsRuns.get('cycle')!);
const cycles = tsRuns.get('cycle')!.cycles;
rows.push(
  { simulator: ENGINE_LABEL.event, frames: SIM_FRAMES, cycles, runSeconds: sfcT.event.median, runs: sfcT.event.runs, buildSeconds: tCompile, firstResultSeconds: firstRun.get('event')!, exact: sfcSameTimed ? 'yes, identical run' : 'NO: differs from the per-cycle engine' },
  { simulator: ENGINE_LABEL.cycle, frames: SIM_FRAMES, cycles, runSeconds: sfcT.cycle.median, runs: sfcT.cycle.runs, buildSeconds: tCompile, firstResultSeconds: firstRun.get('cycle')!, exact: 'reference' },
  { simulator: 'Verilator 5.006 --binary', frames: SIM_FRAMES, cycles, runSeconds: sfcT.verilator.median, runs: sfcT.verilator.runs, buildSeconds: vlFirst.buildSeconds, firstResultSeconds: vlFirst.buildSeconds + vlFirst.runSeconds, exact: vlFirst.exact },
);
const ICARUS_FRAMES = 10;
const icStim = stimulusFor(ICARUS_FRAMES);
const ic = await rtlFirstRun('icarus', plan, icStim, 'sfc-icarus');
rows.push({ simulator: 'Icarus Verilog 11', frames: ICARUS_FRAMES, cycles: ENGINES.event(plan, icStim).cycles, runSeconds: ic.runSeconds, runs: 1, buildSeconds: ic.buildSeconds, firstResultSeconds: ic.buildSeconds + ic.runSeconds, exact: ic.exact });

const [ev, cy, vl] = rows as [Row, Row, Row];
const rate = (r: Row) => r.cycles / r.runSeconds;
const kcps = (cycles: number, seconds: number) => `${(cycles / seconds / 1e3).toFixed(0)} k cycles/s`;
const ratio = (slow: Timing, fast: Timing) => {
  const [lo, hi] = speedupRange(slow, fast);
  return `**${speedup(slow, fast).toFixed(2)}×** (rounds: ${lo.toFixed(2)}–${hi.toFixed(2)})`;
};
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
const table = rows
  .map((r) => `| ${r.simulator} | ${r.frames} | ${r.cycles} | ${r.runSeconds.toFixed(3)} (${r.runs}) | ${fmt(rate(r))} | ${r.buildSeconds.toFixed(2)} | ${r.firstResultSeconds.toFixed(2)} | ${r.exact} |`)
  .join('\n');
const body = `## Simulator speed: TypeScript twin vs Verilator vs Icarus

Command: \`npm run bench\` (scripts/bench.ts), ${new Date().toISOString().slice(0, 10)}.
Machine: ${machineLine()}; load average at the start ${loadAtStart}.

Design: \`${modelFile}\` (784-256-256-256-10) at the default folding
(${compiled.fold.layers.map((f) => `PE${f.pe}/SIMD${f.simd}`).join(', ')}; II ${plan.ii.cycles} cycles/frame, ${plan.blocks.length} blocks).
Stimulus: the same seeded frames and the same random input gaps (p = 0.1) and output backpressure (p = 0.1)
for every simulator; the RTL runs are checked beat for beat and cycle for cycle against the TypeScript run.
Icarus gets fewer frames because it is slow; rates are per simulated cycle. Both TypeScript engines
run the same twins (docs/simulator.md); the event engine's run (every beat, cycle and counter) is
compared with the per-cycle engine's.

| simulator | frames | cycles | run s, median of rounds (runs) | cycles/s | build s | time to first result s | cycle-exact |
|---|---|---|---|---|---|---|---|
${table}

- Speed relative to Verilator (simulation only, build excluded), the median of the ${RULE.rounds} rounds' ratios: event engine ${ratio(sfcT.verilator, sfcT.event)}, per-cycle engine ${ratio(sfcT.verilator, sfcT.cycle)}; event / per-cycle ${ratio(sfcT.cycle, sfcT.event)}. The issue's target is 20×. Best single runs: event ${sfcT.event.best.toFixed(3)} s, per-cycle ${sfcT.cycle.best.toFixed(3)} s, Verilator ${sfcT.verilator.best.toFixed(3)} s.
- Time to first result (Verilator includes its C++ build, cold, no ccache): event engine ${ev.firstResultSeconds.toFixed(2)} s, per-cycle ${cy.firstResultSeconds.toFixed(2)} s, Verilator ${vl.firstResultSeconds.toFixed(2)} s.
- Time to generate the design folder (compile + RTL + memory images + testbench + expected log): ${tGenerate.toFixed(2)} s.
- Timing, one rule for every simulator: ${RULE.rounds} interleaved rounds (the order reversed every other round, so that the machine's drift, up to 2× within minutes here, falls on all of them alike); in a round each runs until it has run ${RULE.secondsPerRound} s (at least once, at most ${RULE.maxRunsPerRound} times) and its best run stands for the round; "run s" is the median of the rounds, "runs" all runs. Timed: the stepping loop for our engines, the testbench alone for Verilator (its start-up and \`$readmemh\` of the memory images included); Icarus runs once.
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
const cnvRun = new Map<string, RunResult>();
// the event engine's first run, the JIT still compiling (simulate() above built the twins once)
const cnvEventFirst = engineRunner('event', cnvPlan, cnvStim, (r) => cnvRun.set('event', r))();
const cnvRtlFirst = await rtlFirstRun('verilator', cnvPlan, cnvStim, 'cnv-verilator');
const cnvDir = cnvRtlFirst.dir;
// What Verilator's run spends before the first cycle (start-up, $readmemh of the weights) is not
// simulation: the rate over the frames after the first (4 frames minus 1 frame) leaves it out.
const oneFrameStim = makeStimulus(cnvPlan, cnvFrames.slice(0, 1));
const cnvRtl1First = await rtlFirstRun('verilator', cnvPlan, oneFrameStim, 'cnv1-verilator', true);
log(`timing ${RULE.rounds} interleaved rounds on CNV-like…`);
const cnvT = await interleave(
  {
    event: engineRunner('event', cnvPlan, cnvStim, (r) => cnvRun.set('event', r)),
    event1: engineRunner('event', cnvPlan, oneFrameStim, (r) => cnvRun.set('event1', r)),
    cycle: engineRunner('cycle', cnvPlan, cnvStim, (r) => cnvRun.set('cycle', r)),
    verilator: verilatorRunner(cnvDir),
    verilator1: verilatorRunner(cnvRtl1First.dir),
  },
  RULE,
);
const cnvSame = sameRun(cnvRun.get('event')!, cnvRun.get('cycle')!);
const cycles1 = cnvRun.get('event1')!.cycles;
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
- The same 4 frames in Verilator (no backpressure): ${cnvRtlFirst.mismatches === 0 ? '0 mismatches' : 'MISMATCHES: ' + cnvRtlFirst.mismatches} against the simulator
  (build ${cnvRtlFirst.buildSeconds.toFixed(1)} s, first result ${(cnvRtlFirst.buildSeconds + cnvRtlFirst.runSeconds).toFixed(1)} s). Medians of ${RULE.rounds} interleaved rounds by the rule of the section above
  (${cnvT.verilator.runs}, ${cnvT.event.runs} and ${cnvT.cycle.runs} runs; Verilator: the testbench, its start-up included):
  Verilator ${kcps(cnvSim.cycles.total, cnvT.verilator.median)} (${cnvT.verilator.median.toFixed(2)} s)
  vs the event engine ${kcps(cnvSim.cycles.total, cnvT.event.median)} (${cnvT.event.median.toFixed(3)} s), ${ratio(cnvT.verilator, cnvT.event)} Verilator,
  and the per-cycle engine ${kcps(cnvSim.cycles.total, cnvT.cycle.median)} (${cnvT.cycle.median.toFixed(2)} s), ${ratio(cnvT.verilator, cnvT.cycle)}.
  The two engines' runs are ${cnvSame ? 'identical' : 'DIFFERENT'}.
  The event engine's first timed run (the JIT still compiling; the report's run before it built the twins): ${cnvEventFirst.toFixed(3)} s,
  ${kcps(cnvSim.cycles.total, cnvEventFirst)}, ${(cnvT.verilator.median / cnvEventFirst).toFixed(2)}× Verilator's median.
- Without start-up: over the frames after the first (4 frames minus 1 frame, ${cnvSim.cycles.total - cycles1} cycles), per round the difference of a 4-frame and a 1-frame run:
  Verilator ${kcps(cnvSim.cycles.total - cycles1, cnvT.verilator.median - cnvT.verilator1.median)}, the event engine
  ${kcps(cnvSim.cycles.total - cycles1, cnvT.event.median - cnvT.event1.median)} (medians):
  **${speedupOfDifference(cnvT.verilator, cnvT.verilator1, cnvT.event, cnvT.event1).toFixed(2)}×** (median of the rounds). (The first frame fills the pipeline: ${cycles1} cycles.)
`;
writeBenchSection(join(root, 'BENCHMARKS.md'), 'cnv', cnvBody);
log(cnvBody);
