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
import { batchNormFires } from '../model/batchnorm.js';
import { getBit, packBits } from '../model/bits.js';
import type { Conv2dLayer, DenseLayer, Layer, MaxPool2dLayer, Model } from '../model/types.js';
import { Prng } from '../util/prng.js';
import { ADAM_B1, ADAM_B2, ADAM_EPS, adamCorrections, adamLatent, adamReal } from './adam.js';
import { BN_EPS, BN_MOMENTUM } from './net.js';
import type { EpochInfo, TrainHooks, TrainResult } from './trainer.js';

// ---------------------------------------------------------------------------------------------
// Architecture strings.

export type ArchOp =
  | { kind: 'conv'; out: number; k: number; s: number; p: number }
  | { kind: 'pool'; k: number }
  | { kind: 'dense'; out: number };

/** True if `s` is a convolutional architecture string (letters), not `784-256-10`. */
export function isConvArch(s: string): boolean {
  return /[a-z]/i.test(s);
}

/**
 * Parse `c16k3,p2,c32k3,p2,f10`: `c<N>k<K>[s<S>][p<P>]` convolution (N output channels, K×K
 * kernel, stride S default 1, padding P default 0), `p<K>` max-pool (K×K, stride K), `f<N>` dense.
 */
export function parseConvArch(s: string): ArchOp[] {
  const bad = (why: string) =>
    new BnnError({ code: 'USAGE', message: `invalid architecture ${JSON.stringify(s)}: ${why}`, field: '--arch', expected: 'comma-separated c<N>k<K>[s<S>][p<P>], p<K>, f<N>, ending with f<classes>, e.g. c16k3,p2,c32k3,p2,f10' });
  const ops: ArchOp[] = [];
  for (const tok of s.split(',').map((t) => t.trim())) {
    let m: RegExpExecArray | null;
    if ((m = /^c([1-9][0-9]*)k([1-9][0-9]*)(?:s([1-9][0-9]*))?(?:p([0-9]+))?$/.exec(tok))) {
      const [out, k, st, p] = [Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : 1, m[4] ? Number(m[4]) : 0];
      if (out > 4096 || k > 15 || st > 15 || p > k - 1) throw bad(`${tok}: channels <= 4096, kernel <= 15, stride <= 15, padding <= kernel-1`);
      ops.push({ kind: 'conv', out, k, s: st, p });
    } else if ((m = /^p([1-9][0-9]*)$/.exec(tok))) {
      ops.push({ kind: 'pool', k: Number(m[1]) });
    } else if ((m = /^f([1-9][0-9]*)$/.exec(tok))) {
      if (Number(m[1]) > 1 << 16) throw bad(`${tok}: too wide`);
      ops.push({ kind: 'dense', out: Number(m[1]) });
    } else throw bad(`unknown token ${JSON.stringify(tok)}`);
  }
  if (ops.length === 0 || ops[ops.length - 1]!.kind !== 'dense') throw bad('the last layer must be dense (f<classes>)');
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.kind === 'pool' && (i === 0 || ops[i - 1]!.kind !== 'conv')) throw bad('a pool must follow a convolution');
    if (o.kind !== 'dense' && ops.slice(0, i).some((q) => q.kind === 'dense')) throw bad('convolutions and pools must come before dense layers');
  }
  return ops;
}

export function formatConvArch(ops: ArchOp[]): string {
  return ops
    .map((o) => (o.kind === 'conv' ? `c${o.out}k${o.k}${o.s !== 1 ? `s${o.s}` : ''}${o.p ? `p${o.p}` : ''}` : o.kind === 'pool' ? `p${o.k}` : `f${o.out}`))
    .join(',');
}

