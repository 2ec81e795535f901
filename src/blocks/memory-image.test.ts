import { describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import { decodeElems, encodeElems, encodeWord, wordBit, wordBits } from './memory-image.js';

describe('memory-image codec', () => {
  it('encodes a word MSB digit first, ceil(width/4) digits, bits beyond width dropped', () => {
    expect(encodeWord((i) => (i === 0 || i === 5 ? 1 : 0), 6)).toBe('21');
    expect(encodeWord(() => 1, 6)).toBe('3f');
    expect(encodeWord(() => 0, 9)).toBe('000');
  });

  it('round-trips words of any width through wordBit and wordBits', () => {
    const rng = new Prng(5);
    for (const width of [1, 3, 4, 7, 31, 32, 33, 64, 100]) {
      const bits = Array.from({ length: width }, () => rng.int(2));
      const w = encodeWord((i) => bits[i]!, width);
      expect(w.length).toBe(Math.ceil(width / 4));
      expect(Array.from({ length: width }, (_, i) => wordBit(w, i))).toEqual(bits);
      const packed = wordBits(w);
      expect(Array.from({ length: width }, (_, i) => (packed[i >>> 5]! >>> (i & 31)) & 1)).toEqual(bits);
    }
  });

  it('round-trips beats of signed and unsigned elements', () => {
    const rng = new Prng(9);
    for (const [elems, bits, signed] of [[1, 1, false], [8, 1, false], [4, 5, true], [3, 12, false], [2, 20, true]] as const) {
      const lo = signed ? -(2 ** (bits - 1)) : 0;
      const v = Array.from({ length: elems }, () => lo + rng.int(2 ** bits));
      const width = 8 * Math.ceil((elems * bits) / 8);
      const hex = encodeElems(v, bits, width);
      expect(hex.length).toBe(width / 4);
      expect(Array.from(decodeElems(hex, elems, bits, signed)!)).toEqual(v);
    }
  });

  it('gives no beat for a word a simulator printed with x or z', () => {
    expect(decodeElems('0x1', 1, 8, false)).toBeUndefined();
    expect(decodeElems('zz', 1, 8, false)).toBeUndefined();
  });
});
