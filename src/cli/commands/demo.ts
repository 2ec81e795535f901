import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { designFiles, writeDesign } from '../../emit/generate.js';
import { makeStimulus } from '../../../sim/stimulus.js';
import { simulate } from '../../../sim/simulate.js';
import { describeArch } from '../../model/shapes.js';
import { packageRoot } from '../../util/paths.js';
import { hasTool } from '../../verify/tools.js';
import { verify, type VerifyReport } from '../../verify/verify.js';
import { accuracy, selectFrames, type FrameSet } from '../../inputs/frames.js';
import { checkFolderOutput } from '../../util/output-safety.js';
import { forceOption, loadAndCompile, outputOption, positiveInt, seedOption } from '../common.js';
import { printJson, progress } from '../output.js';
import { formatSimReport } from './simulate.js';
import { formatVerifyReport } from './verify.js';

/** The shipped model the quick start runs on: the first of these that exists. */
export const DEFAULT_MODELS = ['models/sfc-mnist.yaml', 'models/sfc-random.yaml'];

export function defaultModel(): string {
  const root = packageRoot();
  const found = DEFAULT_MODELS.map((m) => join(root, m)).find((p) => existsSync(p));
  if (!found) throw new Error(`none of the default models exists: ${DEFAULT_MODELS.join(', ')}`);
  return found;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('the main job on a shipped model: generate the design, simulate it, verify the RTL on Icarus and Verilator, print the figures')
    .argument('[model]', `model file (default: ${DEFAULT_MODELS.join(', or ')})`)
    .option('--fold <file>', 'folding (fold.yaml or FINN folding_config.json)')
    .addOption(outputOption('-o, --out <dir>', 'output folder (the design goes to DIR/<model>/rtl, the runs to DIR/<model>/verify-<sim>)', 'out'))
    .addOption(forceOption())
    .addOption(new Option('--frames <n>', 'frames to simulate and verify').default(8).argParser(positiveInt('--frames')))
    .addOption(seedOption('seed for inputs and traffic'))
    .option('--inputs <file.npy>', 'input frames from a NumPy file')
    .option('--dataset <name>', "test images to use (default: the dataset the model was trained on, if installed)")
    .option('--json', 'one JSON summary')
    .option('--quiet', 'print nothing but errors')
    .action(async (modelArg: string | undefined, o: { fold?: string; out: string; force?: boolean; frames: number; seed: number; inputs?: string; dataset?: string; json?: boolean; quiet?: boolean }) => {
      const modelFile = modelArg ?? defaultModel();
      const { model, compiled } = loadAndCompile(modelFile, o.fold);
      const plan = compiled.plan;
      const say = (s: string) => {
        if (!o.json && !o.quiet) process.stdout.write(s);
      };
      const input = demoFrames(model.metadata, (d) => selectFrames(model, { ...o, ...(d ? { dataset: d } : {}) }), o.dataset, o.inputs);
      const frames = input.frames;
      const rtlDir = join(o.out, plan.name, 'rtl');
      const verifyDir = (simulator: string) => join(o.out, plan.name, `verify-${simulator}`);
      for (const d of [rtlDir, verifyDir('icarus'), verifyDir('verilator')]) checkFolderOutput(d, { force: o.force });
      writeDesign(rtlDir, designFiles(plan, makeStimulus(plan, frames)), { force: o.force });
      say(`== ${modelFile}: ${describeArch(model)} (${String(model.metadata.source ?? 'unknown source')})\n`);
      say(`generated ${plan.top} in ${rtlDir} (folding: ${compiled.fold.layers.map((f) => `PE${f.pe}/SIMD${f.simd}`).join(', ')})\n\n== simulate\n`);
      const sim = simulate(plan, frames).report;
      say(`inputs: ${input.source}\n` + formatSimReport(sim));
      if (input.labels) say(`accuracy against the labels: ${(100 * accuracy(sim.predictions, input.labels)).toFixed(2)}% of ${input.labels.length} (model's test accuracy: ${String(model.metadata.testAccuracy ?? 'not recorded')})\n`);
      const verifies: VerifyReport[] = [];
      const p = progress(o);
      for (const [simulator, tool] of [['icarus', 'iverilog'], ['verilator', 'verilator']] as const) {
        if (!(await hasTool(tool))) {
          say(`\n== verify on ${simulator}: skipped, ${tool} is not installed (npm run setup)\n`);
          continue;
        }
        const r = await verify(compiled, {
          sim: simulator,
          frames,
          traffic: { gapProbability: 0.25, maxGap: 3, stallProbability: 0.3, seed: o.seed },
          dir: verifyDir(simulator),
          force: o.force,
          onProgress: (t) => p.update(`verify: ${t}…`),
        });
        p.done();
        verifies.push(r);
        say(`\n== verify on ${simulator} (random input gaps and output backpressure)\n` + formatVerifyReport(r));
      }
      const ok = sim.finished && verifies.every((v) => v.ok);
      if (o.json) printJson({ ok, model: modelFile, design: plan.top, inputs: input.source, ...(input.labels ? { labels: input.labels } : {}), simulate: sim, verify: verifies });
      if (!ok) process.exitCode = 1;
    });
}

/**
 * A trained model runs on the test images of the dataset it was trained on when that dataset is
 * installed (its labels then give an accuracy); otherwise, and for untrained models, on seeded
 * random pixels.
 */
function demoFrames(meta: Record<string, unknown>, pick: (dataset?: string) => FrameSet, dataset?: string, inputs?: string): FrameSet {
  if (dataset || inputs) return pick(dataset);
  const trainedOn = typeof meta.dataset === 'string' ? meta.dataset : undefined;
  if (!trainedOn) return pick();
  try {
    return pick(trainedOn);
  } catch {
    return pick();
  }
}
