import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { BnnError } from '../errors.js';
import { compile, type Compiled } from '../compiler/compile.js';
import { loadModel } from '../model/io.js';
import type { Model } from '../model/types.js';
import { Prng } from '../util/prng.js';
import { readNpy } from '../npy/read-npy.js';

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
    .option('--inputs <file.npy>', 'raw input frames from a NumPy file [frames, ...input shape] (uint8/float32 values); overrides --frames');
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

/** Seeded random raw frames (uniform over the raw input range). */
export function randomFrames(model: Pick<Model, 'input'>, n: number, seed: number): number[][] {
  const rng = new Prng(seed);
  const elements = model.input.shape.reduce((a, b) => a * b, 1);
  const range = 2 ** model.input.rawBits;
  return Array.from({ length: n }, () => Array.from({ length: elements }, () => rng.int(range)));
}

export function defaultOutDir(plan: { name: string }, what: string): string {
  return join('out', plan.name, what);
}

/**
 * Raw frames from a .npy file shaped [frames, ...] whose trailing size is the model's input
 * size; values must be whole numbers in the raw input range (FINN feeds float32 0..255).
 */
export function npyFrames(model: Pick<Model, 'input'>, file: string): number[][] {
  const a = readNpy(file);
  const elements = model.input.shape.reduce((x, y) => x * y, 1);
  const max = 2 ** model.input.rawBits - 1;
  const total = a.data.length;
  if (a.shape.length < 1 || total % elements !== 0 || total === 0)
    throw new BnnError({ code: 'INPUT_INVALID', message: 'input array does not hold whole frames', file, field: 'shape', expected: `[frames, ...] with ${elements} elements per frame`, got: `[${a.shape.join(', ')}]` });
  const frames: number[][] = [];
  for (let f = 0; f < total / elements; f++) {
    const frame = Array.from(a.data.subarray(f * elements, (f + 1) * elements));
    const bad = frame.findIndex((v) => !Number.isInteger(v) || v < 0 || v > max);
    if (bad >= 0)
      throw new BnnError({ code: 'INPUT_INVALID', message: 'input value outside the raw input range', file, field: `frame ${f}, element ${bad}`, expected: `a whole number in [0, ${max}]`, got: String(frame[bad]) });
    frames.push(frame);
  }
  return frames;
}

export function inputFrames(model: Pick<Model, 'input'>, o: { inputs?: string; frames: number; seed: number }): number[][] {
  return o.inputs ? npyFrames(model, o.inputs) : randomFrames(model, o.frames, o.seed);
}
