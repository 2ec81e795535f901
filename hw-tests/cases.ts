import { join } from 'node:path';
import { compile, type Compiled } from '../src/compiler/compile.js';
import type { FoldConfig } from '../src/compiler/fold-config.js';
import { loadModel } from '../src/model/io.js';
import { randomModel } from '../src/model/random-model.js';
import { packageRoot } from '../src/util/paths.js';
import { Prng } from '../src/util/prng.js';
import { hasTool } from '../src/util/tools.js';
import { runUnlessOptional } from '../src/util/ci.js';
import { datasetFrames } from '../src/inputs/frames.js';

/** In CI (BNN_REQUIRE_TOOLS=1) a missing simulator fails the tests instead of skipping them. */
export async function toolOrSkip(tool: string): Promise<boolean> {
  return runUnlessOptional(await hasTool(tool));
}

export { workDir } from './work-dir.js';

export function frames(n: number, size: number, seed: number): number[][] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => Array.from({ length: size }, () => rng.int(256)));
}

const fold = (layers: Array<[number, number] | [number, number, 'pad']>): FoldConfig => ({
  layers: layers.map(([pe, simd, pad]) => ({ pe, simd, ...(pad ? { pad: true } : {}) })),
  fifoDepth: 'auto',
  source: 'test',
});

export interface CosimCase {
  name: string;
  compiled: () => Compiled;
  frames: number;
  /** Only on these simulators (default: all). */
  only?: Array<'icarus' | 'verilator'>;
  /** Input frames (default: seeded random pixels). */
  input?: () => number[][];
  /** Classes the frames must get (written out by hand). */
  expect?: number[];
}

const sfc = () => loadModel(join(packageRoot(), 'models/sfc-random.yaml'));
const small = () => randomModel({ name: 'small', arch: [48, 32, 24, 10], seed: 3 });

