import { Option, type Command } from 'commander';
import { BnnError } from '../../errors.js';
import type { VerifyReport } from '../../verify/verify.js';
import { verify } from '../../verify/verify.js';
import { describeStreamDifference } from '../../verify/compare-streams.js';
import { accuracy, selectFrames } from '../../inputs/frames.js';
import { checkFolderOutput } from '../../util/output-safety.js';
import { addDesignOptions, addFoldTargetOptions, foldTargetOf, addFrameOptions, addLabelsOption, autoFoldLine, defaultOutDir, forceOption, loadAndCompile, outputOption, type DesignOptions, type FoldTargetOptions } from '../common.js';
import { formatScores } from './simulate.js';
import { printJson, progress, shortList } from '../output.js';

export function formatVerifyReport(r: VerifyReport): string {
  const L: string[] = [];
  L.push(`${r.ok ? 'PASS' : 'FAIL'} ${r.design} on ${r.sim}: ${r.frames} frames, seed ${r.seed}, ${r.mismatches} output mismatches, ${r.inputMismatches} input-timing mismatches`);
  L.push(`  RTL predictions ${shortList(r.predictions)}; golden ${shortList(r.golden)} (${r.goldenMismatches} differ)`);
  L.push(`  scores (${r.scoresFrom === 'rtl' ? "the RTL's streamed scores" : "the simulator's, same stimulus"}): ${r.scoreMismatches} frames differ from the integer reference`);
  if (r.lint) L.push(`  verilator -Wall lint: ${r.lint.clean ? 'clean' : r.lint.warnings.length + ' warnings'}`);
  L.push(`  II ${r.cycles.ii.measured ?? '-'} cycles/frame measured on the RTL's output beats (simulator without traffic ${r.cycles.ii.simulatorIdeal ?? '-'}, analytic ${r.cycles.ii.analytic}), latency ${r.cycles.latency ?? '-'} cycles, ${r.cycles.total} cycles with random traffic`);
  L.push(`  ${r.sim} build ${r.timing.buildReused ? 'reused (same sources as an earlier verify)' : `${r.timing.buildSeconds}s`}, run ${r.timing.runSeconds}s; files in ${r.dir}`);
  L.push(`  streams: ${r.streams.streams} block outputs, ${r.streams.beats} beats compared, ${r.streams.differences.length} differ`);
  if (r.streams.first) L.push(`  first differing stream: ${describeStreamDifference(r.streams.first)}`);
  if (r.firstMismatch) L.push(`  first mismatch (${r.firstMismatch.kind} #${r.firstMismatch.index}): expected "${r.firstMismatch.expected}", RTL "${r.firstMismatch.got}"`);
  if (r.vcd) L.push(`  waveform: ${r.vcd}`);
  if (r.timedOut) L.push('  the testbench timed out');
  return L.join('\n') + '\n' + formatScores(r.scores).replace(/^ {2}/gm, '    ');
}

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description('co-simulate the emitted RTL against the cycle-accurate simulator with random gaps and backpressure')
    .argument('<model>', 'model file (models/*.yaml)')
    .addOption(new Option('--sim <simulator>', 'RTL simulator').choices(['icarus', 'verilator']).default('verilator'))
    .addOption(outputOption('-o, --out <dir>', 'work folder for the design, stimulus and logs: a new one, or one that bnn wrote (default out/<design>/verify-<sim>)'))
    .addOption(forceOption())
    .option('--no-traffic', 'no random input gaps or output backpressure');
  addLabelsOption(addFrameOptions(addFoldTargetOptions(addDesignOptions(cmd), { clock: true }), 4)).action(
    async (modelFile: string, o: DesignOptions & FoldTargetOptions & { sim: 'icarus' | 'verilator'; out?: string; force?: boolean; frames: number; seed: number; inputs?: string; labels?: string; dataset?: string; traffic: boolean }) => {
      const { model, compiled, autoFold } = loadAndCompile(modelFile, o.fold, o.output, foldTargetOf(o));
      const dir = o.out ?? defaultOutDir(compiled.plan, `verify-${o.sim}`);
      checkFolderOutput(dir, { force: o.force });
      const p = progress(o);
      const input = selectFrames(model, o);
      const report = await verify(compiled, {
        sim: o.sim,
        frames: input.frames,
        traffic: o.traffic
          ? { gapProbability: 0.25, maxGap: 3, stallProbability: 0.3, seed: o.seed }
          : { gapProbability: 0, maxGap: 0, stallProbability: 0, seed: o.seed },
        dir,
        force: o.force,
        onProgress: (t) => p.update(`verify: ${t}…`),
      });
      p.done();
      const acc = input.labels ? { labels: input.labels, accuracy: accuracy(report.predictions, input.labels) } : {};
      const short = input.warning ? { framesRequested: input.requested, warning: input.warning } : {};
      if (o.json) printJson({ ...report, inputs: input.source, ...short, ...acc, ...(autoFold ? { autoFold } : {}) });
      else if (!o.quiet) {
        if (input.warning) process.stderr.write(`bnn: warning: ${input.warning}\n`);
        if (autoFold) process.stdout.write(autoFoldLine(autoFold) + '\n');
        process.stdout.write(formatVerifyReport(report));
        process.stdout.write(`  inputs: ${input.source}${acc.labels ? `; RTL accuracy against the labels ${(100 * acc.accuracy!).toFixed(2)}%` : ''}\n`);
      }
      if (!report.ok && !o.json)
        throw new BnnError({ code: 'VERIFY_MISMATCH', message: `RTL and simulator disagree (see ${report.dir})` });
      if (!report.ok) process.exitCode = 1;
    },
  );
}
