import { describe, expect, it } from 'vitest';
import { Prng } from '../src/util/prng.js';
import { MvtuKernel } from './mvtu-kernel.js';

/** Rows of MW random bits, packed LSB first into 32-bit words (zeros past MW), as decodeWeightRows gives. */
function randomRows(rng: Prng, n: number, mw: number): { rows: Uint32Array[]; bits: number[][] } {
  const bits = Array.from({ length: n }, () => Array.from({ length: mw }, () => rng.int(2)));
  const rows = bits.map((b) => {
    const r = new Uint32Array(2 * Math.ceil(mw / 64));
    b.forEach((x, i) => (r[i >>> 5]! |= x << (i & 31)));
    return r;
  });
  return { rows, bits };
}

describe('MvtuKernel', () => {
  const rng = new Prng(11);
  it('counts mismatches, thresholds, and sums signed products as a plain loop does, for any MW and row range', () => {
    for (let trial = 0; trial < 60; trial++) {
      const mw = 1 + rng.int(300);
      const n = 1 + rng.int(12);
      const { rows, bits } = randomRows(rng, n, mw);
      const x = Array.from({ length: mw }, () => rng.int(2));
      const packed = new Uint32Array(2 * Math.ceil(mw / 64));
      x.forEach((b, i) => (packed[i >>> 5]! |= b << (i & 31)));
      const first = rng.int(n);
      const count = 1 + rng.int(n - first);
      const mism = bits.map((row) => row.reduce((a, w, i) => a + (w !== x[i] ? 1 : 0), 0));

      const xnor = new MvtuKernel(rows, mw, n);
      expect([...xnor.run(first, count, {}, 0, packed).subarray(0, count)]).toEqual(mism.slice(first, first + count));

      const t = bits.map(() => rng.int(mw + 2) - 1);
      const inv = bits.map(() => rng.int(2));
      const limits = Int32Array.from(t.flatMap((tj, j) => [mw - tj, inv[j]!]));
      const thr = new MvtuKernel(rows, mw, n, { limits });
      const elems = mism.map((m, j) => ((mw - m >= t[j]! ? 1 : 0) ^ inv[j]!));
      expect([...thr.run(first, count, {}, 0, packed).subarray(0, count)]).toEqual(elems.slice(first, first + count));

      const signs = Int32Array.from(bits.flat().map((b) => (b ? 1 : -1)));
      const raw = Int32Array.from({ length: mw }, () => rng.int(512) - 256);
      const sums = bits.map((row) => row.reduce((a, w, i) => a + (w ? 1 : -1) * raw[i]!, 0));
      for (const noSimd of [false, true]) {
        const dot = new MvtuKernel(rows, mw, n, { signs, noSimd });
        expect([...dot.run(first, count, {}, 0, raw).subarray(0, count)], `MW ${mw}, noSimd ${noSimd}`).toEqual(sums.slice(first, first + count));
      }
    }
  });

  it('copies a vector in again when its holder changed it (version) or another holder runs', () => {
    const { rows } = randomRows(rng, 2, 40);
    const k = new MvtuKernel(rows, 40, 2);
    const a = {};
    const v = new Uint32Array(2);
    const before = k.run(0, 1, a, 0, v)[0];
    v[0] = ~rows[0]![0]!;
    v[1] = ~rows[0]![1]! & 0xff;
    expect(k.run(0, 1, a, 0, v)[0], 'same holder, same version: the stale copy').toBe(before);
    expect(k.run(0, 1, a, 1, v)[0], 'a new version: every bit differs').toBe(40);
    expect(k.run(0, 1, {}, 1, new Uint32Array(2))[0], 'another holder').toBe(before);
  });
});
