import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { BnnError } from '../errors.js';
import { compile, type Compiled } from '../compiler/compile.js';
import { loadModel } from '../model/io.js';
import type { Model } from '../model/types.js';

export interface DesignOptions {
  fold?: string;
  json?: boolean;
  quiet?: boolean;
}

export function addDesignOptions(cmd: Command): Command {
  return cmd
    .option('--fold <file>', "folding: fold.yaml (PE/SIMD per layer) or FINN's folding_config.json; default: balanced automatic folding")
    .option('--json', 'print one JSON object on stdout (stable field names)')
    .option('--quiet', 'print nothing but errors');
}

export function addFrameOptions(cmd: Command, defaultFrames: number): Command {
  return cmd
    .addOption(new Option('--frames <n>', 'number of input frames').default(defaultFrames).argParser(positiveInt('--frames')))
    .addOption(new Option('--seed <s>', 'seed for random inputs and traffic').default(1).argParser(nonNegativeInt('--seed')))
    .option('--inputs <file.npy>', 'raw input frames from a NumPy file [frames, ...input shape] (uint8/float32 values); overrides --frames')
    .option('--dataset <name>', 'take the first --frames test images of a dataset (fashion-mnist, mnist, idx:DIR) and report accuracy against their labels');
}

export function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new BnnError({ code: 'USAGE', message: `${flag} takes a whole number >= 1`, field: flag, got: v });
    return n;
  };
}

export function nonNegativeInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new BnnError({ code: 'USAGE', message: `${flag} takes a whole number >= 0`, field: flag, got: v });
    return n;
  };
}

export function loadAndCompile(modelFile: string, fold?: string): { model: Model; compiled: Compiled } {
  const model = loadModel(modelFile);
  return { model, compiled: compile(model, fold === undefined ? {} : { fold }) };
}

export function defaultOutDir(plan: { name: string }, what: string): string {
  return join('out', plan.name, what);
}
