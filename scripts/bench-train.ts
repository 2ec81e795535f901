/**
 * Training speed benchmark: seconds per epoch of binarization-aware training.
 *
 *   npx tsc -p . && node dist/scripts/bench-train.js [--dataset fashion-mnist] [--arch 784-256-256-256-10]
 *        [--epochs 1] [--threads N] [--batch 100] [--fixed-input] [--train-limit N]
 *
 * A convolutional --arch (e.g. c16k3,p2,c32k3,p2,f10) runs the convolutional trainer (one
 * thread; --threads is ignored and reported as 1).
 *
 * Prints one markdown table row:
 *   | what | dataset | images/epoch | threads | s/epoch | images/s | node |
 * The epoch time is the trainer's own (forward, backward, Adam, and the per-epoch test-set
 * evaluation of the exported model); dataset loading is excluded.
 */
import { availableParallelism, cpus } from 'node:os';
import { loadDataset } from '../src/datasets/index.js';
import { formatConvArch, isConvArch, parseArch, parseConvArch } from '../src/train/arch.js';
import { train } from '../src/train/trainer.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const datasetName = arg('--dataset', 'fashion-mnist');
const archText = arg('--arch', '784-256-256-256-10');
const conv = isConvArch(archText);
const epochs = Number(arg('--epochs', '1'));
const batch = Number(arg('--batch', '100'));
const fixedInput = process.argv.includes('--fixed-input');
const limitText = arg('--train-limit', '');
const trainLimit = limitText ? Number(limitText) : undefined;
const threads = conv ? 1 : Number(arg('--threads', String(Math.min(4, availableParallelism()))));

const ds = loadDataset(datasetName);
const r = await train(
  ds,
  conv
    ? { name: 'bench', arch: parseConvArch(archText), epochs, seed: 1, batch, lr: 0.005, augment: false, fixedInput, trainLimit, recalibrateLimit: 1 }
    : { name: 'bench', arch: parseArch(archText), epochs, seed: 1, batch, lr: 0.005, augment: false, threads, trainLimit },
);
const images = trainLimit !== undefined ? Math.min(trainLimit, ds.train.count) : ds.train.count;
const what = conv ? `${formatConvArch(parseConvArch(archText))}${fixedInput ? ' fixed-input' : ''}` : parseArch(archText).join('-');
const perEpoch = r.epochs.reduce((a, e) => a + e.seconds, 0) / epochs;
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
if (process.argv.includes('--header')) {
  console.log('| training | dataset | images/epoch | threads | s/epoch | images/s | node | CPU |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
}
console.log(
  `| bnn train ${what} (batch ${batch}) | ${ds.name} | ${images} | ${threads} | ${perEpoch.toFixed(1)} | ${Math.round(images / perEpoch)} | ${process.version} | ${cpu} (${availableParallelism()} cores) |`,
);