/** The co-simulation matrix: the 784-256-256-256-10 network and the corner foldings. */
export const COSIM_CASES: CosimCase[] = [
  { name: 'sfc 784-256-256-256-10, default folding', compiled: () => compile(sfc()), frames: 3 },
  {
    name: 'sfc 784-256-256-256-10, mixed folding (NF=2 label select)',
    compiled: () => compile(sfc(), { fold: fold([[16, 49], [8, 32], [32, 8], [5, 16]]) }),
    frames: 3,
  },
  { name: 'small, PE = SIMD = 1 everywhere', compiled: () => compile(small(), { fold: fold([[1, 1], [1, 1], [1, 1]]) }), frames: 3 },
  { name: 'small, fully parallel (II = 1)', compiled: () => compile(small(), { fold: fold([[32, 48], [24, 32], [10, 24]]) }), frames: 12 },
  {
    name: 'small, non-integer width ratios (16→12, 4→16, 5→6)',
    compiled: () => compile(small(), { fold: fold([[16, 12], [4, 16], [5, 6]]) }),
    frames: 6,
  },
  {
    // fc0: 30 → 32 inputs (host zeros), 20 → 30 neurons (fc1's SIMD 5 and fc0's PE 6); fc1: 10 → 12 classes.
    name: 'padded folds: 8-bit input 30 → 32, hidden 20 → 30 through pad neurons, 10 → 12 classes',
    compiled: () => compile(randomModel({ name: 'padded', arch: [30, 20, 10], seed: 4, fixedInput: { signed: false } }), { fold: fold([[6, 8, 'pad'], [4, 5, 'pad']]) }),
    frames: 8,
  },
  {
    // N = 15: popcounts fill ACC_W = 4 bits, threshold N+1 = 16 fills T_W = 5; ge 0 / le 0 / ge N / le N at the ends.
    name: 'thresholds at the ACC_W/T_W ends (ge 0, ge 15, ge 16, le 0, le 15 on N = 15)',
    compiled: () => compile(boundaryThresholds(), { fold: fold([[6, 5], [2, 3]]) }),
    frames: 6,
    input: () => [Array(15).fill(255), Array(15).fill(0), ...frames(4, 15, 21)],
  },
  {
    name: 'conv: 8-bit first conv, padded conv, max-pool, dense',
    compiled: () =>
      compile(
        randomModel({
          name: 'cnn_fixed',
          seed: 3,
          input: [10, 10, 3],
          fixedInput: { signed: false },
          layers: [{ conv: 8, kernel: 3 }, { conv: 8, kernel: 3, padding: 1 }, { pool: 2 }, { dense: 16 }, { dense: 10 }],
        }),
        { fold: fold([[4, 3], [2, 4], [4, 8], [5, 4]]) },
      ),
    frames: 3,
  },
  {
    name: 'conv: binarized input, stride 2 with +1 padding, 1x1 conv, pool 3',
    compiled: () =>
      compile(
        randomModel({
          name: 'cnn_binary',
          seed: 8,
          input: [11, 9, 4],
          layers: [{ conv: 6, kernel: 3, stride: 2, padding: 1, padValue: 1 }, { conv: 12, kernel: 1 }, { pool: 3 }, { dense: 10 }],
        }),
        { fold: fold([[3, 2], [12, 6], [2, 6]]) },
      ),
    frames: 3,
  },
  {
    // A 7-row image padded under a 3x3 kernel: the last output row's window ends at row 8, which
    // the window generator's row coordinates once wrapped (it waited for the next frame).
    name: 'conv: 7x7 padded 3x3 conv, last row used (row coordinate H + K = 10), dense',
    compiled: () => compile(randomModel({ name: 'cnn_h7', seed: 2, input: [7, 7, 2], layers: [{ conv: 4, kernel: 3, padding: 1 }, { dense: 10 }] }), { fold: fold([[2, 2], [5, 4]]) }),
    frames: 2,
  },
  {
    name: 'trained cnn-fashion (28x28, 8-bit first conv) on Fashion-MNIST test images',
    compiled: () => compile(loadModel(join(packageRoot(), 'models/cnn-fashion.yaml'))),
    frames: 3,
    input: () => datasetFrames(loadModel(join(packageRoot(), 'models/cnn-fashion.yaml')), 'fashion-mnist', 3).frames,
  },
  {
    // FINN's folding except the last layer: PE = 4 does not divide 10 classes, 5 is the nearest legal value.
    name: 'CNV-like 32x32x3, FINN folding (Verilator only: ~33k cycles/frame is too slow for Icarus)',
    compiled: () => compile(cnvLike(), { fold: fold([[16, 3], [32, 32], [16, 32], [16, 32], [4, 32], [1, 32], [1, 4], [1, 8], [5, 1]]) }),
    frames: 2,
    only: ['verilator'],
  },
];

/** FINN's CNV topology (valid 3x3 convs 64-64-pool-128-128-pool-256-256, dense 512-512-10) on 32x32x3 8-bit input, seeded random weights. */
export function cnvLike() {
  return randomModel({
    name: 'cnv-like',
    seed: 1,
    input: [32, 32, 3],
    fixedInput: { signed: false },
    layers: [
      { conv: 64, kernel: 3 }, { conv: 64, kernel: 3 }, { pool: 2 },
      { conv: 128, kernel: 3 }, { conv: 128, kernel: 3 }, { pool: 2 },
      { conv: 256, kernel: 3 }, { conv: 256, kernel: 3 },
      { dense: 512 }, { dense: 512 }, { dense: 10 },
    ],
  });
}

/** A 15-6-2 net whose first layer's thresholds sit at both ends of the popcount range [0, 15]. */
function boundaryThresholds() {
  const m = randomModel({ name: 'bounds', arch: [15, 6, 2], seed: 12 });
  (m.layers[0] as { activation: unknown }).activation = { kind: 'threshold', thresholds: [0, 15, 16, 0, 15, 8], direction: ['ge', 'ge', 'ge', 'le', 'le', 'ge'] };
  return m;
}
