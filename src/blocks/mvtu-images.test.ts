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
});
