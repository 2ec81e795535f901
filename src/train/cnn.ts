/**
 * Binarization-aware training of convolutional BNNs (conv2d, binary max-pool, dense).
 *
 * Tensors are flat Float32Arrays, channels last: a batch of activations is [B, H, W, C]. A weight
 * layer (conv or dense) is a matrix product of its im2col matrix `cols` [B·P, N] (P output pixels
 * per sample, N = K·K·C in (ky, kx, c) order — the model format's weight-row order; a dense layer
 * uses its flattened input directly, P = 1) with the binarized weights [N, M] (input-major). All
 * loops run in a fixed order on one thread, so a seed gives bit-identical results.
 *
 * Every hidden weight layer is followed by BatchNorm (batch statistics in training), an optional
 * max-pool and sign. The pool is applied to the BatchNorm output y before the sign: since sign is
 * monotone, sign(max y) = max sign(y) = OR of the bits, exactly the format's binary max-pool; the
 * gradient goes to the argmax (first maximum) and the sign's straight-through estimator is masked
 * by |max y| <= 1.
 *
 * A fixed-point first layer (`fixedInput`) sees the raw 8-bit pixels as they are (0..255): its
 * dot products are the exact integers s = Σ x·w the model format defines, so the exported
 * BatchNorm applies to s with no rescaling (Adam is insensitive to the gradient's scale).
 */
import type { Dataset, Split } from '../datasets/index.js';
import { BnnError } from '../errors.js';
import type { ActivationQuant, Model } from '../model/types.js';
import { Prng } from '../util/prng.js';
import { adamCorrections, adamLatent, adamReal } from './adam.js';
import { formatConvArch } from './arch.js';
import { runEpochs, type EpochNet } from './epochs.js';
import { accuracyCnn, evalPlan, runExported } from './evaluate-conv.js';
import { exportCnn, trainedMetadata } from './export.js';
import { geometry, type Geo } from './geometry.js';
import { col2im, dot, im2col, loadInput, matmul, maxPool, transpose } from './kernels.js';
import { BN_EPS } from './net.js';
import { activationValue, quantNote, steWindow, trainedQuant } from './quant.js';
import { limitedTrainSet } from './train-set.js';
import type { ConvTrainConfig, TrainHooks, TrainResult } from './types.js';

interface TLayer {
  g: Geo;
  /** A hidden layer's output quantizer (absent: sign). */
  quant: ActivationQuant | undefined;
  w: Float32Array; // latent [n*m], input-major
  wb: Float32Array; // sign(w) as ±1, input-major [n*m]
  wbT: Float32Array; // sign(w) output-major [m*n]
  aT: Float32Array; // transposed layer input / cols [n*R]
  dzT: Float32Array; // [m*R]
  mw: Float32Array;
  vw: Float32Array;
  dw: Float64Array;
  cols: Float32Array; // [B*P*n] (conv only)
  dcols: Float32Array; // [B*P*n] (conv, not first)
  z: Float32Array; // [B*P*m]
  dz: Float32Array;
  gamma: Float64Array;
  beta: Float64Array;
  mg: Float64Array;
  vg: Float64Array;
  mb: Float64Array;
  vb: Float64Array;
  runMean: Float64Array;
  runVar: Float64Array;
  invStd: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
  zhat: Float32Array; // [B*P*m]
  y: Float32Array; // BN output [B*P*m]
  dy: Float32Array;
  yp: Float32Array; // pooled y [B*poolH*poolW*m] (= y without pool)
  arg: Int32Array;
  act: Float32Array; // sign(yp), or the quantized value outScale·u: the next layer's input
  dact: Float32Array; // gradient wrt act
}