export interface ConvTrainConfig {
  name: string;
  arch: ArchOp[];
  epochs: number;
  seed: number;
  batch: number;
  lr: number;
  augment: boolean;
  /** Raw 8-bit pixels into the first layer (`input.encoding: fixed`) instead of thresholded bits. */
  fixedInput: boolean;
  inputThreshold?: number;
  trainLimit?: number;
  /** Recalibrate BatchNorm on at most this many training images (default: all). */
  recalibrateLimit?: number;
  command?: string;
}

// ---------------------------------------------------------------------------------------------
// Geometry of the network.

interface Geo {
  conv: boolean;
  inH: number;
  inW: number;
  inC: number;
  k: number;
  s: number;
  p: number;
  padValue: number;
  outH: number;
  outW: number;
  /** Fan-in N and neurons M; P output pixels per sample. */
  n: number;
  m: number;
  P: number;
  /** Pool kernel after this layer (0: none) and the pooled size. */
  pool: number;
  poolH: number;
  poolW: number;
  hidden: boolean;
}

function geometry(ops: ArchOp[], h: number, w: number, c: number, fixed: boolean): Geo[] {
  const geos: Geo[] = [];
  let [H, W, C] = [h, w, c];
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.kind === 'pool') continue;
    const next = ops[i + 1];
    const pool = next?.kind === 'pool' ? next.k : 0;
    const hidden = i < ops.length - 1;
    if (o.kind === 'conv') {
      const outH = Math.floor((H + 2 * o.p - o.k) / o.s) + 1;
      const outW = Math.floor((W + 2 * o.p - o.k) / o.s) + 1;
      if (outH < 1 || outW < 1) throw new BnnError({ code: 'USAGE', message: `convolution c${o.out}k${o.k} does not fit its ${H}x${W} input`, field: '--arch' });
      const g: Geo = { conv: true, inH: H, inW: W, inC: C, k: o.k, s: o.s, p: o.p, padValue: fixed && geos.length === 0 ? 0 : -1, outH, outW, n: o.k * o.k * C, m: o.out, P: outH * outW, pool, poolH: pool ? Math.floor(outH / pool) : outH, poolW: pool ? Math.floor(outW / pool) : outW, hidden };
      if (g.poolH < 1 || g.poolW < 1) throw new BnnError({ code: 'USAGE', message: `pool p${pool} does not fit its ${outH}x${outW} input`, field: '--arch' });
      geos.push(g);
      [H, W, C] = [g.poolH, g.poolW, o.out];
    } else {
      geos.push({ conv: false, inH: H, inW: W, inC: C, k: 0, s: 1, p: 0, padValue: -1, outH: 1, outW: 1, n: H * W * C, m: o.out, P: 1, pool: 0, poolH: 1, poolW: 1, hidden });
      [H, W, C] = [1, 1, o.out];
    }
  }
  return geos;
}

// ---------------------------------------------------------------------------------------------
// Kernels (shared by training and by the evaluator of exported models).

/** im2col of a [B, H, W, C] batch into cols [B·OH·OW, K·K·C], (ky, kx, c) order. */
function im2col(g: Geo, x: Float32Array, B: number, cols: Float32Array): void {
  const { inH, inW, inC, k, s, p, outH, outW, padValue } = g;
  let o = 0;
  for (let b = 0; b < B; b++) {
    const xb = b * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * s - p + ky;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * s - p + kx;
            if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
              for (let c = 0; c < inC; c++) cols[o++] = padValue;
            } else {
              const base = xb + (iy * inW + ix) * inC;
              for (let c = 0; c < inC; c++) cols[o++] = x[base + c]!;
            }
          }
        }
      }
  }
}

/** Transpose of im2col: accumulate dcols into dx [B, H, W, C] (padding dropped). */
function col2im(g: Geo, dcols: Float32Array, B: number, dx: Float32Array): void {
  const { inH, inW, inC, k, s, p, outH, outW } = g;
  dx.fill(0, 0, B * inH * inW * inC);
  let o = 0;
  for (let b = 0; b < B; b++) {
    const xb = b * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * s - p + ky;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * s - p + kx;
            if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
              o += inC;
            } else {
              const base = xb + (iy * inW + ix) * inC;
              for (let c = 0; c < inC; c++) dx[base + c] += dcols[o++]!;
            }
          }
        }
  }
}

