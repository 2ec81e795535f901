import { Option, type Command } from 'commander';
import { accuracy } from '../../inputs/frames.js';
import { describeArch } from '../../model/shapes.js';
import { DEFAULT_MODELS, runDemo } from '../../pipeline/demo.js';
import { forceOption, outputOption, positiveInt, seedOption } from '../common.js';
import { printJson, progress } from '../output.js';
import { formatSimReport } from './simulate.js';
import { formatVerifyReport } from './verify.js';

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
      const say = (s: string) => {
        if (!o.json && !o.quiet) process.stdout.write(s);
      };
      const p = progress(o);
      let testAccuracy: unknown;
      const r = await runDemo({
        ...o,
        ...(modelArg !== undefined ? { model: modelArg } : {}),
        onProgress: (t) => p.update(`verify: ${t}…`),
        onStep(step) {
          switch (step.kind) {
            case 'generated': {
              const { model, compiled } = step;
              testAccuracy = model.metadata.testAccuracy;
              say(`== ${step.modelFile}: ${describeArch(model)} (${String(model.metadata.source ?? 'unknown source')})\n`);
              say(`generated ${compiled.plan.top} in ${step.rtlDir} (folding: ${compiled.fold.layers.map((f) => `PE${f.pe}/SIMD${f.simd}`).join(', ')})\n\n== simulate\n`);
              break;
            }
            case 'simulated': {
              const { input, report } = step;
              say(`inputs: ${input.source}\n` + formatSimReport(report));
              if (input.labels) say(`accuracy against the labels: ${(100 * accuracy(report.predictions, input.labels)).toFixed(2)}% of ${input.labels.length} (model's test accuracy: ${String(testAccuracy ?? 'not recorded')})\n`);
              break;
            }
            case 'skipped':
              say(`\n== verify on ${step.simulator}: skipped, ${step.tool} is not installed (npm run setup)\n`);
              break;
            case 'verified':
              p.done();
              say(`\n== verify on ${step.simulator} (random input gaps and output backpressure)\n` + formatVerifyReport(step.report));
              break;
          }
        },
      });
      if (o.json) printJson({ ok: r.ok, model: r.modelFile, design: r.compiled.plan.top, inputs: r.input.source, ...(r.input.labels ? { labels: r.input.labels } : {}), simulate: r.simulate, verify: r.verify });
      if (!r.ok) process.exitCode = 1;
    });
}
