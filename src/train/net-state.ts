/**
 * The training state: every layer's weights, BatchNorm parameters, activations and gradients as
 * flat typed arrays on one (optionally shared) buffer, so that the kernels of net.ts run on the
 * main thread and on worker threads alike (each thread attaches the same layout to the buffer).
 */

import type { ActivationQuant } from '../model/types.js';

export interface NetShape {
  arch: number[];
  batch: number;
  /** The quantizer of every hidden layer's output; absent: sign (one bit). */
  quant?: ActivationQuant;
}

interface Alloc {
  f32(n: number): Float32Array;
  f64(n: number): Float64Array;
  i32(n: number): Int32Array;
}

export interface LayerState {
  n: number;
  m: number;
  hidden: boolean;
  /** The quantizer of this layer's input elements (the previous hidden layer's), if multi-bit. */
  inQuant: ActivationQuant | undefined;
  /** The quantizer of this hidden layer's output, if multi-bit. */
  outQuant: ActivationQuant | undefined;
  w: Float32Array; // latent weights, [n*m]
  wb2: Float32Array; // 2*sign(w), [n*m]
  colsum: Float32Array; // Σ_i sign(w[i,j]), [m]
  mw: Float32Array;
  vw: Float32Array;
  dw: Float32Array;
  // Input of this layer, as +1 position lists per sample.
  onIdx: Int32Array; // [batch*n]
  onCnt: Int32Array; // [batch]
  onVal: Float32Array; // multi-bit input only: the nonzero elements u at the onIdx positions, [batch*n]
  z: Float32Array; // ±1 dot products, [batch*m]
  // Hidden layers only (BatchNorm + sign):
  gamma: Float32Array;
  beta: Float32Array;
  mg: Float32Array;
  vg: Float32Array;
  mb: Float32Array;
  vb: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
  runMean: Float64Array;
  runVar: Float64Array;
  bMean: Float64Array; // batch mean
  bInvStd: Float64Array; // 1/sqrt(batch var + eps)
  zhat: Float32Array; // [batch*m]
  y: Float32Array; // pre-sign BN output, [batch*m]
  dy: Float32Array; // gradient wrt y (or wrt the scores for the last layer), [batch*m]
  dz: Float32Array; // gradient wrt z, [batch*m]
}

export interface NetState {
  arch: number[];
  batch: number;
  quant?: ActivationQuant;
  layers: LayerState[];
  /** Scalars: [0] current batch size, [1] adam step, [2] lr, [3] last-layer scale, [4] running-statistics momentum. */
  scal: Float64Array;
  buffer: ArrayBuffer | SharedArrayBuffer;
}

/** Bytes needed, and the allocation order, are the same on every thread. */
function layout(shape: NetShape, a: Alloc): { layers: LayerState[]; scal: Float64Array } {
  const { arch, batch, quant } = shape;
  const scal = a.f64(8);
  const layers: LayerState[] = [];
  for (let l = 0; l + 1 < arch.length; l++) {
    const n = arch[l]!;
    const m = arch[l + 1]!;
    const hidden = l + 2 < arch.length;
    const hm = hidden ? m : 0;
    const inQuant = l > 0 ? quant : undefined;
    layers.push({
      n,
      m,
      hidden,
      inQuant,
      outQuant: hidden ? quant : undefined,
      w: a.f32(n * m),
      wb2: a.f32(n * m),
      colsum: a.f32(m),
      mw: a.f32(n * m),
      vw: a.f32(n * m),
      dw: a.f32(n * m),
      onIdx: a.i32(batch * n),
      onCnt: a.i32(batch),
      onVal: a.f32(inQuant ? batch * n : 0),
      z: a.f32(batch * m),
      gamma: a.f32(hm),
      beta: a.f32(hm),
      mg: a.f32(hm),
      vg: a.f32(hm),
      mb: a.f32(hm),
      vb: a.f32(hm),
      dgamma: a.f32(hm),
      dbeta: a.f32(hm),
      runMean: a.f64(hm),
      runVar: a.f64(hm),
      bMean: a.f64(hm),
      bInvStd: a.f64(hm),
      zhat: a.f32(batch * hm),
      y: a.f32(batch * hm),
      dy: a.f32(batch * m),
      dz: a.f32(batch * m),
    });
  }
  return { layers, scal };
}

function sizer(): Alloc & { bytes: number } {
  const s = {
    bytes: 0,
    f32(n: number) {
      s.bytes += 8 * Math.ceil((4 * n) / 8);
      return new Float32Array(0);
    },
    f64(n: number) {
      s.bytes += 8 * n;
      return new Float64Array(0);
    },
    i32(n: number) {
      s.bytes += 8 * Math.ceil((4 * n) / 8);
      return new Int32Array(0);
    },
  };
  return s;
}

function allocator(buf: ArrayBuffer | SharedArrayBuffer): Alloc {
  let off = 0;
  const take = (bytes: number) => {
    const o = off;
    off += 8 * Math.ceil(bytes / 8);
    return o;
  };
  return {
    f32: (n) => new Float32Array(buf, take(4 * n), n),
    f64: (n) => new Float64Array(buf, take(8 * n), n),
    i32: (n) => new Int32Array(buf, take(4 * n), n),
  };
}

/** Create the state (zeroed) on a new buffer, shared if `shared`. */
export function createNet(shape: NetShape, shared: boolean): NetState {
  const s = sizer();
  layout(shape, s);
  const buffer = shared ? new SharedArrayBuffer(s.bytes) : new ArrayBuffer(s.bytes);
  return attachNet(shape, buffer);
}

/** View an existing buffer (e.g. in a worker) as the state. */
export function attachNet(shape: NetShape, buffer: ArrayBuffer | SharedArrayBuffer): NetState {
  const { layers, scal } = layout(shape, allocator(buffer));
  return { arch: shape.arch, batch: shape.batch, ...(shape.quant ? { quant: shape.quant } : {}), layers, scal, buffer };
}