function makeLayer(g: Geo, B: number, first: boolean, quant?: ActivationQuant): TLayer {
  const f32 = (k: number) => new Float32Array(k);
  const f64 = (k: number) => new Float64Array(k);
  const hm = g.hidden ? g.m : 0;
  const outSize = B * g.poolH * g.poolW * g.m;
  return {
    g,
    quant: g.hidden ? quant : undefined,
    w: f32(g.n * g.m),
    wb: f32(g.n * g.m),
    wbT: f32(g.n * g.m),
    aT: f32(B * g.P * g.n),
    dzT: f32(B * g.P * g.m),
    mw: f32(g.n * g.m),
    vw: f32(g.n * g.m),
    dw: f64(g.n * g.m),
    cols: f32(g.conv ? B * g.P * g.n : 0),
    dcols: f32(g.conv && !first ? B * g.P * g.n : 0),
    z: f32(B * g.P * g.m),
    dz: f32(B * g.P * g.m),
    gamma: f64(hm).fill(1),
    beta: f64(hm),
    mg: f64(hm),
    vg: f64(hm),
    mb: f64(hm),
    vb: f64(hm),
    runMean: f64(hm),
    runVar: f64(hm).fill(1),
    invStd: f64(hm),
    dgamma: f64(hm),
    dbeta: f64(hm),
    zhat: f32(g.hidden ? B * g.P * g.m : 0),
    y: f32(g.hidden ? B * g.P * g.m : 0),
    dy: f32(g.hidden ? B * g.P * g.m : 0),
    yp: f32(g.hidden && g.pool ? outSize : 0),
    arg: new Int32Array(g.hidden && g.pool ? outSize : 0),
    act: f32(g.hidden ? outSize : 0),
    dact: f32(g.hidden ? outSize : 0),
  };
}

function binarize(L: TLayer): void {
  const { n, m } = L.g;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const v = L.w[i * m + j]! >= 0 ? 1 : -1;
      L.wb[i * m + j] = v;
      L.wbT[j * n + i] = v;
    }
}

/** Forward of layer L on input x (±1 activations or quantized values outScale·u, or raw pixels for a fixed first layer). */
function forwardLayer(L: TLayer, x: Float32Array, B: number, momentum: number): void {
  const g = L.g;
  const R = B * g.P;
  let a = x;
  if (g.conv) {
    im2col(g, x, B, L.cols);
    a = L.cols;
  }
  matmul(a, L.wbT, R, g.n, g.m, L.z);
  if (!g.hidden) return;
  const { m } = g;
  const { z, zhat, y } = L;
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let r = 0; r < R; r++) s += z[r * m + j]!;
    const mean = s / R;
    let v = 0;
    for (let r = 0; r < R; r++) {
      const d = z[r * m + j]! - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / R + BN_EPS);
    L.invStd[j] = inv;
    L.runMean[j] = (1 - momentum) * L.runMean[j]! + momentum * mean;
    L.runVar[j] = (1 - momentum) * L.runVar[j]! + momentum * (R > 1 ? v / (R - 1) : v);
    const ga = L.gamma[j]!;
    const be = L.beta[j]!;
    for (let r = 0; r < R; r++) {
      const h = (z[r * m + j]! - mean) * inv;
      zhat[r * m + j] = h;
      y[r * m + j] = ga * h + be;
    }
  }
  let yp = y;
  if (g.pool) {
    maxPool(y, B, g.outH, g.outW, m, g.pool, L.yp, L.arg);
    yp = L.yp;
  }
  // The quantizer is monotone like sign, so quantizing the pooled y is the format's max-pool of the elements.
  const act = L.act;
  const size = B * g.poolH * g.poolW * m;
  const quant = L.quant;
  for (let q = 0; q < size; q++) act[q] = activationValue(quant, yp[q]!);
}

/**
 * Backward of layer L: from L.dact (hidden) or L.dz (last) to dw and, if `dx` is given, the
 * gradient wrt the input (written to dx, the previous layer's dact).
 */
