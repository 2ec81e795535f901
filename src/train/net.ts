/**
 * Binarization-aware training kernels over the state of net-state.ts.
 *
 * The state lives in flat typed arrays on one (optionally shared) buffer so that the same
 * kernels run on the main thread and on worker threads. Every kernel takes a part `t` of `T`
 * and writes only its own slice (a range of neurons or of samples), and each output element is
 * always computed by the same sequence of floating-point operations whatever T is: results are
 * bit-identical for any number of threads.
 *
 * Layout: weights are stored input-major, W[i*M + j] for input i and neuron j, so that the inner
 * loops (over neurons) walk contiguous memory. Binary vectors (layer inputs) are kept as lists of
 * their +1 positions; a ±1 dot product is then 2·Σ_{x_i=+1} w_i − Σ_i w_i. Multi-bit layer inputs
 * (after a quantized hidden layer) are lists of their nonzero elements u with their positions;
 * the dot product is outScale·Σ u_i·sign(w_i), the sum formed on the integers (exact in float32)
 * and scaled once, as the model format defines it.
 */

import type { ActivationQuant } from '../model/types.js';
import { adamCorrections, adamLatent, adamReal } from './adam.js';
import { quantElement, steWindow } from './quant.js';
import type { LayerState, NetState } from './net-state.js';

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;
export { ADAM_B1, ADAM_B2, ADAM_EPS } from './adam.js';

export function partOf(n: number, t: number, T: number): [number, number] {
  return [Math.floor((n * t) / T), Math.floor((n * (t + 1)) / T)];
}

// ---------------------------------------------------------------------------------------------
// Kernels. `t`/`T`: this thread's part. Each comment says what the part splits.

/** sign(w) (w >= 0 → +1) into wb2 = 2·sign(w) and colsum = Σ_i sign(w). Splits neurons. */
export function binarizeWeights(L: LayerState, t: number, T: number): void {
  const [j0, j1] = partOf(L.m, t, T);
  const { n, m, w, wb2, colsum } = L;
  for (let j = j0; j < j1; j++) colsum[j] = 0;
  for (let i = 0; i < n; i++) {
    const base = i * m;
    for (let j = j0; j < j1; j++) {
      const s = w[base + j]! >= 0 ? 2 : -2;
      wb2[base + j] = s;
      colsum[j] += s / 2;
    }
  }
}

/** z[b,j] = ±1 dot product of the layer input and sign(w[:,j]). Splits neurons. Exact integers. */
export function forwardDot(L: LayerState, B: number, t: number, T: number): void {
  if (L.inQuant) return forwardDotMultiBit(L, L.inQuant, B, t, T);
  const [j0, j1] = partOf(L.m, t, T);
  const { n, m, wb2, colsum, onIdx, onCnt, z } = L;
  for (let b = 0; b < B; b++) {
    const zb = b * m;
    for (let j = j0; j < j1; j++) z[zb + j] = -colsum[j]!;
    const ob = b * n;
    const cnt = onCnt[b]!;
    for (let k = 0; k < cnt; k++) {
      const base = onIdx[ob + k]! * m;
      for (let j = j0; j < j1; j++) z[zb + j] += wb2[base + j]!;
    }
  }
}

/** z[b,j] = outScale·Σ_i u[b,i]·sign(w[i,j]) over the nonzero input elements u. Splits neurons. */
function forwardDotMultiBit(L: LayerState, q: ActivationQuant, B: number, t: number, T: number): void {
  const [j0, j1] = partOf(L.m, t, T);
  const { n, m, wb2, onIdx, onCnt, onVal, z } = L;
  // wb2 = 2·sign(w): the integer sum Σ 2u·sign(w) is exact, halved and scaled once.
  const k2 = 0.5 * q.outScale;
  for (let b = 0; b < B; b++) {
    const zb = b * m;
    for (let j = j0; j < j1; j++) z[zb + j] = 0;
    const ob = b * n;
    const cnt = onCnt[b]!;
    for (let k = 0; k < cnt; k++) {
      const base = onIdx[ob + k]! * m;
      const u = onVal[ob + k]!;
      for (let j = j0; j < j1; j++) z[zb + j] += u * wb2[base + j]!;
    }
    for (let j = j0; j < j1; j++) z[zb + j] *= k2;
  }
}

