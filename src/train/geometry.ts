import { BnnError } from '../errors.js';
import type { ArchOp } from './arch.js';

/** One weight layer of a convolutional network: input, kernel and output geometry (channels last). */
export interface Geo {
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

/**
 * `fixed`: the first layer reads raw integers (padded with 0). `multiBit`: later layers read A-bit
 * elements, padded with the element 0 (the model format's padValue for integer inputs); else −1.
 */
export function geometry(ops: ArchOp[], h: number, w: number, c: number, fixed: boolean, multiBit = false): Geo[] {
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
      const g: Geo = { conv: true, inH: H, inW: W, inC: C, k: o.k, s: o.s, p: o.p, padValue: geos.length === 0 ? (fixed ? 0 : -1) : multiBit ? 0 : -1, outH, outW, n: o.k * o.k * C, m: o.out, P: outH * outW, pool, poolH: pool ? Math.floor(outH / pool) : outH, poolW: pool ? Math.floor(outW / pool) : outW, hidden };
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
