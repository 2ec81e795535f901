import type { Command } from 'commander';
import { BnnError, describeValue } from '../../errors.js';
import { serializeModel } from '../../model/io.js';
import { randomModel } from '../../model/random-model.js';
import { isLegalName, NAME_RULE } from '../../model/names.js';
import { parseArch } from '../../train/arch.js';
import { checkFileOutput, writeFileSafe } from '../../util/output-safety.js';
import { outputOption, seedOption } from '../common.js';
import { printJson } from '../output.js';

/** The name goes into the model file, which the loader checks: refuse here what it would refuse there. */
function nameArg(v: string): string {
  if (!isLegalName(v)) throw new BnnError({ code: 'USAGE', message: 'invalid model name', field: '--name', expected: `a name matching ${NAME_RULE}`, got: describeValue(v) });
  return v;
}

export function register(program: Command): void {
  program
    .command('random-model')
    .description('write an untrained example model whose weights and BatchNorm statistics come from a seeded generator')
    .requiredOption('--arch <sizes>', 'layer sizes, e.g. 784-256-256-256-10', parseArch)
    .addOption(seedOption('generator seed'))
    .option('--name <name>', 'model name', nameArg, 'random')
    .addOption(outputOption('-o, --out <file>', 'model file to write (replaced atomically)').makeOptionMandatory())
    .option('--json', 'print a JSON summary')
    .action((o: { arch: number[]; seed: number; name: string; out: string; json?: boolean }) => {
      checkFileOutput(o.out);
      const model = randomModel({ name: o.name, arch: o.arch, seed: o.seed });
      writeFileSafe(o.out, serializeModel(model));
      if (o.json) printJson({ ok: true, file: o.out, arch: o.arch, seed: o.seed });
    });
}