function backwardLayer(L: TLayer, x: Float32Array, B: number, dx: Float32Array | undefined): void {
  const g = L.g;
  const { m, n } = g;
  const R = B * g.P;
  if (g.hidden) {
    // Sign/quantizer STE (masked outside steWindow, [−1, 1] for the sign, after the pool), then un-pool to the argmax.
    const size = B * g.poolH * g.poolW * m;
    const { lo, hi } = steWindow(L.quant);
    const yp = g.pool ? L.yp : L.y;
    const dy = L.dy;
    if (g.pool) {
      dy.fill(0, 0, R * m);
      for (let q = 0; q < size; q++) {
        const v = yp[q]!;
        if (v <= hi && v >= lo) dy[L.arg[q]!] = L.dact[q]!;
      }
    } else {
      for (let q = 0; q < size; q++) {
        const v = yp[q]!;
        dy[q] = v <= hi && v >= lo ? L.dact[q]! : 0;
      }
    }
    // BatchNorm backward (batch statistics).
    const { zhat, dz } = L;
    for (let j = 0; j < m; j++) {
      let sdy = 0;
      let sdyh = 0;
      for (let r = 0; r < R; r++) {
        const d = dy[r * m + j]!;
        sdy += d;
        sdyh += d * zhat[r * m + j]!;
      }
      L.dgamma[j] = sdyh;
      L.dbeta[j] = sdy;
      const k = L.gamma[j]! * L.invStd[j]!;
      const mdy = sdy / R;
      const mdyh = sdyh / R;
      for (let r = 0; r < R; r++) dz[r * m + j] = k * (dy[r * m + j]! - mdy - zhat[r * m + j]! * mdyh);
    }
  }
  // Weight gradient dw[i, j] = Σ_r a[r, i]·dz[r, j], as dot products of the transposes.
  const a = g.conv ? L.cols : x;
  const { dw, dz, wb, aT, dzT } = L;
  transpose(a, R, n, aT);
  transpose(dz, R, m, dzT);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) dw[i * m + j] = dot(aT, i * R, dzT, j * R, R);
  if (!dx) return;
  // Input gradient: dcols[r, i] = Σ_j dz[r, j]·sign(w[i, j]).
  const dcols = g.conv ? L.dcols : dx;
  for (let r = 0; r < R; r++) {
    const zr = r * m;
    const ar = r * n;
    for (let i = 0; i < n; i++) dcols[ar + i] = dot(dz, zr, wb, i * m, m);
  }
  if (g.conv) col2im(g, L.dcols, B, dx);
}

function adam(L: TLayer, step: number, lr: number): void {
  const { c1, c2 } = adamCorrections(step);
  adamLatent(L.w, L.dw, L.mw, L.vw, 0, L.w.length, lr, c1, c2);
  if (!L.g.hidden) return;
  adamReal(L.gamma, L.dgamma, L.mg, L.vg, 0, L.g.m, lr, c1, c2);
  adamReal(L.beta, L.dbeta, L.mb, L.vb, 0, L.g.m, lr, c1, c2);
}

/**
 * BatchNorm recalibration: every hidden layer's mean/var become the population statistics of its
 * exact dot products over the training images, layer by layer through the exported (rounded)
 * network, so the statistics are those of the network that is exported.
 */
function recalibrateCnn(layers: TLayer[], exportNow: () => Model, set: Split, count: number): void {
  for (let l = 0; l < layers.length; l++) {
    const L = layers[l]!;
    if (!L.g.hidden) break;
    const model = exportNow();
    const plan = evalPlan(model);
    const m = L.g.m;
    // The BatchNorm's dot: the exact sum over the layer's input elements times their scale (1 for bits and pixels).
    const inScale = plan[l]!.inScale;
    const sum = new Float64Array(m);
    const sumSq = new Float64Array(m);
    let rows = 0;
    runExported(plan, model, set.images, count, l, (li, dots, R) => {
      if (li !== l) return;
      rows += R;
      for (let r = 0; r < R; r++)
        for (let j = 0; j < m; j++) {
          const d = inScale * dots[r * m + j]!;
          sum[j] += d;
          sumSq[j] += d * d;
        }
    });
    for (let j = 0; j < m; j++) {
      const mean = sum[j]! / rows;
      L.runMean[j] = mean;
      L.runVar[j] = Math.max(sumSq[j]! / rows - mean * mean, 0);
    }
  }
}

// ---------------------------------------------------------------------------------------------

