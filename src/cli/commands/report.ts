import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { compile } from '../../compiler/compile.js';
import { BnnError } from '../../errors.js';
import { loadModel } from '../../model/io.js';
import { reportData } from '../../report/data.js';
import { reportHtml } from '../../report/html.js';
import type { SynthReport } from '../../synth/run.js';
import { checkFileOutput, writeFileSafe } from '../../util/output-safety.js';
import { addFoldTargetOptions, autoFolding, autoFoldLine, foldTargetOf, outputOption } from '../common.js';
import { printJson } from '../output.js';
import { parseClock } from './synth.js';

interface ReportOpts {
  fold?: string;
  fps?: number;
  device?: string;
  output?: string;
  synth?: string;
  clock: string;
  json?: boolean;
  quiet?: boolean;
}

/** Read the JSON that `bnn synth --json` printed. */
export function loadSynthJson(file: string): SynthReport {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BnnError({ code: 'INPUT_INVALID', message: `cannot read synthesis results: ${(e as Error).message.split('\n')[0]}`, file, expected: 'the JSON printed by bnn synth --json' });
  }
  const d = doc as Partial<SynthReport>;
  if (!d || typeof d !== 'object' || !Array.isArray(d.targets))
    throw new BnnError({ code: 'INPUT_INVALID', message: 'not a synthesis result', file, field: 'targets', expected: 'the JSON printed by bnn synth --json' });
  return d as SynthReport;
}

export function register(program: Command): void {
  const cmd = program
    .command('report')
    .description('Write a self-contained HTML report: cycles per block, resources (estimate vs Yosys), simulator activity, FPS/latency, accuracy')
    .argument('<model>', 'model file (format v1)')
    .option('--fold <file>', "folding (fold.yaml), or 'auto' with --fps (at --clock) or --device; default: automatic")
    .addOption(outputOption('-o, --output <file>', 'HTML file to write (replaced atomically)', 'report.html'))
    .option('--synth <file>', 'results of `bnn synth --json` to compare with (Yosys resources, Fmax)')
    .option('--clock <mhz>', 'clock for throughput when no synthesis result gives one', '100')
    .option('--json', 'print the report data as JSON (the HTML is still written)')
    .option('--quiet', 'print nothing but errors');
  addFoldTargetOptions(cmd, { clock: false }).action((modelFile: string, o: ReportOpts) => {
    checkFileOutput(o.output ?? 'report.html');
    const clockMHz = parseClock(o.clock);
    const foldTarget = foldTargetOf({ fold: o.fold, fps: o.fps, device: o.device, ...(o.fps !== undefined ? { clock: clockMHz } : {}) });
    const model = loadModel(modelFile);
    const auto = autoFolding(model, foldTarget);
    const fold = auto ? auto.fold : o.fold;
    const { plan } = compile(model, fold ? { fold } : {});
    const autoFold = auto?.record;
    const synth = o.synth ? loadSynthJson(o.synth) : undefined;
    if (synth && synth.design !== plan.top)
      throw new BnnError({ code: 'INPUT_INVALID', message: 'synthesis results are for another design', file: o.synth, field: 'design', expected: plan.top, got: JSON.stringify(synth.design) });
    const data = reportData(model, plan, { ...(synth ? { synth } : {}), clockMHz });
    const out = o.output ?? 'report.html';
    writeFileSafe(out, reportHtml(data));
    if (o.json) printJson({ ok: true, output: out, ...data, ...(autoFold ? { autoFold } : {}) });
    else if (!o.quiet) process.stdout.write((autoFold ? autoFoldLine(autoFold) + '\n' : '') + `report: ${out}\n`);
  });
}