/** Training-mode BatchNorm on z (batch statistics) then y; updates running statistics. Splits neurons. */
export function forwardBatchNorm(L: LayerState, B: number, momentum: number, t: number, T: number): void {
  const [j0, j1] = partOf(L.m, t, T);
  const { m, z, zhat, y, gamma, beta, bMean, bInvStd, runMean, runVar } = L;
  for (let j = j0; j < j1; j++) {
    let s = 0;
    for (let b = 0; b < B; b++) s += z[b * m + j]!;
    const mean = s / B;
    let v = 0;
    for (let b = 0; b < B; b++) {
      const d = z[b * m + j]! - mean;
      v += d * d;
    }
    const varB = v / B;
    const inv = 1 / Math.sqrt(varB + BN_EPS);
    bMean[j] = mean;
    bInvStd[j] = inv;
    runMean[j] = (1 - momentum) * runMean[j]! + momentum * mean;
    runVar[j] = (1 - momentum) * runVar[j]! + momentum * (B > 1 ? v / (B - 1) : varB);
    const g = gamma[j]!;
    const be = beta[j]!;
    for (let b = 0; b < B; b++) {
      const h = (z[b * m + j]! - mean) * inv;
      zhat[b * m + j] = h;
      y[b * m + j] = g * h + be;
    }
  }
}

/** Sign of y (>= 0 → +1) as +1 position lists: the next layer's input. Splits samples. */
export function forwardSign(L: LayerState, next: LayerState, B: number, t: number, T: number): void {
  const [b0, b1] = partOf(B, t, T);
  const { m, y } = L;
  const { onIdx, onCnt } = next;
  for (let b = b0; b < b1; b++) {
    let c = 0;
    const yb = b * m;
    const ob = b * m;
    for (let j = 0; j < m; j++) if (y[yb + j]! >= 0) onIdx[ob + c++] = j;
    onCnt[b] = c;
  }
}

/**
 * The quantized outputs u = outBias + code of hidden layer L (the model format's quantizer of y)
 * as the next layer's list of nonzero elements. Splits samples.
 */
export function forwardQuant(L: LayerState, q: ActivationQuant, next: LayerState, B: number, t: number, T: number): void {
  const [b0, b1] = partOf(B, t, T);
  const { m, y } = L;
  const { onIdx, onCnt, onVal } = next;
  for (let b = b0; b < b1; b++) {
    let c = 0;
    const yb = b * m;
    const ob = b * m;
    for (let j = 0; j < m; j++) {
      const u = quantElement(q, y[yb + j]!);
      if (u !== 0) {
        onIdx[ob + c] = j;
        onVal[ob + c++] = u;
      }
    }
    onCnt[b] = c;
  }
}

/**
 * Gradient wrt the layer input: dx[b,i] = Σ_j dz[b,j]·sign(w[i,j]), written as the previous
 * layer's dy, masked by the activation STE (zero where |y| > 1; for a multi-bit activation,
 * outside its lowest..highest level, steWindow). Splits inputs i (= neurons of the previous layer).
 */
export function backwardInput(L: LayerState, prev: LayerState, B: number, t: number, T: number): void {
  const [i0, i1] = partOf(L.n, t, T);
  const { n, m, wb2, dz } = L;
  const { y, dy } = prev;
  const { lo, hi } = steWindow(prev.outQuant);
  for (let b = 0; b < B; b++) {
    const gb = b * m;
    for (let i = i0; i < i1; i++) {
      const base = i * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += dz[gb + j]! * wb2[base + j]!;
      const yy = y[b * n + i]!;
      dy[b * n + i] = yy <= hi && yy >= lo ? 0.5 * s : 0;
    }
  }
}

/** BatchNorm backward (batch statistics): dy → dgamma, dbeta, dz. Splits neurons. */
export function backwardBatchNorm(L: LayerState, B: number, t: number, T: number): void {
  const [j0, j1] = partOf(L.m, t, T);
  const { m, zhat, dy, dz, gamma, bInvStd, dgamma, dbeta } = L;
  for (let j = j0; j < j1; j++) {
    let sdy = 0;
    let sdyh = 0;
    for (let b = 0; b < B; b++) {
      const g = dy[b * m + j]!;
      sdy += g;
      sdyh += g * zhat[b * m + j]!;
    }
    dgamma[j] = sdyh;
    dbeta[j] = sdy;
    const k = gamma[j]! * bInvStd[j]!;
    const mdy = sdy / B;
    const mdyh = sdyh / B;
    for (let b = 0; b < B; b++) dz[b * m + j] = k * (dy[b * m + j]! - mdy - zhat[b * m + j]! * mdyh);
  }
}

