import { Option, type Command } from 'commander';
import { BnnError } from '../../errors.js';
import type { VerifyReport } from '../../verify/verify.js';
import { verify } from '../../verify/verify.js';
import { describeStreamDifference } from '../../verify/compare-streams.js';
import { accuracy, selectFrames } from '../../inputs/frames.js';
import { addDesignOptions, addFrameOptions, defaultOutDir, loadAndCompile, type DesignOptions } from '../common.js';
import { printJson, progress, shortList } from '../output.js';

export function formatVerifyReport(r: VerifyReport): string {
  const L: string[] = [];
  L.push(`${r.ok ? 'PASS' : 'FAIL'} ${r.design} on ${r.sim}: ${r.frames} frames, seed ${r.seed}, ${r.mismatches} output mismatches, ${r.inputMismatches} input-timing mismatches`);
  L.push(`  RTL predictions ${shortList(r.predictions)}; golden ${shortList(r.golden)} (${r.goldenMismatches} differ)`);
  if (r.lint) L.push(`  verilator -Wall lint: ${r.lint.clean ? 'clean' : r.lint.warnings.length + ' warnings'}`);
  L.push(`  II ${r.cycles.ii.measured ?? '-'} cycles/frame (analytic ${r.cycles.ii.analytic}), latency ${r.cycles.latency ?? '-'} cycles, ${r.cycles.total} cycles with random traffic`);
  L.push(`  ${r.sim} build ${r.seconds.build}s, run ${r.seconds.run}s; files in ${r.dir}`);
  L.push(`  streams: ${r.streams.streams} block outputs, ${r.streams.beats} beats compared, ${r.streams.differences.length} differ`);
  if (r.streams.first) L.push(`  first differing stream: ${describeStreamDifference(r.streams.first)}`);
  if (r.firstMismatch) L.push(`  first mismatch (${r.firstMismatch.kind} #${r.firstMismatch.index}): expected "${r.firstMismatch.expected}", RTL "${r.firstMismatch.got}"`);
  if (r.vcd) L.push(`  waveform: ${r.vcd}`);
  if (r.timedOut) L.push('  the testbench timed out');
  return L.join('\n') + '\n';
}

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description('co-simulate the emitted RTL against the cycle-accurate simulator with random gaps and backpressure')
    .argument('<model>', 'model file (models/*.yaml)')
    .addOption(new Option('--sim <simulator>', 'RTL simulator').choices(['icarus', 'verilator']).default('verilator'))
    .option('-o, --out <dir>', 'work folder for the design, stimulus and logs (default out/<design>/verify-<sim>)')
    .option('--no-traffic', 'no random input gaps or output backpressure');
  addFrameOptions(addDesignOptions(cmd), 4).action(
    async (modelFile: string, o: DesignOptions & { sim: 'icarus' | 'verilator'; out?: string; frames: number; seed: number; inputs?: string; dataset?: string; traffic: boolean }) => {
      const { model, compiled } = loadAndCompile(modelFile, o.fold);
      const p = progress(o);
      const input = selectFrames(model, o);
      const report = await verify(compiled, {
        sim: o.sim,
        frames: input.frames,
        traffic: o.traffic
          ? { gapProbability: 0.25, maxGap: 3, stallProbability: 0.3, seed: o.seed }
          : { gapProbability: 0, maxGap: 0, stallProbability: 0, seed: o.seed },
        dir: o.out ?? defaultOutDir(compiled.plan, `verify-${o.sim}`),
        onProgress: (t) => p.update(`verify: ${t}…`),
      });
      p.done();
      const acc = input.labels ? { labels: input.labels, accuracy: accuracy(report.predictions, input.labels) } : {};
      if (o.json) printJson({ ...report, inputs: input.source, ...acc });
      else if (!o.quiet) {
        process.stdout.write(formatVerifyReport(report));
        process.stdout.write(`  inputs: ${input.source}${acc.labels ? `; RTL accuracy against the labels ${(100 * acc.accuracy!).toFixed(2)}%` : ''}\n`);
      }
      if (!report.ok && !o.json)
        throw new BnnError({ code: 'VERIFY_MISMATCH', message: `RTL and simulator disagree (see ${report.dir})` });
      if (!report.ok) process.exitCode = 1;
    },
  );
}
