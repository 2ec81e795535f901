import { describe, expect, it } from 'vitest';
import { Prng } from '../src/util/prng.js';
import { beatElements, beatLength, isPacked, packBits, unpackBits, writeBits } from './bits.js';

const randomBits = (rng: Prng, n: number) => Int32Array.from({ length: n }, () => rng.int(2));

describe('packed beats', () => {
  it('only 1-bit channels are packed, one word per 32 elements', () => {
    expect(isPacked({ elemBits: 1 })).toBe(true);
    expect(isPacked({ elemBits: 2 })).toBe(false);
    expect([1, 31, 32, 33, 64, 65].map((elems) => beatLength({ elems, elemBits: 1 }))).toEqual([1, 1, 1, 2, 2, 3]);
    expect(beatLength({ elems: 28, elemBits: 8 })).toBe(28);
  });

  it('element e is bit e & 31 of word e >> 5, as tdata carries it', () => {
    const e = new Int32Array(40);
    e[0] = 1;
    e[31] = 1;
    e[33] = 1;
    expect(Array.from(packBits(e))).toEqual([(1 | (1 << 31)) | 0, 2]);
  });

  it('unpack(pack(x)) = x for every length up to 100, and wide channels are copied as they are', () => {
    const rng = new Prng(3);
    for (let n = 1; n <= 100; n++) {
      const x = randomBits(rng, n);
      expect(Array.from(unpackBits(packBits(x), n))).toEqual(Array.from(x));
      expect(Array.from(beatElements({ elems: n, elemBits: 1 }, packBits(x)))).toEqual(Array.from(x));
    }
    const wide = Int32Array.of(-3, 7, 200);
    const copy = beatElements({ elems: 3, elemBits: 9 }, wide);
    expect(Array.from(copy)).toEqual([-3, 7, 200]);
    expect(copy).not.toBe(wide);
  });

  it('writeBits sets exactly bits [at, at + n) of the destination, at any offset and length', () => {
    const rng = new Prng(11);
    for (let t = 0; t < 2000; t++) {
      const total = 1 + rng.int(200);
      const at = rng.int(total);
      const n = 1 + rng.int(total - at);
      const before = randomBits(rng, total);
      const src = randomBits(rng, n);
      const dst = packBits(before);
      writeBits(dst, at, packBits(src), n);
      const want = Int32Array.from(before);
      want.set(src, at);
      expect(Array.from(unpackBits(dst, total))).toEqual(Array.from(want));
    }
  });
});
