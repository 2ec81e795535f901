import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { BnnError } from '../errors.js';
import { compile, type Compiled } from '../compiler/compile.js';
import type { FoldConfig } from '../compiler/fold-config.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { autoFoldRecord, chooseFolding, type AutoFoldRecord, type FoldTarget } from '../compiler/fold-target.js';
import { DEVICES } from '../synth/devices.js';
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

export interface FoldTargetOptions {
  fold?: string;
  fps?: number;
  clock?: number;
  device?: string;
}

export function positiveNumber(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new BnnError({ code: 'USAGE', message: `${flag} takes a number > 0`, field: flag, got: v });
    return n;
  };
}

/**
 * `bnn fold`'s target options, for `--fold auto`. synth and report already own a --clock (with a
 * default), so for them `clock: false` adds only --fps and --device and their --clock is the target's.
 */
export function addFoldTargetOptions(cmd: Command, { clock }: { clock: boolean }): Command {
  cmd.addOption(new Option('--fps <f>', 'frames per second to reach (with --fold auto)').argParser(positiveNumber('--fps')));
  if (clock) cmd.addOption(new Option('--clock <mhz>', 'clock in MHz (with --fold auto --fps)').argParser(positiveNumber('--clock')));
  return cmd.addOption(new Option('--device <name>', 'fit this device (with --fold auto)').choices(DEVICES.map((d) => d.name)));
}

/** --fps with --clock, or --device; undefined when none is given. A mix, or half a rate, is a usage error. */
export function parseFoldTarget(o: { fps?: number; clock?: number; device?: string }): FoldTarget | undefined {
  const byRate = o.fps !== undefined || o.clock !== undefined;
  if (!byRate && o.device === undefined) return undefined;
  if ((byRate && o.device !== undefined) || (byRate && (o.fps === undefined || o.clock === undefined)))
    throw new BnnError({ code: 'USAGE', message: 'give either --fps and --clock, or --device', field: '--fps/--clock/--device', expected: '--fps F --clock MHZ | --device NAME' });
  return o.device !== undefined ? { device: o.device } : { fps: o.fps!, clockMHz: o.clock! };
}

/**
 * The target of `--fold auto`, or undefined without it. A target option without `--fold auto` would
 * be silently ignored, and `--fold auto` without one has nothing to aim at: both are refused.
 */
export function foldTargetOf(o: FoldTargetOptions): FoldTarget | undefined {
  const target = parseFoldTarget(o);
  if (o.fold !== 'auto') {
    if (target) throw new BnnError({ code: 'USAGE', message: '--fps/--clock and --device choose the folding, so they need --fold auto', field: '--fold', expected: 'auto', got: o.fold === undefined ? 'no --fold' : JSON.stringify(o.fold) });
    return undefined;
  }
  if (!target) throw new BnnError({ code: 'USAGE', message: '--fold auto needs a target', field: '--fps/--clock or --device', expected: '--fps F --clock MHZ | --device NAME' });
  return target;
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
export function foldingSummary(compiled: Compiled, file?: string, autoFold?: AutoFoldRecord): { source: string; layers: Array<{ layer: string; pe: number; simd: number }>; fifoDepth: FoldConfig['fifoDepth']; output: string; file?: string; content?: string; autoFold?: AutoFoldRecord } {
  const engines = compiled.plan.blocks.filter((b) => b.kind === 'mvtu');
  return {
    source: compiled.fold.source,
    layers: compiled.fold.layers.map((f, i) => ({ layer: engines[i]?.layer ?? `layer ${i}`, pe: f.pe, simd: f.simd })),
    fifoDepth: compiled.fold.fifoDepth,
    output: compiled.plan.output.stream,
    ...(file && !autoFold ? { file, content: readFileSync(file, 'utf8') } : {}),
    ...(autoFold ? { autoFold } : {}),
  };
}

/** One line for a human: what `--fold auto` chose. */
export function autoFoldLine(a: AutoFoldRecord): string {
  const aim = 'device' in a.target ? `the fastest that fits ${a.target.device}` : `II <= ${a.target.iiMax} (${a.target.fps} frames/s at ${a.target.clockMHz} MHz)`;
  return `folding chosen (--fold auto, ${aim}): II ${a.chosen.ii} cycles/frame, ~${a.chosen.lut} LUT, ${a.chosen.bram36} BRAM36 estimated; ${a.chosen.layers.map((f) => `PE${f.pe}/SIMD${f.simd}`).join(', ')}`;
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

/** With a target, the folding is `--fold auto`'s choice and autoFold says what was chosen among what. */
export function loadAndCompile(modelFile: string, fold?: string, output?: OutputStream, target?: FoldTarget): { model: Model; compiled: Compiled; autoFold?: AutoFoldRecord } {
  const model = loadModel(modelFile);
  const auto = autoFolding(model, target);
  const folding = auto ? auto.fold : fold;
  const compiled = compile(model, { ...(folding === undefined ? {} : { fold: folding }), ...(output ? { output } : {}) });
  return { model, compiled, ...(auto ? { autoFold: auto.record } : {}) };
}

/** `--fold auto`'s folding for MODEL and the record a run reports of it; undefined without a target. */
export function autoFolding(model: Model, target?: FoldTarget): { fold: FoldConfig; record: AutoFoldRecord } | undefined {
  if (!target) return undefined;
  const c = chooseFolding(foldThresholds(model), target);
  return { fold: c.fold, record: autoFoldRecord(c) };
}

export function defaultOutDir(plan: { name: string }, what: string): string {
  return join('out', plan.name, what);
}
