import type { Beat } from './block.js';

/**
 * Beats of 1-bit channels travel packed, as the RTL's tdata does: element e is bit e & 31 of word
 * e >> 5. Most of a binarized network's channels are 1-bit, and a 32-element beat is then one
 * word to copy, hold in a window ring or a FIFO, and write into an engine's input vector, instead
 * of 32 elements (the event engine spent about a third of a CNV run moving elements). Wider
 * channels keep one element per entry. Results (RunResult) are elements either way: the engines
 * unpack what they record.
 */
export const isPacked = (ch: { elemBits: number }): boolean => ch.elemBits === 1;

/** Entries of a beat of `elems` elements on channel `ch`. */
export const beatLength = (ch: { elems: number; elemBits: number }): number => (isPacked(ch) ? wordsFor(ch.elems) : ch.elems);

export const wordsFor = (bits: number): number => (bits + 31) >>> 5;

/** Elements 0/1 (only bit 0 of each is read) as packed words. */
export function packBits(elements: Int32Array, out: Int32Array = new Int32Array(wordsFor(elements.length))): Int32Array {
  const n = elements.length;
  // a word at a time, in a local (a read-modify-write of the array per element costs twice as much)
  for (let w = 0, e = 0; e < n; w++) {
    let bits = 0;
    for (let i = 0, end = Math.min(n, e + 32); e < end; e++, i++) bits |= (elements[e]! & 1) << i;
    out[w] = bits;
  }
  return out;
}

/** The first `elems` elements of packed words. */
export function unpackBits(words: ArrayLike<number>, elems: number, out: Int32Array = new Int32Array(elems)): Int32Array {
  for (let e = 0; e < elems; e++) out[e] = (words[e >>> 5]! >>> (e & 31)) & 1;
  return out;
}

/** A copy of a beat on channel `ch`, as elements (what a run records). */
export function beatElements(ch: { elems: number; elemBits: number }, beat: Beat): Int32Array {
  return isPacked(ch) ? unpackBits(beat, ch.elems) : Int32Array.from(beat);
}

/** Bits [at, at + n) of `dst` = bits [0, n) of `src` (the rest of dst unchanged). */
export function writeBits(dst: Int32Array | Uint32Array, at: number, src: ArrayLike<number>, n: number): void {
  const lo = at & 31;
  let w = at >>> 5;
  if (lo === 0) {
    // word-aligned (an engine's SIMD of 32, a FIFO slot): whole words, then the tail
    const full = n >>> 5;
    for (let i = 0; i < full; i++) dst[w + i] = src[i]!;
    const r = n & 31;
    if (r) {
      const m = (1 << r) - 1;
      dst[w + full] = (dst[w + full]! & ~m) | (src[full]! & m);
    }
    return;
  }
  for (let s = 0; s < n; ) {
    // a piece that fits in the rest of word w
    const off = (at + s) & 31;
    const take = Math.min(32 - off, n - s);
    const bits = readWord(src, s, take);
    const m = (take === 32 ? -1 : (1 << take) - 1) << off;
    dst[w] = (dst[w]! & ~m) | ((bits << off) & m);
    s += take;
    w++;
  }
}

/** Bits [at, at + take) of `src` (take <= 32) as the low bits of a word. */
function readWord(src: ArrayLike<number>, at: number, take: number): number {
  const w = at >>> 5;
  const off = at & 31;
  let v = src[w]! >>> off;
  if (off !== 0 && off + take > 32) v |= src[w + 1]! << (32 - off);
  return take === 32 ? v | 0 : v & ((1 << take) - 1);
}
