import { BnnError } from '../errors.js';
import { loadDataset } from '../datasets/index.js';
import type { Model } from '../model/types.js';
import { readNpy } from '../npy/read-npy.js';
import { Prng } from '../util/prng.js';
import { checkLimit } from '../limits.js';

/**
 * Frames are held in memory whole (the stimulus, the testbench files and the simulator all read
 * them more than once), so how many a request may hold is checked before any is made.
 */
export function checkFrameCount(frames: number, elements: number, where: { file?: string; field: string }): void {
  checkLimit('frames', frames, { ...where, what: `${frames.toLocaleString('en-US')} frames` });
  checkLimit('frameElements', frames * elements, { ...where, what: `${frames.toLocaleString('en-US')} frames of ${elements.toLocaleString('en-US')} elements` });
}

/** Seeded random raw frames (uniform over the raw input range). */
export function randomFrames(model: Pick<Model, 'input'>, n: number, seed: number): number[][] {
  const rng = new Prng(seed);
  const elements = model.input.shape.reduce((a, b) => a * b, 1);
  checkFrameCount(n, elements, { field: '--frames' });
  const range = 2 ** model.input.rawBits;
  return Array.from({ length: n }, () => Array.from({ length: elements }, () => rng.int(range)));
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
  checkFrameCount(total / elements, elements, { file, field: 'shape' });
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

/** The first n test images of a dataset, with their labels. */
export function datasetFrames(model: Pick<Model, 'input'>, spec: string, n: number): { frames: number[][]; labels: number[] } {
  const ds = loadDataset(spec);
  const elements = model.input.shape.reduce((x, y) => x * y, 1);
  if (ds.rows * ds.cols !== elements)
    throw new BnnError({ code: 'INPUT_INVALID', message: `dataset images do not fit the model's input`, field: '--dataset', expected: `${elements} elements per frame`, got: `${ds.rows}x${ds.cols} images of ${spec}` });
  const count = Math.min(n, ds.test.count);
  checkFrameCount(count, elements, { field: '--frames' });
  const frames: number[][] = [];
  for (let f = 0; f < count; f++) frames.push(Array.from(ds.test.images.subarray(f * elements, (f + 1) * elements)));
  return { frames, labels: Array.from(ds.test.labels.subarray(0, count)) };
}

export interface FrameSet {
  frames: number[][];
  /** Ground truth, when the frames come from a labelled dataset. */
  labels?: number[];
  /** Where they came from, for reports. */
  source: string;
}

/** Frames for simulate/verify/demo: a .npy file, a dataset's test images, or seeded random pixels. */
export function selectFrames(model: Pick<Model, 'input'>, o: { inputs?: string; dataset?: string; frames: number; seed: number }): FrameSet {
  if (o.inputs) return { frames: npyFrames(model, o.inputs), source: o.inputs };
  if (o.dataset) return { ...datasetFrames(model, o.dataset, o.frames), source: `${o.dataset} test images` };
  return { frames: randomFrames(model, o.frames, o.seed), source: `seeded random pixels (seed ${o.seed})` };
}

/** Fraction of predictions that match the labels. */
export function accuracy(predictions: number[], labels: number[]): number {
  const n = Math.min(predictions.length, labels.length);
  let ok = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === labels[i]) ok++;
  return n ? ok / n : 0;
}
