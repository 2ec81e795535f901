import { batchNormFires, batchNormValue } from '../model/batchnorm.js';
import { popcount32, wordsFor, xnorPopcount } from '../model/bits.js';
import { quantCode } from '../model/elements.js';
import type { Activation, ActivationQuant, DenseLayer } from '../model/types.js';

/**
 * A dense layer's input vector of n elements, bit-packed, as the trainer's fast evaluators keep
 * it: `binary` — one bit b per element standing for 2b − 1 (the XNOR-popcount form); otherwise
 * A-bit elements u = bias + code, the codes (0 … levels − 1) stored as `planes` bit planes of
 * `words` words each (plane p holds bit p of every code). A vector lives at an offset of a
 * caller's Uint32Array (`stride` words per vector), so thousands of them share one buffer.
 */
export interface PackedLayout {
  n: number;
  binary: boolean;
  words: number;
  planes: number;
  bias: number;
  /** The real value of element 1 (the BatchNorm reads dot = scale·Σ w·u); 1 for bits. */
  scale: number;
  stride: number;
}

/** The layout of a layer input after an activation with quantizer q (absent: one bit). */
export function packedLayout(n: number, q: ActivationQuant | undefined): PackedLayout {
  const words = wordsFor(n);
  if (!q) return { n, binary: true, words, planes: 1, bias: 0, scale: 1, stride: words };
  const planes = Math.ceil(Math.log2(q.levels));
  return { n, binary: false, words, planes, bias: q.outBias, scale: q.outScale, stride: planes * words };
}

/** Σ_i (row bit ? 1 : −1) over the weights of a row: 2·popcount(row) − n, per neuron. */
export function rowSums(layer: DenseLayer): Int32Array {
  return Int32Array.from(layer.weights, (row) => {
    let p = 0;
    for (let w = 0; w < row.length; w++) p += popcount32(row[w]!);
    return 2 * p - layer.inputs;
  });
}

/**
 * The exact integer sums s_j = Σ_i w_ij·x_i of a dense layer (w = ±1) over the packed vector at
 * `data[off …]`: for bits 2·XNOR-popcount − n (x = ±1); for A-bit elements, with
 * Σ_i w_i·c_i = 2·popcount(row ∧ c) − popcount(c) for a 0/1 plane c,
 * s = bias·Σ_i w_i + Σ_p 2^p·(2·popcount(row ∧ plane_p) − popcount(plane_p)). Row bits beyond n
 * are 0 (the format and signRows guarantee it), as are a plane's, so whole words are counted.
 */
export function integerSums(layer: DenseLayer, rowSum: Int32Array, x: PackedLayout, data: Uint32Array, off: number, out: Int32Array): void {
  const n = layer.inputs;
  if (x.binary) {
    const v = data.subarray(off, off + x.words);
    for (let j = 0; j < layer.outputs; j++) out[j] = 2 * xnorPopcount(layer.weights[j]!, v, n) - n;
    return;
  }
  const { words, planes, bias } = x;
  const planePop = new Int32Array(planes);
  for (let p = 0; p < planes; p++) {
    let c = 0;
    for (let w = 0; w < words; w++) c += popcount32(data[off + p * words + w]!);
    planePop[p] = c;
  }
  for (let j = 0; j < layer.outputs; j++) {
    const row = layer.weights[j]!;
    let s = bias * rowSum[j]!;
    for (let p = 0; p < planes; p++) {
      const po = off + p * words;
      let a = 0;
      for (let w = 0; w < words; w++) a += popcount32(row[w]! & data[po + w]!);
      s += (2 * a - planePop[p]!) << p;
    }
    out[j] = s;
  }
}

/** What a sum s was formed over: n elements, bits (±1) or integers u of real value scale·u. */
export type SumDomain = Pick<PackedLayout, 'n' | 'binary' | 'scale'>;

/**
 * The output element of neuron j for the integer sum s, as the float reference computes it: the
 * BatchNorm reads dot = scale·s (scale 1 for bits), integer thresholds read the accumulator
 * (popcount (s + n)/2 after bits, s after integers). Returns the bit (0/1) of a one-bit
 * activation, the code (0 … levels − 1, the element being outBias + code) of a multi-bit one.
 */
export function outputCode(a: Exclude<Activation, { kind: 'none' }>, j: number, s: number, x: SumDomain): number {
  const acc = x.binary ? (s + x.n) / 2 : s;
  switch (a.kind) {
    case 'batchnorm':
      if (a.quant) return quantCode(a.quant, batchNormValue(a, j, x.scale * s));
      return batchNormFires(a, j, x.scale * s) ? 1 : 0;
    case 'threshold':
      return (a.direction[j] === 'ge' ? acc >= a.thresholds[j]! : acc <= a.thresholds[j]!) ? 1 : 0;
    case 'multithreshold': {
      let code = 0;
      for (const t of a.thresholds[j]!) if (a.direction[j] === 'ge' ? acc >= t : acc <= t) code++;
      return code;
    }
  }
}

/** Write element j's bit or code into the packed vector at `data[off …]` (zeroed by the caller). */
export function writeCode(x: PackedLayout, data: Uint32Array, off: number, j: number, code: number): void {
  const w = j >>> 5;
  const bit = 1 << (j & 31);
  for (let p = 0; p < x.planes; p++) if ((code >>> p) & 1) data[off + p * x.words + w]! |= bit;
}
