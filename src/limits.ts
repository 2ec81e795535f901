import { BnnError } from './errors.js';

/**
 * What one request may ask of the machine, checked before anything is allocated or run, so that
 * an oversized model, option or file is a clear error instead of a RangeError, an out-of-memory
 * crash or a run that never ends. The figures leave room for every shipped model and FINN's
 * reference networks (CNV on 32×32×3, LFC at 1024 neurons) with a wide margin; docs/errors.md
 * lists them.
 */
export const LIMITS = {
  /** Raw elements of one input frame (H·W·C): 512×512×1, or 295×295×3. */
  inputElements: 1 << 18,
  /** ±1 weights of the whole model (LFC has 2.9 million). */
  weights: 1 << 26,
  /** Frames a command holds in memory at once (--frames, a .npy file, a dataset slice). */
  frames: 1 << 16,
  /** Raw elements of all frames held at once (frames × elements per frame). */
  frameElements: 1 << 24,
  /** Elements of one ONNX tensor (initializer, attribute or value shape). */
  onnxTensorElements: 1 << 27,
} as const;

export type LimitName = keyof typeof LIMITS;

/**
 * Refuse `figure` above its limit. `what` says what was counted, e.g. "input elements
 * (2048 × 2048 × 1)", so the user sees the figure, how it arose and the limit.
 */
export function checkLimit(
  limit: LimitName,
  figure: number,
  where: { file?: string; field: string; what: string },
): void {
  const max = LIMITS[limit];
  if (!(figure <= max))
    throw new BnnError({
      code: 'LIMIT_EXCEEDED',
      message: `${where.what} is beyond the limit of bnn (LIMITS.${limit})`,
      ...(where.file !== undefined ? { file: where.file } : {}),
      field: where.field,
      expected: `at most ${max.toLocaleString('en-US')}`,
      got: Number.isFinite(figure) ? figure.toLocaleString('en-US') : String(figure),
    });
}

/** Product of dimensions, saturating at Infinity instead of losing precision. */
export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (!Number.isSafeInteger(n)) return Infinity;
  }
  return n;
}