/** Dot product of a[ao .. ao+n) and b[bo .. bo+n), four partial sums (fixed order). */
function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i]! * b[bo + i]!;
    s1 += a[ao + i + 1]! * b[bo + i + 1]!;
    s2 += a[ao + i + 2]! * b[bo + i + 2]!;
    s3 += a[ao + i + 3]! * b[bo + i + 3]!;
  }
  for (; i < n; i++) s0 += a[ao + i]! * b[bo + i]!;
  return s0 + s1 + (s2 + s3);
}

/** z[R, M] = a[R, N] · wT[M, N]ᵀ (wT output-major). */
function matmul(a: Float32Array, wT: Float32Array, R: number, n: number, m: number, z: Float32Array): void {
  for (let r = 0; r < R; r++) {
    const zr = r * m;
    const ar = r * n;
    for (let j = 0; j < m; j++) z[zr + j] = dot(a, ar, wT, j * n, n);
  }
}

/** out[C, R] = transpose of a[R, C]. */
function transpose(a: Float32Array, R: number, C: number, out: Float32Array): void {
  for (let r = 0; r < R; r++) {
    const ar = r * C;
    for (let c = 0; c < C; c++) out[c * R + r] = a[ar + c]!;
  }
}

/** Max-pool (kernel = stride) of [B, H, W, C] into [B, PH, PW, C], remembering the argmax. */
function maxPool(y: Float32Array, B: number, H: number, W: number, C: number, k: number, out: Float32Array, arg: Int32Array): void {
  const PH = Math.floor(H / k);
  const PW = Math.floor(W / k);
  let o = 0;
  for (let b = 0; b < B; b++)
    for (let py = 0; py < PH; py++)
      for (let px = 0; px < PW; px++)
        for (let c = 0; c < C; c++, o++) {
          let best = -Infinity;
          let bi = 0;
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const idx = ((b * H + py * k + ky) * W + px * k + kx) * C + c;
              const v = y[idx]!;
              if (v > best) {
                best = v;
                bi = idx;
              }
            }
          out[o] = best;
          arg[o] = bi;
        }
}

// ---------------------------------------------------------------------------------------------
// Training state.

interface TLayer {
  g: Geo;
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
  act: Float32Array; // sign(yp): the next layer's input
  dact: Float32Array; // gradient wrt act
}

