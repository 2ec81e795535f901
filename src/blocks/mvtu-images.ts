import { getBit, wordsFor } from '../model/bits.js';
import { encodeWord, wordBit, wordBits, type MemoryImage } from './memory-image.js';

/**
 * The memory layouts of `rtl-templates/mvtu.v`, written by the block and read back by its twin
 * (sim/mvtu.ts) through the same code, so the two cannot drift apart.
 *
 * Weights: address nf·SF + sf holds PE·SIMD bits, bit p·SIMD + s = weight of neuron nf·PE + p on
 * input sf·SIMD + s. Thresholds: address nf holds PE lanes of T_W + 1 bits, the threshold in the
 * low T_W bits (two's complement for fixed-point inputs) and the inverting bit on top.
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
  const SF = s.MW / s.SIMD;
  const rows = Array.from({ length: s.MH }, () => new Uint32Array(wordsFor(s.MW)));
  img.words.forEach((word, addr) => {
    const nf = Math.floor(addr / SF);
    const sf = addr % SF;
    const bits = wordBits(word);
    for (let p = 0; p < s.PE; p++) {
      const row = rows[nf * s.PE + p]!;
      for (let k = 0; k < s.SIMD; k++) {
        const i = p * s.SIMD + k;
        if ((bits[i >>> 5]! >>> (i & 31)) & 1) {
          const col = sf * s.SIMD + k;
          row[col >>> 5]! |= 1 << (col & 31);
        }
      }
    }
  });
  return rows;
}

/** Per neuron: output 1 when acc >= t (`ge`) or acc <= t (`le`). */
export interface NeuronThresholds {
  value: ArrayLike<number>;
  direction: ArrayLike<'ge' | 'le'>;
}

export function thresholdImage(file: string, th: NeuronThresholds, pe: number, nf: number, tW: number): MemoryImage {
  const lane = tW + 1;
  const words: string[] = [];
  for (let f = 0; f < nf; f++) {
    words.push(
      encodeWord((i) => {
        const j = f * pe + Math.floor(i / lane);
        const bit = i % lane;
        // 'le T' is stored as 'not (>= T+1)': one comparator and an inverting bit per neuron.
        const le = th.direction[j] === 'le';
        if (bit === tW) return le ? 1 : 0;
        const t = le ? th.value[j]! + 1 : th.value[j]!;
        return (t >>> bit) & 1;
      }, pe * lane),
    );
  }
  return { file, width: pe * lane, depth: nf, words };
}

/** The stored form: output = (acc >= thresh[j]) XOR invert[j]. */
export function decodeThresholds(img: MemoryImage, pe: number, tW: number, signed: boolean): { thresh: Int32Array; invert: Uint8Array } {
  const lane = tW + 1;
  const thresh = new Int32Array(img.depth * pe);
  const invert = new Uint8Array(img.depth * pe);
  img.words.forEach((word, nf) => {
    for (let p = 0; p < pe; p++) {
      let t = 0;
      for (let b = 0; b < tW; b++) t |= wordBit(word, p * lane + b) << b;
      // Fixed-point thresholds are two's complement in T_W bits.
      if (signed && (t >>> (tW - 1)) & 1) t -= 2 ** tW;
      thresh[nf * pe + p] = t;
      invert[nf * pe + p] = wordBit(word, p * lane + tW);
    }
  });
  return { thresh, invert };
}
