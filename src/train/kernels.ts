/**
 * Tensor kernels of the convolutional trainer and of the evaluator of exported models. Tensors
 * are flat Float32Arrays, channels last; every loop runs in a fixed order, so results are
 * bit-identical run to run.
 */
import type { Geo } from './geometry.js';

/** im2col of a [B, H, W, C] batch into cols [B·OH·OW, K·K·C], (ky, kx, c) order. */
export function im2col(g: Geo, x: Float32Array, B: number, cols: Float32Array): void {
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
export function col2im(g: Geo, dcols: Float32Array, B: number, dx: Float32Array): void {
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
export function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
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
export function matmul(a: Float32Array, wT: Float32Array, R: number, n: number, m: number, z: Float32Array): void {
  for (let r = 0; r < R; r++) {
    const zr = r * m;
    const ar = r * n;
    for (let j = 0; j < m; j++) z[zr + j] = dot(a, ar, wT, j * n, n);
  }
}

/** out[C, R] = transpose of a[R, C]. */
export function transpose(a: Float32Array, R: number, C: number, out: Float32Array): void {
  for (let r = 0; r < R; r++) {
    const ar = r * C;
    for (let c = 0; c < C; c++) out[c * R + r] = a[ar + c]!;
  }
}

/** Max-pool (kernel = stride) of [B, H, W, C] into [B, PH, PW, C], remembering the argmax. */
export function maxPool(y: Float32Array, B: number, H: number, W: number, C: number, k: number, out: Float32Array, arg: Int32Array): void {
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

/** Raw pixels of image s (shifted by dx, dy, zero fill) as the first layer's input values. */
export function loadInput(img: Uint8Array, s: number, rows: number, cols: number, fixed: boolean, thr: number, dx: number, dy: number, out: Float32Array, off: number): void {
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
