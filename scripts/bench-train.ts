/**
 * Training speed benchmark: seconds per epoch of binarization-aware training.
 *
 *   npx tsc -p . && node dist/scripts/bench-train.js [--dataset fashion-mnist] [--arch 784-256-256-256-10]
 *        [--epochs 1] [--threads N] [--batch 100]
 *
 * Prints one markdown table row:
 *   | what | dataset | images/epoch | threads | s/epoch | images/s | node |
 * The epoch time is the trainer's own (forward, backward, Adam, and the per-epoch test-set
 * evaluation of the exported model); dataset loading is excluded.
 */
import { availableParallelism, cpus } from 'node:os';
import { loadDataset } from '../src/datasets/index.js';
import { parseArch, train } from '../src/train/trainer.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const datasetName = arg('--dataset', 'fashion-mnist');
const arch = parseArch(arg('--arch', '784-256-256-256-10'));
const epochs = Number(arg('--epochs', '1'));
const threads = Number(arg('--threads', String(Math.min(4, availableParallelism()))));
const batch = Number(arg('--batch', '100'));

const ds = loadDataset(datasetName);
const r = await train(ds, { name: 'bench', arch, epochs, seed: 1, batch, lr: 0.005, augment: false, threads });
const perEpoch = r.epochs.reduce((a, e) => a + e.seconds, 0) / epochs;
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
if (process.argv.includes('--header')) {
  console.log('| training | dataset | images/epoch | threads | s/epoch | images/s | node | CPU |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
}
console.log(
  `| bnn train ${arch.join('-')} (batch ${batch}) | ${ds.name} | ${ds.train.count} | ${threads} | ${perEpoch.toFixed(1)} | ${Math.round(ds.train.count / perEpoch)} | ${process.version} | ${cpu} (${availableParallelism()} cores) |`,
);
