import type { Command } from 'commander';
import { BnnError, describeValue } from '../../errors.js';
import { parseModel, serializeModel } from '../../model/io.js';
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

/** An integer in [lo, hi] for `flag`, or a USAGE error naming the range. */
function intIn(flag: string, lo: number, hi: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new BnnError({ code: 'USAGE', message: `${flag} takes an integer ${lo}..${hi}`, field: flag, expected: `${lo}..${hi}`, got: describeValue(v) });
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('random-model')
    .description('write an untrained example model whose weights and BatchNorm statistics come from a seeded generator')
    .requiredOption('--arch <sizes>', 'layer sizes, e.g. 784-256-256-256-10', parseArch)
    .addOption(seedOption('generator seed'))
    .option('--name <name>', 'model name', nameArg, 'random')
    .addOption(outputOption('-o, --out <file>', 'model file to write (replaced atomically)').makeOptionMandatory())
    .option('--act-bits <A>', 'A-bit activations (2..4) on every hidden layer (BatchNorm with quant); default: one bit', intIn('--act-bits', 2, 4))
    .option('--act-levels <n>', 'with --act-bits: output levels, 2..2^A (default 2^A)', intIn('--act-levels', 2, 16))
    .option('--act-bias <b>', 'with --act-bits: outBias, element = level + outBias (e.g. -1 with 3 levels: -1, 0, +1)', intIn('--act-bias', -8, 15))
    .option('--json', 'print a JSON summary')
    .action((o: { arch: number[]; seed: number; name: string; out: string; json?: boolean; actBits?: number; actLevels?: number; actBias?: number }) => {
      if (o.actBits === undefined && (o.actLevels !== undefined || o.actBias !== undefined))
        throw new BnnError({ code: 'USAGE', message: '--act-levels and --act-bias need --act-bits', field: o.actLevels !== undefined ? '--act-levels' : '--act-bias', expected: '--act-bits A as well' });
      checkFileOutput(o.out);
      const quant = o.actBits === undefined ? undefined : { bits: o.actBits, ...(o.actLevels !== undefined ? { levels: o.actLevels } : {}), ...(o.actBias !== undefined ? { outBias: o.actBias } : {}) };
      const model = randomModel({ name: o.name, arch: o.arch, seed: o.seed, ...(quant ? { quant } : {}) });
      const text = serializeModel(model);
      // The loader's own check (levels fit the bits, outBias in range) before anything is written.
      parseModel(text, o.out);
      writeFileSafe(o.out, text);
      if (o.json) printJson({ ok: true, file: o.out, arch: o.arch, seed: o.seed, ...(quant ? { actBits: quant.bits } : {}) });
    });
}
