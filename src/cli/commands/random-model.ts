import { writeFileSync, renameSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { serializeModel } from '../../model/io.js';
import { randomModel } from '../../model/random-model.js';
import { parseArch } from '../../train/arch.js';
import { nonNegativeInt } from '../common.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('random-model')
    .description('write an untrained example model whose weights and BatchNorm statistics come from a seeded generator')
    .requiredOption('--arch <sizes>', 'layer sizes, e.g. 784-256-256-256-10', parseArch)
    .addOption(new Option('--seed <s>', 'generator seed').default(1).argParser(nonNegativeInt('--seed')))
    .option('--name <name>', 'model name', 'random')
    .requiredOption('-o, --out <file>', 'model file to write')
    .option('--json', 'print a JSON summary')
    .action((o: { arch: number[]; seed: number; name: string; out: string; json?: boolean }) => {
      const model = randomModel({ name: o.name, arch: o.arch, seed: o.seed });
      const tmp = `${o.out}.tmp-${process.pid}`;
      writeFileSync(tmp, serializeModel(model));
      renameSync(tmp, o.out);
      if (o.json) printJson({ ok: true, file: o.out, arch: o.arch, seed: o.seed });
    });
}
