/** Adam, shared by the dense and the convolutional trainers. */
export const ADAM_B1 = 0.9;
export const ADAM_B2 = 0.999;
export const ADAM_EPS = 1e-8;

type Vec = Float32Array | Float64Array;

/** Bias corrections 1/(1-β1^t), 1/(1-β2^t) for step t (1-based). */
export function adamCorrections(step: number): { c1: number; c2: number } {
  return { c1: 1 / (1 - Math.pow(ADAM_B1, step)), c2: 1 / (1 - Math.pow(ADAM_B2, step)) };
}

/**
 * Adam on latent binary weights w[lo, hi) with the straight-through estimator (the gradient of
 * sign(w) is 1 where |w| <= 1 and 0 elsewhere), then clipped to [-1, 1].
 */
export function adamLatent(w: Vec, dw: Vec, mw: Vec, vw: Vec, lo: number, hi: number, lr: number, c1: number, c2: number): void {
  for (let k = lo; k < hi; k++) {
    const wk = w[k]!;
    const g = wk <= 1 && wk >= -1 ? dw[k]! : 0;
    const m1 = ADAM_B1 * mw[k]! + (1 - ADAM_B1) * g;
    const v1 = ADAM_B2 * vw[k]! + (1 - ADAM_B2) * g * g;
    mw[k] = m1;
    vw[k] = v1;
    let nw = wk - (lr * m1 * c1) / (Math.sqrt(v1 * c2) + ADAM_EPS);
    if (nw > 1) nw = 1;
    else if (nw < -1) nw = -1;
    w[k] = nw;
  }
}

/** Plain Adam on real parameters p[lo, hi) (BatchNorm gamma and beta). */
export function adamReal(p: Vec, dp: Vec, m: Vec, v: Vec, lo: number, hi: number, lr: number, c1: number, c2: number): void {
  for (let j = lo; j < hi; j++) {
    const g = dp[j]!;
    m[j] = ADAM_B1 * m[j]! + (1 - ADAM_B1) * g;
    v[j] = ADAM_B2 * v[j]! + (1 - ADAM_B2) * g * g;
    p[j] = p[j]! - (lr * m[j]! * c1) / (Math.sqrt(v[j]! * c2) + ADAM_EPS);
  }
}