function makeLayer(g: Geo, B: number, first: boolean): TLayer {
  const f32 = (k: number) => new Float32Array(k);
  const f64 = (k: number) => new Float64Array(k);
  const hm = g.hidden ? g.m : 0;
  const outSize = B * g.poolH * g.poolW * g.m;
  return {
    g,
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

/** Forward of layer L on input x (±1 activations, or raw pixels for a fixed first layer). */
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
  const act = L.act;
  const size = B * g.poolH * g.poolW * m;
  for (let q = 0; q < size; q++) act[q] = yp[q]! >= 0 ? 1 : -1;
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
    // Sign STE (masked by |y| <= 1 after the pool), then un-pool to the argmax.
    const size = B * g.poolH * g.poolW * m;
    const yp = g.pool ? L.yp : L.y;
    const dy = L.dy;
    if (g.pool) {
      dy.fill(0, 0, R * m);
      for (let q = 0; q < size; q++) {
        const v = yp[q]!;
        if (v <= 1 && v >= -1) dy[L.arg[q]!] = L.dact[q]!;
      }
    } else {
      for (let q = 0; q < size; q++) {
        const v = yp[q]!;
        dy[q] = v <= 1 && v >= -1 ? L.dact[q]! : 0;
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

/** Raw pixels of image s (shifted by dx, dy, zero fill) as the first layer's input values. */
function loadInput(img: Uint8Array, s: number, rows: number, cols: number, fixed: boolean, thr: number, dx: number, dy: number, out: Float32Array, off: number): void {
  const base = s * rows * cols;
  for (let r = 0; r < rows; r++) {
    const sr = r - dy;
    for (let q = 0; q < cols; q++) {
      const sq = q - dx;
      const v = sr < 0 || sr >= rows || sq < 0 || sq >= cols ? 0 : img[base + sr * cols + sq]!;
      out[off + r * cols + q] = fixed ? v : v >= thr ? 1 : -1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Export and exact evaluation of the exported model.

const round7 = (x: number) => Number(x.toPrecision(7));

function exportCnn(layers: TLayer[], ops: ArchOp[], cfg: ConvTrainConfig, ds: Pick<Dataset, 'rows' | 'cols'>, scale: number, metadata: Record<string, unknown>): Model {
  const out: Layer[] = [];
  let li = 0;
  let ci = 0;
  let pi = 0;
  let fi = 0;
  for (const o of ops) {
    if (o.kind === 'pool') {
      out.push({ kind: 'maxpool2d', name: `pool${pi++}`, kernel: o.k, stride: o.k } satisfies MaxPool2dLayer);
      continue;
    }
    const L = layers[li++]!;
    const g = L.g;
    const weights: Uint32Array[] = [];
    const bits = new Uint8Array(g.n);
    for (let j = 0; j < g.m; j++) {
      for (let i = 0; i < g.n; i++) bits[i] = L.w[i * g.m + j]! >= 0 ? 1 : 0;
      weights.push(packBits(bits));
    }
    const arr = (a: ArrayLike<number>) => Array.from(a, round7);
    const activation = g.hidden
      ? { kind: 'batchnorm' as const, gamma: arr(L.gamma), beta: arr(L.beta), mean: arr(L.runMean), var: arr(L.runVar), eps: BN_EPS }
      : { kind: 'none' as const, scale: round7(scale) };
    if (g.conv)
      out.push({ kind: 'conv2d', name: `conv${ci++}`, inChannels: g.inC, outChannels: g.m, kernel: g.k, stride: g.s, padding: g.p, padValue: g.padValue, weights, activation } satisfies Conv2dLayer);
    else out.push({ kind: 'dense', name: `fc${fi++}`, inputs: g.n, outputs: g.m, weights, activation } satisfies DenseLayer);
  }
  return {
    format: 'bnn-model',
    version: 1,
    name: cfg.name,
    metadata,
    input: {
      shape: [ds.rows, ds.cols, 1],
      encoding: cfg.fixedInput ? { kind: 'fixed', signed: false } : { kind: 'threshold', threshold: cfg.inputThreshold ?? 128 },
      rawBits: 8,
    },
    layers: out,
  };
}

interface EvalLayer {
  g: Geo;
  wb: Float32Array;
  act: Conv2dLayer['activation'];
}

/** The geometry and ±1 weight matrices of an exported conv/pool/dense model. */
function evalPlan(model: Model): EvalLayer[] {
  const shape = model.input.shape.length === 3 ? model.input.shape : [1, 1, model.input.shape[0]!];
  const ops: ArchOp[] = model.layers.map((l) =>
    l.kind === 'conv2d' ? { kind: 'conv', out: l.outChannels, k: l.kernel, s: l.stride, p: l.padding } : l.kind === 'maxpool2d' ? { kind: 'pool', k: l.kernel } : { kind: 'dense', out: l.outputs },
  );
  const geos = geometry(ops, shape[0]!, shape[1]!, shape[2]!, model.input.encoding.kind === 'fixed');
  const weightLayers = model.layers.filter((l): l is Conv2dLayer | DenseLayer => l.kind !== 'maxpool2d');
  return geos.map((g, i) => {
    const l = weightLayers[i]!;
    if (l.kind === 'conv2d') g.padValue = l.padValue;
    const wb = new Float32Array(g.n * g.m); // output-major [m, n]
    for (let j = 0; j < g.m; j++) for (let k = 0; k < g.n; k++) wb[j * g.n + k] = getBit(l.weights[j]!, k) ? 1 : -1;
    if (l.activation.kind === 'threshold') throw new Error('cnn evaluator: batchnorm or none activations only');
    return { g, wb, act: l.activation };
  });
}

/**
 * Run the exported model on images [first, first+count) of `images` in chunks. For every weight
 * layer up to `upto` (inclusive), `onDots(layerIndex, dots, rows)` sees its exact dot products.
 * Returns the predictions (argmax of the last layer's dots, lowest index on ties) when the whole
 * network ran. Dot products are exact integers in float32 (|dot| ≤ N·255 < 2^24), and the
 * BatchNorm predicate is floatForward's double expression, so predictions equal floatForward's.
 */
function runExported(plan: EvalLayer[], model: Model, images: Uint8Array, count: number, upto: number, onDots?: (l: number, dots: Float32Array, rows: number) => void): Uint8Array {
  const px = model.input.shape.reduce((a, b) => a * b, 1);
  const fixed = model.input.encoding.kind === 'fixed';
  const thr = model.input.encoding.kind === 'threshold' ? model.input.encoding.threshold : 0;
  const CH = 50;
  const preds = new Uint8Array(count);
  const bufs = plan.map((p) => ({
    cols: new Float32Array(p.g.conv ? CH * p.g.P * p.g.n : 0),
    z: new Float32Array(CH * p.g.P * p.g.m),
    y: new Float32Array(CH * p.g.P * p.g.m),
    act: new Float32Array(CH * p.g.poolH * p.g.poolW * p.g.m),
    arg: new Int32Array(CH * p.g.poolH * p.g.poolW * p.g.m),
  }));
  const x0 = new Float32Array(CH * px);
  for (let s0 = 0; s0 < count; s0 += CH) {
    const B = Math.min(CH, count - s0);
    for (let b = 0; b < B; b++) loadInput(images, s0 + b, 1, px, fixed, thr, 0, 0, x0, b * px);
    let x = x0;
    for (let l = 0; l <= upto; l++) {
      const { g, wb, act } = plan[l]!;
      const bf = bufs[l]!;
      const R = B * g.P;
      let a = x;
      if (g.conv) {
        im2col(g, x, B, bf.cols);
        a = bf.cols;
      }
      matmul(a, wb, R, g.n, g.m, bf.z);
      onDots?.(l, bf.z, R);
      if (act.kind === 'none') {
        for (let b = 0; b < B; b++) {
          let best = 0;
          for (let j = 1; j < g.m; j++) if (bf.z[b * g.m + j]! > bf.z[b * g.m + best]!) best = j;
          preds[s0 + b] = best;
        }
        break;
      }
      if (act.kind !== 'batchnorm') throw new Error('unreachable');
      const m = g.m;
      for (let r = 0; r < R; r++)
        for (let j = 0; j < m; j++) {
          const dot: number = bf.z[r * m + j]!;
          bf.y[r * m + j] = batchNormFires(act, j, dot) ? 1 : -1;
        }
      if (g.pool) maxPool(bf.y, B, g.outH, g.outW, m, g.pool, bf.act, bf.arg);
      else bf.act.set(bf.y.subarray(0, R * m));
      x = bf.act;
    }
  }
  return preds;
}

/** Predictions of an exported convolutional model (conv2d/maxpool2d/dense), equal to floatForward's. */
export function predictCnn(model: Model, images: Uint8Array, count: number): Uint8Array {
  const plan = evalPlan(model);
  return runExported(plan, model, images, count, plan.length - 1);
}

export function accuracyCnn(model: Model, images: Uint8Array, labels: Uint8Array, count: number): number {
  const p = predictCnn(model, images, count);
  let ok = 0;
  for (let s = 0; s < count; s++) if (p[s] === labels[s]) ok++;
  return count === 0 ? 0 : ok / count;
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
    const sum = new Float64Array(m);
    const sumSq = new Float64Array(m);
    let rows = 0;
    runExported(plan, model, set.images, count, l, (li, dots, R) => {
      if (li !== l) return;
      rows += R;
      for (let r = 0; r < R; r++)
        for (let j = 0; j < m; j++) {
          const d = dots[r * m + j]!;
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
  const geos = geometry(ops, ds.rows, ds.cols, 1, cfg.fixedInput);
  const layers = geos.map((g, i) => makeLayer(g, batch, i === 0));
  const trainSet: Split = cfg.trainLimit !== undefined && cfg.trainLimit < ds.train.count
    ? { images: ds.train.images.subarray(0, cfg.trainLimit * pixels), labels: ds.train.labels.subarray(0, cfg.trainLimit), count: cfg.trainLimit }
    : ds.train;
  const thr = cfg.inputThreshold ?? 128;
  const rng = new Prng(cfg.seed);
  for (const L of layers) {
    const fanOut = L.g.conv ? L.g.m * L.g.k * L.g.k : L.g.m;
    const a = Math.sqrt(6 / (L.g.n + fanOut));
    for (let k = 0; k < L.w.length; k++) L.w[k] = (2 * rng.float() - 1) * a;
    binarize(L);
  }
  const lastL = layers[layers.length - 1]!;
  const classes = lastL.g.m;
  let logScale = -0.5 * Math.log(lastL.g.n);
  let mS = 0;
  let vS = 0;
  const x0 = new Float32Array(batch * pixels);
  const probs = new Float64Array(classes);
  const perm = new Int32Array(trainSet.count);
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  const batches = Math.ceil(trainSet.count / batch);
  const totalSteps = batches * cfg.epochs;
  const lrMin = cfg.lr / 100;
  const epochsInfo: EpochInfo[] = [];
  const exportNow = (md: Record<string, unknown> = {}) => exportCnn(layers, ops, cfg, ds, Math.exp(logScale), md);
  let step = 0;
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const te = performance.now();
    rng.shuffle(perm);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (let bi = 0; bi < batches; bi++) {
      const start = bi * batch;
      const B = Math.min(batch, trainSet.count - start);
      const momentum = Math.max(BN_MOMENTUM, 1 / (step + 1));
      for (let b = 0; b < B; b++) {
        let dx = 0;
        let dy = 0;
        if (cfg.augment) {
          dx = rng.int(5) - 2;
          dy = rng.int(5) - 2;
        }
        loadInput(trainSet.images, perm[start + b]!, ds.rows, ds.cols, cfg.fixedInput, thr, dx, dy, x0, b * pixels);
      }
      let x: Float32Array = x0;
      for (const L of layers) {
        forwardLayer(L, x, B, momentum);
        x = L.act;
      }
      const scale = Math.exp(logScale);
      let dLogScale = 0;
      const z = lastL.z;
      for (let b = 0; b < B; b++) {
        const label = trainSet.labels[perm[start + b]!]!;
        const zb = b * classes;
        let mx = -Infinity;
        let arg = 0;
        for (let j = 0; j < classes; j++)
          if (z[zb + j]! > mx) {
            mx = z[zb + j]!;
            arg = j;
          }
        if (arg === label) correct++;
        let sum = 0;
        for (let j = 0; j < classes; j++) {
          const e = Math.exp(scale * (z[zb + j]! - mx));
          probs[j] = e;
          sum += e;
        }
        lossSum += -Math.log(probs[label]! / sum);
        for (let j = 0; j < classes; j++) {
          const gr = (probs[j]! / sum - (j === label ? 1 : 0)) / B;
          dLogScale += gr * z[zb + j]! * scale;
          lastL.dz[zb + j] = gr * scale;
        }
      }
      seen += B;
      for (let l = layers.length - 1; l >= 0; l--) {
        const input = l === 0 ? x0 : layers[l - 1]!.act;
        backwardLayer(layers[l]!, input, B, l > 0 ? layers[l - 1]!.dact : undefined);
      }
      step++;
      const lr = lrMin + 0.5 * (cfg.lr - lrMin) * (1 + Math.cos((Math.PI * (step - 1)) / totalSteps));
      for (const L of layers) {
        adam(L, step, lr);
        binarize(L);
      }
      mS = ADAM_B1 * mS + (1 - ADAM_B1) * dLogScale;
      vS = ADAM_B2 * vS + (1 - ADAM_B2) * dLogScale * dLogScale;
      logScale -= (lr * mS) / (1 - Math.pow(ADAM_B1, step)) / (Math.sqrt(vS / (1 - Math.pow(ADAM_B2, step))) + ADAM_EPS);
      hooks.onBatch?.({ epoch, epochs: cfg.epochs, batch: bi + 1, batches, loss: lossSum / seen, accuracy: correct / seen, elapsed: (performance.now() - te) / 1000 });
    }
    const testAccuracy = accuracyCnn(exportNow(), ds.test.images, ds.test.labels, ds.test.count);
    const info: EpochInfo = { epoch, epochs: cfg.epochs, loss: lossSum / seen, batchAccuracy: correct / seen, testAccuracy, seconds: (performance.now() - te) / 1000 };
    epochsInfo.push(info);
    hooks.onEpoch?.(info);
  }
  const runningTestAccuracy = epochsInfo.length ? epochsInfo[epochsInfo.length - 1]!.testAccuracy : 0;
  const recalCount = Math.min(trainSet.count, cfg.recalibrateLimit ?? trainSet.count);
  recalibrateCnn(layers, exportNow, trainSet, recalCount);
  const trainSeconds = (performance.now() - t0) / 1000;
  const probe = exportNow();
  const trainAccuracy = accuracyCnn(probe, trainSet.images, trainSet.labels, trainSet.count);
  const testAccuracy = accuracyCnn(probe, ds.test.images, ds.test.labels, ds.test.count);
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  const metadata: Record<string, unknown> = {
    source: 'trained',
    dataset: ds.name,
    datasetDescription: ds.description,
    arch: formatConvArch(ops),
    epochs: cfg.epochs,
    seed: cfg.seed,
    batch: cfg.batch,
    lr: cfg.lr,
    augment: cfg.augment,
    ...(cfg.fixedInput ? { fixedInput: true } : { inputThreshold: thr }),
    trainImages: trainSet.count,
    testImages: ds.test.count,
    trainAccuracy: r4(trainAccuracy),
    testAccuracy: r4(testAccuracy),
    ...(cfg.command ? { command: cfg.command } : {}),
    note: `Binarization-aware training (sign + straight-through estimator on weights and activations, BatchNorm, binary max-pool)${cfg.fixedInput ? '; the first layer reads raw 8-bit pixels and its BatchNorm acts on s = sum of pixel times +-1 weight' : ''}; the exported BatchNorm mean/var are population statistics of the final weights over ${recalCount === trainSet.count ? 'the' : `the first ${recalCount}`} training images. Accuracies are of this exported model, exactly as the float reference computes it.`,
  };
  return { model: exportNow(metadata), trainAccuracy, testAccuracy, runningTestAccuracy, seconds: (performance.now() - t0) / 1000, trainSeconds, epochs: epochsInfo };
}

/** For tests: the kernels and one layer's forward/backward, exposing the internals. */
export const _internal = { geometry, makeLayer, forwardLayer, backwardLayer, binarize, im2col, col2im, matmul, maxPool, exportCnn };
export type { TLayer as _TLayer, Geo as _Geo };
