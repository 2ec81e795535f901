import { Option, type Command } from 'commander';
import { NO_TRAFFIC } from '../../../sim/stimulus.js';
import { simulate, type EngineName, type SimReport } from '../../../sim/simulate.js';
import { accuracy, selectFrames } from '../../inputs/frames.js';
import { addDesignOptions, addFoldTargetOptions, foldTargetOf, addFrameOptions, addLabelsOption, autoFoldLine, foldingSummary, loadAndCompile, type DesignOptions, type FoldTargetOptions } from '../common.js';
import { printJson, shortList } from '../output.js';

/** The first frames' scores for a human; --json has them all. */
export function formatScores(scores: number[][], max = 3): string {
  const L = scores.slice(0, max).map((s, f) => `  frame ${f}: ${shortList(s, 16)}`);
  if (scores.length > max) L.push(`  … (${scores.length} frames in all; --json has every frame)`);
  return L.join('\n') + '\n';
}

export function formatSimReport(r: SimReport): string {
  const L: string[] = [];
  L.push(`frames ${r.frames}, predictions ${shortList(r.predictions)} (${r.output.rule}${r.output.stream === 'scores' ? ', from the streamed scores' : ''})`);
  L.push(`II ${r.cycles.ii.measured ?? '-'} cycles/frame measured (analytic ${r.cycles.ii.analytic}, bottleneck ${r.cycles.ii.bottleneck}${r.cycles.ii.steady ? ', steady' : ''})`);
  L.push(`latency ${r.cycles.latency ?? '-'} cycles (first input beat to result), total ${r.cycles.total} cycles`);
  L.push('block                    busy    stall     idle');
  for (const b of r.blocks) L.push(`${b.name.padEnd(22)} ${String(b.busy).padStart(6)} ${String(b.stall).padStart(8)} ${String(b.idle).padStart(8)}`);
  L.push("last layer's scores:");
  return L.join('\n') + '\n' + formatScores(r.scores);
}

export function register(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('run MODEL in the cycle-accurate simulator: predictions, scores, II, latency, per-block busy/stall/idle')
    .argument('<model>', 'model file (models/*.yaml)');
  cmd.addOption(new Option('--engine <name>', 'event-driven engine, or the per-cycle reference (same results)').choices(['event', 'cycle']).default('event'));
  addLabelsOption(addFrameOptions(addFoldTargetOptions(addDesignOptions(cmd), { clock: true }), 8)).action((modelFile: string, o: DesignOptions & FoldTargetOptions & { frames: number; seed: number; inputs?: string; labels?: string; dataset?: string; engine: EngineName }) => {
    const { model, compiled, autoFold } = loadAndCompile(modelFile, o.fold, o.output, foldTargetOf(o));
    const input = selectFrames(model, o);
    const { report } = simulate(compiled.plan, input.frames, NO_TRAFFIC, o.engine);
    const acc = input.labels ? { labels: input.labels, accuracy: accuracy(report.predictions, input.labels) } : {};
    const short = input.warning ? { framesRequested: input.requested, warning: input.warning } : {};
    if (o.json) printJson({ ok: report.finished, design: compiled.plan.top, inputs: input.source, ...short, folding: foldingSummary(compiled, o.fold, autoFold), ...report, ...acc });
    else if (!o.quiet) {
      if (input.warning) process.stderr.write(`bnn: warning: ${input.warning}\n`);
      if (autoFold) process.stdout.write(autoFoldLine(autoFold) + '\n');
      process.stdout.write(`inputs: ${input.source}\n` + formatSimReport(report));
      if (acc.labels) process.stdout.write(`accuracy against the labels: ${(100 * acc.accuracy!).toFixed(2)}% of ${acc.labels.length}\n`);
    }
  });
}
