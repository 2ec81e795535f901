import type { Dataset, Split } from '../datasets/index.js';

/** The training split, or its first `limit` images (tests, quick runs). */
export function limitedTrainSet(ds: Dataset, limit?: number): Split {
  const pixels = ds.rows * ds.cols;
  return limit !== undefined && limit < ds.train.count
    ? { images: ds.train.images.subarray(0, limit * pixels), labels: ds.train.labels.subarray(0, limit), count: limit }
    : ds.train;
}