export async function trainCnn(ds: Dataset, cfg: ConvTrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const { batch } = cfg;
  const ops = cfg.arch;
  const last = ops[ops.length - 1]!;
  if (last.kind !== 'dense' || last.out !== ds.classes)
    throw new BnnError({ code: 'USAGE', message: `the architecture's output width must equal the number of classes`, field: '--arch', expected: `last layer f${ds.classes}` });
  const pixels = ds.rows * ds.cols;
  const quant = trainedQuant(cfg.actBits ?? 1);
  const geos = geometry(ops, ds.rows, ds.cols, 1, cfg.fixedInput, quant !== undefined);
  const layers = geos.map((g, i) => makeLayer(g, batch, i === 0, quant));
  const trainSet = limitedTrainSet(ds, cfg.trainLimit);
  const thr = cfg.inputThreshold ?? 128;
  const rng = new Prng(cfg.seed);
  for (const L of layers) {
    const fanOut = L.g.conv ? L.g.m * L.g.k * L.g.k : L.g.m;
    const a = Math.sqrt(6 / (L.g.n + fanOut));
    for (let k = 0; k < L.w.length; k++) L.w[k] = (2 * rng.float() - 1) * a;
    binarize(L);
  }
  const lastL = layers[layers.length - 1]!;
  const x0 = new Float32Array(batch * pixels);
  let scale = 1;
  const exportNow = (md: Record<string, unknown> = {}) => exportCnn(layers, ops, cfg, ds, scale, md, quant);
  const epochNet: EpochNet = {
    load(b, sample, dx, dy) {
      loadInput(trainSet.images, sample, ds.rows, ds.cols, cfg.fixedInput, thr, dx, dy, x0, b * pixels);
    },
    forward(B, momentum) {
      let x: Float32Array = x0;
      for (const L of layers) {
        forwardLayer(L, x, B, momentum);
        x = L.act;
      }
      return lastL.z;
    },
    dScores: lastL.dz,
    backward(B) {
      for (let l = layers.length - 1; l >= 0; l--) {
        const input = l === 0 ? x0 : layers[l - 1]!.act;
        backwardLayer(layers[l]!, input, B, l > 0 ? layers[l - 1]!.dact : undefined);
      }
    },
    update(step, lr) {
      for (const L of layers) {
        adam(L, step, lr);
        binarize(L);
      }
    },
    setScale(s) {
      scale = s;
    },
    testAccuracy: () => accuracyCnn(exportNow(), ds.test.images, ds.test.labels, ds.test.count),
  };
  const epochsInfo = runEpochs(epochNet, cfg, trainSet, lastL.g.m, lastL.g.n, rng, hooks);
  const runningTestAccuracy = epochsInfo.length ? epochsInfo[epochsInfo.length - 1]!.testAccuracy : 0;
  const recalCount = Math.min(trainSet.count, cfg.recalibrateLimit ?? trainSet.count);
  recalibrateCnn(layers, exportNow, trainSet, recalCount);
  const trainSeconds = (performance.now() - t0) / 1000;
  const probe = exportNow();
  const trainAccuracy = accuracyCnn(probe, trainSet.images, trainSet.labels, trainSet.count);
  const testAccuracy = accuracyCnn(probe, ds.test.images, ds.test.labels, ds.test.count);
  const inputMeta = { ...(cfg.fixedInput ? { fixedInput: true } : { inputThreshold: thr }), ...(quant ? { actBits: quant.bits } : {}) };
  const how = quant
    ? `Quantization-aware training (sign + straight-through estimator on weights; BatchNorm then ${quantNote(quant)} on hidden activations, max-pool of the quantized elements)`
    : 'Binarization-aware training (sign + straight-through estimator on weights and activations, BatchNorm, binary max-pool)';
  const metadata = trainedMetadata(ds, cfg, formatConvArch(ops), inputMeta, trainSet.count, { trainAccuracy, testAccuracy },
    `${how}${cfg.fixedInput ? '; the first layer reads raw 8-bit pixels and its BatchNorm acts on s = sum of pixel times +-1 weight' : ''}; the exported BatchNorm mean/var are population statistics of the final weights over ${recalCount === trainSet.count ? 'the' : `the first ${recalCount}`} training images. Accuracies are of this exported model, exactly as the float reference computes it.`,
  );
  return { model: exportNow(metadata), trainAccuracy, testAccuracy, runningTestAccuracy, seconds: (performance.now() - t0) / 1000, trainSeconds, epochs: epochsInfo };
}

/** For tests: the kernels and one layer's forward/backward, exposing the internals. */
export const _internal = { geometry, makeLayer, forwardLayer, backwardLayer, binarize, im2col, col2im, matmul, maxPool, exportCnn };
export type { TLayer as _TLayer, Geo as _Geo };