/** dw[i,j] = Σ_b x[b,i]·dz[b,j] with x = ±1: 2·Σ_{x=+1} dz − Σ_b dz. Splits neurons. */
export function backwardWeights(L: LayerState, B: number, t: number, T: number): void {
  if (L.inQuant) return backwardWeightsMultiBit(L, L.inQuant, B, t, T);
  const [j0, j1] = partOf(L.m, t, T);
  const { n, m, dw, dz, onIdx, onCnt } = L;
  const tot = new Float64Array(j1 - j0);
  for (let b = 0; b < B; b++) for (let j = j0; j < j1; j++) tot[j - j0] += dz[b * m + j]!;
  for (let i = 0; i < n; i++) {
    const base = i * m;
    for (let j = j0; j < j1; j++) dw[base + j] = -tot[j - j0]!;
  }
  for (let b = 0; b < B; b++) {
    const gb = b * m;
    const ob = b * n;
    const cnt = onCnt[b]!;
    for (let k = 0; k < cnt; k++) {
      const base = onIdx[ob + k]! * m;
      for (let j = j0; j < j1; j++) dw[base + j] += 2 * dz[gb + j]!;
    }
  }
}

/** dw[i,j] = Σ_b x[b,i]·dz[b,j] with x = outScale·u, over the nonzero elements. Splits neurons. */
function backwardWeightsMultiBit(L: LayerState, q: ActivationQuant, B: number, t: number, T: number): void {
  const [j0, j1] = partOf(L.m, t, T);
  const { n, m, dw, dz, onIdx, onCnt, onVal } = L;
  for (let i = 0; i < n; i++) {
    const base = i * m;
    for (let j = j0; j < j1; j++) dw[base + j] = 0;
  }
  for (let b = 0; b < B; b++) {
    const gb = b * m;
    const ob = b * n;
    const cnt = onCnt[b]!;
    for (let k = 0; k < cnt; k++) {
      const base = onIdx[ob + k]! * m;
      const x = q.outScale * onVal[ob + k]!;
      for (let j = j0; j < j1; j++) dw[base + j] += x * dz[gb + j]!;
    }
  }
}

/**
 * Adam step on the latent weights (straight-through estimator: the gradient of sign(w) is 1
 * where |w| <= 1 and 0 elsewhere), then clip to [-1, 1]; Adam on gamma/beta. Splits neurons.
 */
export function adamUpdate(L: LayerState, step: number, lr: number, t: number, T: number): void {
  const [j0, j1] = partOf(L.m, t, T);
  const { n, m, w, dw, mw, vw } = L;
  const { c1, c2 } = adamCorrections(step);
  for (let i = 0; i < n; i++) adamLatent(w, dw, mw, vw, i * m + j0, i * m + j1, lr, c1, c2);
  if (!L.hidden) return;
  adamReal(L.gamma, L.dgamma, L.mg, L.vg, j0, j1, lr, c1, c2);
  adamReal(L.beta, L.dbeta, L.mb, L.vb, j0, j1, lr, c1, c2);
}

/** Phase codes shared with the worker. */
/**
 * Phases: the units of work between two synchronization points. Kernels fused into one phase
 * split the same index range the same way (or touch disjoint data), so they need no barrier.
 */
export const Phase = {
  /** Binarize the weights of every layer (start of training). */
  BinarizeAll: 1,
  /** ±1 dot products of layer l, then (hidden layer) training-mode BatchNorm. */
  Forward: 2,
  /** Signs (or quantized elements) of hidden layer l as the next layer's input lists. */
  Sign: 3,
  /** Weight gradient of layer l; for l > 0 also the input gradient and BatchNorm backward of l-1. */
  Backward: 4,
  /** Adam step and re-binarization of every layer. */
  Update: 5,
  Exit: 99,
} as const;

/** Run one phase for layer `l` on part t of T (the same dispatch on every thread). */
export function runPhase(net: NetState, phase: number, l: number, t: number, T: number): void {
  const B = net.scal[0]!;
  switch (phase) {
    case Phase.BinarizeAll:
      for (const L of net.layers) binarizeWeights(L, t, T);
      return;
    case Phase.Forward: {
      const L = net.layers[l]!;
      forwardDot(L, B, t, T);
      if (L.hidden) forwardBatchNorm(L, B, net.scal[4]!, t, T);
      return;
    }
    case Phase.Sign: {
      const L = net.layers[l]!;
      if (L.outQuant) return forwardQuant(L, L.outQuant, net.layers[l + 1]!, B, t, T);
      return forwardSign(L, net.layers[l + 1]!, B, t, T);
    }
    case Phase.Backward: {
      const L = net.layers[l]!;
      backwardWeights(L, B, t, T);
      if (l > 0) {
        const prev = net.layers[l - 1]!;
        backwardInput(L, prev, B, t, T);
        backwardBatchNorm(prev, B, t, T);
      }
      return;
    }
    case Phase.Update:
      for (const L of net.layers) {
        adamUpdate(L, net.scal[1]!, net.scal[2]!, t, T);
        binarizeWeights(L, t, T);
      }
      return;
  }
}
