import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../src/compiler/compile.js';
import type { FoldConfig } from '../src/compiler/fold-config.js';
import { npyFrames } from '../src/inputs/frames.js';
import { validateModel } from '../src/model/validate.js';
import { randomModel } from '../src/model/random-model.js';
import type { Model } from '../src/model/types.js';
import { encodeNpy } from '../src/npy/read-npy.js';
import type { CosimCase } from './cases.js';
import { workDir } from './work-dir.js';

const fold = (layers: Array<[number, number]>): FoldConfig => ({ layers: layers.map(([pe, simd]) => ({ pe, simd })), fifoDepth: 'auto', source: 'test' });

/** 8-bit signed raw values at the edges of two's complement: −2^(b−1), −1, 0, 2^(b−1)−1, in several mixes. */
export function signedEdgeFrames(size: number): number[][] {
  const edges = [-128, -1, 0, 127];
  return [
    new Array<number>(size).fill(-128),
    new Array<number>(size).fill(127),
    Array.from({ length: size }, (_, i) => edges[i % 4]!),
    Array.from({ length: size }, (_, i) => edges[(i * 7 + 3) % 4]!),
  ];
}

/**
 * The issue's 4-input, 2-layer signed model: neuron 0 of fc0 fires iff x0+x1+x2+x3 >= 0, fc1's
 * class 0 iff it fired. The raw element 200 is −56 in 8-bit two's complement, so [200, 0, 0, 0]
 * is class 1; read as unsigned it would be class 0 (the simulator/golden of old did so).
 */
export function signed200Model(): Model {
  return validateModel(
    {
      format: 'bnn-model',
      version: 1,
      name: 'signed200',
      input: { shape: [4], encoding: { kind: 'fixed', signed: true }, rawBits: 8 },
      layers: [
        { kind: 'dense', name: 'fc0', inputs: 4, outputs: 2, weights: { encoding: 'hex', rows: ['f', 'f'] }, activation: { kind: 'threshold', thresholds: [0, 0], direction: 'ge' } },
        { kind: 'dense', name: 'fc1', inputs: 2, outputs: 2, weights: { encoding: 'hex', rows: ['3', '0'] }, activation: { kind: 'none' } },
      ],
    },
    'signed200 (test)',
  );
}

/** The signed200 frames as a user's uint8 .npy holds them (two's complement patterns). */
export function signed200Frames(): number[][] {
  const file = join(workDir('npy'), 'x.npy');
  writeFileSync(file, encodeNpy('uint8', [3, 4], [200, 0, 0, 0, 0, 0, 0, 0, 128, 0, 127, 0]));
  return npyFrames(signed200Model(), file);
}

/** A dense net whose last layer is thresholded: BNN-PYNQ LFC's ending, read by highest-set-bit. */
export function thresholdedLast(rule: 'highest-set-bit' | 'lowest-set-bit'): Model {
  const m = randomModel({ name: 'thr_last', arch: [32, 24, 10], seed: 4 });
  const last = m.layers[1]!;
  if (last.kind !== 'dense') throw new Error('dense expected');
  // Thresholds around the middle of the 0..24 popcount: several bits set per frame, ties common.
  last.activation = { kind: 'threshold', thresholds: Array.from({ length: 10 }, (_, j) => 11 + (j % 4)), direction: Array.from({ length: 10 }, (_, j) => (j === 3 ? 'le' : 'ge')) };
  return { ...m, output: { kind: rule } };
}

/** Signed inputs, thresholded last layers and streamed scores, on both simulators. */
export const EDGE_CASES: CosimCase[] = [
  {
    name: 'signed 8-bit dense at −128, −1, 0, 127',
    compiled: () => compile(randomModel({ name: 'sdense', arch: [16, 12, 10], seed: 6, fixedInput: { signed: true } }), { fold: fold([[4, 4], [5, 4]]) }),
    frames: 4,
    input: () => signedEdgeFrames(16),
  },
  {
    name: 'signed 8-bit padded conv at −128, −1, 0, 127, scores streamed',
    compiled: () =>
      compile(randomModel({ name: 'sconv', seed: 7, input: [6, 6, 2], fixedInput: { signed: true }, layers: [{ conv: 4, kernel: 3, padding: 1 }, { pool: 2 }, { dense: 10 }] }), {
        fold: fold([[2, 2], [5, 4]]),
        output: 'scores',
      }),
    frames: 4,
    input: () => signedEdgeFrames(72),
  },
  {
    name: 'signed single fixed-point layer: signed scores into label_select',
    compiled: () => compile(randomModel({ name: 'sone', arch: [8, 6], seed: 2, fixedInput: { signed: true } }), { fold: fold([[2, 4]]) }),
    frames: 4,
    input: () => signedEdgeFrames(8),
  },
  {
    name: "the issue's 4-input signed model, raw 200 from a uint8 .npy (= −56)",
    compiled: () => compile(signed200Model(), { fold: fold([[1, 2], [1, 1]]) }),
    frames: 3,
    input: signed200Frames,
    expect: [1, 0, 1],
  },
  { name: 'thresholded last layer, highest-set-bit', compiled: () => compile(thresholdedLast('highest-set-bit'), { fold: fold([[4, 8], [5, 6]]) }), frames: 6 },
  { name: 'thresholded last layer, lowest-set-bit, bits streamed', compiled: () => compile(thresholdedLast('lowest-set-bit'), { fold: fold([[4, 8], [2, 6]]), output: 'scores' }), frames: 4 },
];
