import { getBit, wordsFor } from '../model/bits.js';
import { encodeWord, hexDigit, wordBits, type MemoryImage } from './memory-image.js';

/**
 * The memory layouts of `rtl-templates/mvtu.v`, written by the block and read back by its twin
 * (sim/mvtu.ts) through the same code, so the two cannot drift apart.
 *
 * Weights: address nf·SF + sf holds PE·SIMD bits, bit p·SIMD + s = weight of neuron nf·PE + p on
 * input sf·SIMD + s.
 *
 * Thresholds: address nf holds PE lanes of TL = T·T_W + 1 bits (T = N_THRESH thresholds per
 * neuron, 1 for a one-bit layer), lane p for neuron j = nf·PE + p at bits [p·TL, (p+1)·TL):
 * threshold k (k = 0..T−1) in bits p·TL + k·T_W .. p·TL + (k+1)·T_W − 1 (two's complement for
 * fixed-point or multi-bit inputs), the inverting bit at p·TL + T·T_W. The engine computes
 * n = #{k : acc >= t_k} and the code n (invert 0) or T − n (invert 1). A `ge` neuron stores its
 * thresholds as they are; an `le` neuron (code = #{k : acc <= t_k}) stores t_k + 1 with the
 * inverting bit, since #{acc <= t} = T − #{acc >= t + 1}: one comparator per threshold and no
 * second compare direction. With T = 1 this is the one-bit layout (T_W threshold bits, the
 * inverting bit on top), bit for bit.
 */
export interface MvtuShape {
  MW: number;
  MH: number;
  PE: number;
  SIMD: number;
}

/** `rows[j]`: neuron j's MW weights, packed LSB-first into 32-bit words. */
export function weightImage(file: string, rows: Uint32Array[], s: MvtuShape): MemoryImage {
  const SF = s.MW / s.SIMD;
  const NF = s.MH / s.PE;
  const words: string[] = [];
  for (let nf = 0; nf < NF; nf++)
    for (let sf = 0; sf < SF; sf++) words.push(encodeWord((i) => getBit(rows[nf * s.PE + Math.floor(i / s.SIMD)]!, sf * s.SIMD + (i % s.SIMD)), s.PE * s.SIMD));
  return { file, width: s.PE * s.SIMD, depth: NF * SF, words };
}

export function decodeWeightRows(img: MemoryImage, s: MvtuShape): Uint32Array[] {
  const { PE, SIMD } = s;
  const SF = s.MW / SIMD;
  const width = PE * SIMD;
  const rows = Array.from({ length: s.MH }, () => new Uint32Array(wordsFor(s.MW)));
  // digit by digit (least significant first): the twins decode every run, so this is on the
  // simulator's path and stays free of per-bit calls and substrings
  const words = img.words;
  for (let addr = 0; addr < words.length; addr++) {
    const word = words[addr]!;
    const nf = Math.floor(addr / SF);
    const col0 = (addr % SF) * SIMD;
    let row = rows[nf * PE]!;
    let p = 0;
    let k = 0;
    for (let i = 0; i < width; i += 4) {
      const d = word.length - 1 - (i >>> 2);
      const nib = d >= 0 ? hexDigit(word.charCodeAt(d)) : 0;
      const m = width - i < 4 ? width - i : 4;
      for (let b = 0; b < m; b++) {
        if ((nib >>> b) & 1) {
          const col = col0 + k;
          row[col >>> 5]! |= 1 << (col & 31);
        }
        if (++k === SIMD) {
          k = 0;
          if (++p < PE) row = rows[nf * PE + p]!;
        }
      }
    }
  }
  return rows;
}

/**
 * Per neuron j: `count` thresholds value[j·count + k] (one-bit layers: count 1), compared
 * `acc >= t` (`ge`) or `acc <= t` (`le`).
 */
export interface NeuronThresholds {
  value: ArrayLike<number>;
  direction: ArrayLike<'ge' | 'le'>;
  /** Thresholds per neuron (absent: 1). */
  count?: number;
}

/** Bits of one PE lane of the threshold memory: `count` thresholds of tW bits and the inverting bit. */
export function thresholdLaneBits(tW: number, count = 1): number {
  return count * tW + 1;
}

export function thresholdImage(file: string, th: NeuronThresholds, pe: number, nf: number, tW: number): MemoryImage {
  const count = th.count ?? 1;
  const lane = thresholdLaneBits(tW, count);
  const words: string[] = [];
  for (let f = 0; f < nf; f++) {
    words.push(
      encodeWord((i) => {
        const j = f * pe + Math.floor(i / lane);
        const bit = i % lane;
        // 'le t' is stored as 'not (>= t+1)': one comparator per threshold and an inverting bit per neuron.
        const le = th.direction[j] === 'le';
        if (bit === count * tW) return le ? 1 : 0;
        const v = th.value[j * count + Math.floor(bit / tW)]!;
        const t = le ? v + 1 : v;
        return (t >>> bit % tW) & 1;
      }, pe * lane),
    );
  }
  return { file, width: pe * lane, depth: nf, words };
}

/**
 * The stored form, for neuron j = nf·PE + p: thresh[j·count + k] and invert[j]; the element's
 * code is n or count − n (invert) with n = #{k : acc >= thresh[j·count + k]}.
 */
export function decodeThresholds(img: MemoryImage, pe: number, tW: number, signed: boolean, count = 1): { thresh: Int32Array; invert: Uint8Array } {
  const lane = thresholdLaneBits(tW, count);
  const thresh = new Int32Array(img.depth * pe * count);
  const invert = new Uint8Array(img.depth * pe);
  img.words.forEach((word, nf) => {
    const bits = wordBits(word);
    const bit = (i: number) => (bits[i >>> 5]! >>> (i & 31)) & 1;
    for (let p = 0; p < pe; p++) {
      const j = nf * pe + p;
      for (let k = 0; k < count; k++) {
        let t = 0;
        for (let b = 0; b < tW; b++) t |= bit(p * lane + k * tW + b) << b;
        // Fixed-point thresholds are two's complement in T_W bits.
        if (signed && (t >>> (tW - 1)) & 1) t -= 2 ** tW;
        thresh[j * count + k] = t;
      }
      invert[j] = bit(p * lane + count * tW);
    }
  });
  return { thresh, invert };
}
