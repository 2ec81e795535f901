import { wordsFor } from '../model/bits.js';

/**
 * The one hex codec of the project: memory images read by `$readmemh`, the testbench's stimulus
 * and expected beats, and the beats a simulator prints back. A word is ceil(width/4) hex digits,
 * most significant first; bit i of the word is bit i of the value.
 */
export interface MemoryImage {
  /** File name under mem/ (legal: derived from the legalized block name). */
  file: string;
  width: number;
  depth: number;
  /** One hex word per address, ceil(width/4) digits, MSB first (as $readmemh reads). */
  words: string[];
}

/** The word whose bit i is bitAt(i), for i < width. */
export function encodeWord(bitAt: (i: number) => number, width: number): string {
  let s = '';
  for (let d = Math.ceil(width / 4) - 1; d >= 0; d--) {
    let nib = 0;
    for (let k = 0; k < 4; k++) {
      const i = d * 4 + k;
      if (i < width && bitAt(i)) nib |= 1 << k;
    }
    s += nib.toString(16);
  }
  return s;
}

/** The value of a hex digit's character code (0-9, a-f, A-F). */
export function hexDigit(code: number): number {
  return code <= 57 ? code - 48 : (code | 32) - 87;
}

/** Bit i of a word. */
export function wordBit(word: string, i: number): number {
  const d = word.length - 1 - (i >>> 2);
  return d < 0 ? 0 : (parseInt(word[d]!, 16) >>> (i & 3)) & 1;
}

/** A word as packed bits, 32 per element (8 digits each). */
export function wordBits(word: string): Uint32Array {
  const out = new Uint32Array(wordsFor(word.length * 4));
  for (let w = 0; w < out.length; w++) {
    const end = word.length - 8 * w;
    out[w] = parseInt(word.slice(Math.max(0, end - 8), end), 16) >>> 0;
  }
  return out;
}

/** A beat's elements packed LSB-first, elemBits each (two's complement kept to elemBits), as a word of `width` bits. */
export function encodeElems(elems: ArrayLike<number>, elemBits: number, width: number): string {
  let v = 0n;
  for (let e = elems.length - 1; e >= 0; e--) v = (v << BigInt(elemBits)) | BigInt(elems[e]! & (2 ** elemBits - 1));
  return v.toString(16).padStart(Math.ceil(width / 4), '0');
}

/**
 * A beat's elements from its word (LSB first, `bits` each, two's complement when signed);
 * undefined when the word is not plain hex (a simulator printed x or z).
 */
export function decodeElems(hex: string, elems: number, bits: number, signed: boolean): Int32Array | undefined {
  if (!/^[0-9a-f]+$/i.test(hex)) return undefined;
  let v = BigInt('0x' + hex);
  const mask = (1n << BigInt(bits)) - 1n;
  const out = new Int32Array(elems);
  for (let e = 0; e < elems; e++) {
    let x = Number(v & mask);
    if (signed && x >= 2 ** (bits - 1)) x -= 2 ** bits;
    out[e] = x;
    v >>= BigInt(bits);
  }
  return out;
}
