import { describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import { decodeThresholds, decodeWeightRows, thresholdImage, weightImage } from './mvtu-images.js';

describe('MVTU memory images', () => {
  it('weights round-trip for every fold of a 12 × 6 matrix', () => {
    const rng = new Prng(3);
    const MW = 12;
    const MH = 6;
    const rows = Array.from({ length: MH }, () => Uint32Array.of(rng.int(2 ** MW)));
    for (const PE of [1, 2, 3, 6])
      for (const SIMD of [1, 3, 4, 12]) {
        const img = weightImage('w.mem', rows, { MW, MH, PE, SIMD });
        expect([img.width, img.depth, img.words.length]).toEqual([PE * SIMD, (MW / SIMD) * (MH / PE), img.depth]);
        expect(decodeWeightRows(img, { MW, MH, PE, SIMD })).toEqual(rows);
      }
  });

  it("thresholds round-trip as the stored form: 'le t' becomes 'not (>= t + 1)'", () => {
    const value = Int32Array.of(-5, 0, 7, -1, 3, 2);
    const direction = ['ge', 'le', 'ge', 'le', 'le', 'ge'] as const;
    const tW = 5;
    for (const pe of [1, 2, 3, 6]) {
      const img = thresholdImage('t.mem', { value, direction }, pe, 6 / pe, tW);
      const { thresh, invert } = decodeThresholds(img, pe, tW, true);
      expect(Array.from(thresh)).toEqual(Array.from(value, (v, j) => (direction[j] === 'le' ? v + 1 : v)));
      expect(Array.from(invert)).toEqual(direction.map((d) => (d === 'le' ? 1 : 0)));
    }
  });

  it('multi-threshold lanes round-trip: T thresholds of T_W bits, then the inverting bit', () => {
    const rng = new Prng(9);
    const count = 3;
    const tW = 6;
    const direction = ['ge', 'le', 'le', 'ge', 'ge', 'le'] as const;
    const value = Int32Array.from({ length: 6 * count }, () => rng.int(50) - 25);
    for (const pe of [1, 2, 3, 6]) {
      const img = thresholdImage('t.mem', { value, direction, count }, pe, 6 / pe, tW);
      expect(img.width).toBe(pe * (count * tW + 1));
      const { thresh, invert } = decodeThresholds(img, pe, tW, true, count);
      expect(Array.from(thresh)).toEqual(Array.from(value, (v, i) => (direction[Math.floor(i / count)] === 'le' ? v + 1 : v)));
      expect(Array.from(invert)).toEqual(direction.map((d) => (d === 'le' ? 1 : 0)));
    }
  });

  it('places threshold k of lane p at bit p·TL + k·T_W and the inverting bit at p·TL + T·T_W (the layout mvtu.v slices)', () => {
    // Two neurons in one word (PE = 2), T = 2, T_W = 4: TL = 9, lane 1 starts at bit 9.
    const img = thresholdImage('t.mem', { value: Int32Array.of(1, 2, 5, 3), direction: ['ge', 'le'], count: 2 }, 2, 1, 4);
    // lane 0: t0 = 1 (bits 0..3), t1 = 2 (bits 4..7), invert 0 (bit 8); lane 1 ('le', stored + 1): 6 (bits 9..12), 4 (bits 13..16), invert 1 (bit 17).
    const want = 1 | (2 << 4) | (6 << 9) | (4 << 13) | (1 << 17);
    expect(img.words).toEqual([want.toString(16).padStart(5, '0')]);
  });
});
