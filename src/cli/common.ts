import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { BnnError } from '../errors.js';
import { compile, type Compiled } from '../compiler/compile.js';
import type { FoldConfig } from '../compiler/fold-config.js';
import { loadModel } from '../model/io.js';
import type { Model } from '../model/types.js';
import type { OutputStream } from '../plan/types.js';

export interface DesignOptions {
  fold?: string;
  output?: OutputStream;
  json?: boolean;
  quiet?: boolean;
}

export function addDesignOptions(cmd: Command): Command {
  return cmd
    .option('--fold <file>', "folding: fold.yaml (PE/SIMD per layer) or FINN's folding_config.json; default: balanced automatic folding")
    .addOption(new Option('--output <stream>', "what the top streams: the class index, or the last layer's scores (overrides the fold file's `output`)").choices(['class', 'scores']))
    .option('--json', 'print one JSON object on stdout (stable field names)')
    .option('--quiet', 'print nothing but errors');
}

export function addFrameOptions(cmd: Command, defaultFrames: number): Command {
  return cmd
    .addOption(new Option('--frames <n>', 'number of input frames').default(defaultFrames).argParser(positiveInt('--frames')))
    .addOption(seedOption('seed for random inputs and traffic'))
    .option('--inputs <file.npy>', "raw input frames from a NumPy file [frames, ...input shape] (uint/int/float values; for a signed input, uint arrays hold the two's complement pattern); overrides --frames")
    .option('--dataset <name>', 'take the first --frames test images of a dataset (fashion-mnist, mnist, idx:DIR) and report accuracy against their labels');
}

/** simulate and verify: ground truth beside --inputs. */
export function addLabelsOption(cmd: Command): Command {
  return cmd.option('--labels <file.npy>', 'class labels of the --inputs frames, one per frame: reports accuracy');
}

/** What the report says of the folding a run used: per engine PE/SIMD, and the fold file itself when one was given. */
export function foldingSummary(compiled: Compiled, file?: string): { source: string; layers: Array<{ layer: string; pe: number; simd: number }>; fifoDepth: FoldConfig['fifoDepth']; output: string; file?: string; content?: string } {
  const engines = compiled.plan.blocks.filter((b) => b.kind === 'mvtu');
  return {
    source: compiled.fold.source,
    layers: compiled.fold.layers.map((f, i) => ({ layer: engines[i]?.layer ?? `layer ${i}`, pe: f.pe, simd: f.simd })),
    fifoDepth: compiled.fold.fifoDepth,
    output: compiled.plan.output.stream,
    ...(file ? { file, content: readFileSync(file, 'utf8') } : {}),
  };
}

export function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new BnnError({ code: 'USAGE', message: `${flag} takes a whole number >= 1`, field: flag, got: v });
    return n;
  };
}

/** Seeds are 32-bit: a larger value would silently alias a smaller one, so it is refused. */
export function seedArg(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^[0-9]+$/.test(v.trim()) || !Number.isInteger(n) || n < 0 || n > 0xffffffff)
      throw new BnnError({ code: 'USAGE', message: `${flag} takes a whole number in [0, 4294967295]`, field: flag, expected: 'an integer in [0, 4294967295]', got: v });
    return n;
  };
}

export function seedOption(description: string): Option {
  return new Option('--seed <s>', description).default(1).argParser(seedArg('--seed'));
}

/** An output path option: an empty path would mean the current folder, so it is a usage error. */
export function outputOption(flags: string, description: string, defaultValue?: string): Option {
  const field = flags.split(/[ ,]+/).find((f) => f.startsWith('-')) ?? flags;
  const opt = new Option(flags, description).argParser((v: string) => {
    if (v.trim() === '') throw new BnnError({ code: 'USAGE', message: 'empty output path', field, expected: 'a path', got: '""' });
    return v;
  });
  return defaultValue === undefined ? opt : opt.default(defaultValue);
}

export function forceOption(): Option {
  return new Option('--force', 'replace the output folder even when bnn did not write it (its contents are deleted)');
}

export function loadAndCompile(modelFile: string, fold?: string, output?: OutputStream): { model: Model; compiled: Compiled } {
  const model = loadModel(modelFile);
  return { model, compiled: compile(model, { ...(fold === undefined ? {} : { fold }), ...(output ? { output } : {}) }) };
}

export function defaultOutDir(plan: { name: string }, what: string): string {
  return join('out', plan.name, what);
}
