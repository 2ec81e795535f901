import { BnnError } from '../errors.js';
import { loadDataset } from '../datasets/index.js';
import type { Model } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { isUnsignedDtype, readNpy } from '../npy/read-npy.js';
import { Prng } from '../util/prng.js';
import { checkRawFrames, rawRange, rawRangeOf } from './raw-range.js';
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
  return drawFrames(model.input.shape.reduce((a, b) => a * b, 1), rawRange(model.input), n, seed);
}

/** randomFrames for a compiled design (same draw: one seed gives the same frames as for its model). */
export function randomPlanFrames(plan: Pick<Plan, 'input'>, n: number, seed: number): number[][] {
  return drawFrames(plan.input.elements, rawRangeOf(plan.input.rawBits, plan.input.signed), n, seed);
}

function drawFrames(elements: number, range: { min: number; max: number }, n: number, seed: number): number[][] {
  const rng = new Prng(seed);
  checkFrameCount(n, elements, { field: '--frames' });
  const { min, max } = range;
  return Array.from({ length: n }, () => Array.from({ length: elements }, () => min + rng.int(max - min + 1)));
}

/**
 * Raw frames from a .npy file shaped [frames, ...] whose trailing size is the model's input
 * size; values must be whole numbers in the raw input range (FINN feeds float32 0..255). For a
 * signed input, an unsigned-integer array (uint8/16/32) holds each element's rawBits-bit two's
 * complement pattern (0..2^rawBits − 1, 200 is −56 at 8 bits); any other dtype holds the values
 * themselves (−2^(rawBits−1)..2^(rawBits−1) − 1).
 */
export function npyFrames(model: Pick<Model, 'input'>, file: string): number[][] {
  const a = readNpy(file);
  const elements = model.input.shape.reduce((x, y) => x * y, 1);
  const bits = model.input.rawBits;
  const pattern = isUnsignedDtype(a.dtype) && rawRange(model.input).min < 0;
  const { min, max } = pattern ? { min: 0, max: 2 ** bits - 1 } : rawRange(model.input);
  const total = a.data.length;
  if (a.shape.length < 1 || total % elements !== 0 || total === 0)
    throw new BnnError({ code: 'INPUT_INVALID', message: 'input array does not hold whole frames', file, field: 'shape', expected: `[frames, ...] with ${elements} elements per frame`, got: `[${a.shape.join(', ')}]` });
  checkFrameCount(total / elements, elements, { file, field: 'shape' });
  const frames: number[][] = [];
  for (let f = 0; f < total / elements; f++) {
    const frame = Array.from(a.data.subarray(f * elements, (f + 1) * elements));
    const bad = frame.findIndex((v) => !Number.isInteger(v) || v < min || v > max);
    if (bad >= 0)
      throw new BnnError({
        code: 'INPUT_INVALID',
        message: 'input value outside the raw input range',
        file,
        field: `frame ${f}, element ${bad}`,
        expected: `a whole number in [${min}, ${max}]${pattern ? ` (a ${a.dtype} array holds the ${bits}-bit two's complement pattern of a signed input)` : ''}`,
        got: String(frame[bad]),
      });
    frames.push(pattern ? frame.map((v) => (v >= 2 ** (bits - 1) ? v - 2 ** bits : v)) : frame);
  }
  return frames;
}

/** The first n test images of a dataset, with their labels (fewer when the test split is smaller). */
export function datasetFrames(model: Pick<Model, 'input'>, spec: string, n: number): { frames: number[][]; labels: number[]; available: number } {
  const ds = loadDataset(spec);
  const elements = model.input.shape.reduce((x, y) => x * y, 1);
  if (ds.rows * ds.cols !== elements)
    throw new BnnError({ code: 'INPUT_INVALID', message: `dataset images do not fit the model's input`, field: '--dataset', expected: `${elements} elements per frame`, got: `${ds.rows}x${ds.cols} images of ${spec}` });
  const count = Math.min(n, ds.test.count);
  checkFrameCount(count, elements, { field: '--frames' });
  const frames: number[][] = [];
  for (let f = 0; f < count; f++) frames.push(Array.from(ds.test.images.subarray(f * elements, (f + 1) * elements)));
  checkRawFrames(rawRange(model.input), frames, `${spec} test image`);
  return { frames, labels: Array.from(ds.test.labels.subarray(0, count)), available: ds.test.count };
}

export interface FrameSet {
  frames: number[][];
  /** Ground truth, when the frames come from a labelled dataset. */
  labels?: number[];
  /** Where they came from, for reports. */
  source: string;
  /** Frames asked for (--frames with --dataset), when fewer came back: the split is smaller. */
  requested?: number;
  /** Said when fewer frames come back than were asked for. */
  warning?: string;
}

/**
 * Frames for simulate/verify/demo: a .npy file (with `labels`, a .npy of one class per frame),
 * a dataset's test images, or seeded random pixels.
 */
export function selectFrames(model: Pick<Model, 'input'>, o: { inputs?: string; labels?: string; dataset?: string; frames: number; seed: number }): FrameSet {
  if (o.labels && !o.inputs)
    throw new BnnError({ code: 'USAGE', message: '--labels goes with --inputs (a dataset brings its own labels)', field: '--labels', expected: '--inputs X.npy --labels Y.npy', got: o.labels });
  if (o.inputs) {
    const frames = npyFrames(model, o.inputs);
    return { frames, ...(o.labels ? { labels: npyLabels(o.labels, frames.length) } : {}), source: o.inputs };
  }
  if (o.dataset) {
    const d = datasetFrames(model, o.dataset, o.frames);
    const short = d.frames.length < o.frames;
    return {
      frames: d.frames,
      labels: d.labels,
      source: `${o.dataset} test images`,
      ...(short ? { requested: o.frames, warning: `--frames ${o.frames} asked for more than the ${d.available} test images of ${o.dataset}: ran ${d.frames.length}` } : {}),
    };
  }
  return { frames: randomFrames(model, o.frames, o.seed), source: `seeded random pixels (seed ${o.seed})` };
}

/** Class labels from a .npy: one whole number >= 0 per frame (any integer or float dtype, shape [frames] or [frames, 1]). */
export function npyLabels(file: string, frames: number): number[] {
  const a = readNpy(file);
  if (a.data.length !== frames || a.shape.length < 1 || a.shape.slice(1).some((d) => d !== 1))
    throw new BnnError({ code: 'INPUT_INVALID', message: 'labels do not match the input frames', file, field: 'shape', expected: `[${frames}] (one label per input frame)`, got: `[${a.shape.join(', ')}]` });
  const labels = Array.from(a.data);
  const bad = labels.findIndex((v) => !Number.isInteger(v) || v < 0);
  if (bad >= 0) throw new BnnError({ code: 'INPUT_INVALID', message: 'a label is not a class index', file, field: `labels[${bad}]`, expected: 'a whole number >= 0', got: String(labels[bad]) });
  return labels;
}

/** Fraction of predictions that match the labels. */
export function accuracy(predictions: number[], labels: number[]): number {
  const n = Math.min(predictions.length, labels.length);
  let ok = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === labels[i]) ok++;
  return n ? ok / n : 0;
}
