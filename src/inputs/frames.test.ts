import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signed200Model } from '../../hw-tests/edge-cases.js';
import { simulate } from '../../sim/simulate.js';
import { compile } from '../compiler/compile.js';
import { integerForward } from '../compiler/integer-reference.js';
import { floatForward } from '../model/float-reference.js';
import { encodeNpy, type NpyDtype } from '../npy/read-npy.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { npyFrames, npyLabels, randomFrames, selectFrames } from './frames.js';

const dir = mkdtempSync(join(tmpdir(), 'bnn-frames-'));
const npy = (name: string, dtype: NpyDtype, shape: number[], values: number[]) => {
  const f = join(dir, name);
  writeFileSync(f, encodeNpy(dtype, shape, values));
  return f;
};

describe('raw inputs of a signed fixed-point model (two\'s complement in rawBits)', () => {
  const m = signed200Model();

  it('reads uint arrays as the bit pattern and int/float arrays as the values', () => {
    expect(npyFrames(m, npy('u8.npy', 'uint8', [1, 4], [200, 128, 127, 255]))).toEqual([[-56, -128, 127, -1]]);
    expect(npyFrames(m, npy('u16.npy', 'uint16', [1, 4], [200, 0, 1, 255]))).toEqual([[-56, 0, 1, -1]]);
    expect(npyFrames(m, npy('i8.npy', 'int8', [1, 4], [-128, -1, 0, 127]))).toEqual([[-128, -1, 0, 127]]);
    expect(npyFrames(m, npy('i32.npy', 'int32', [1, 4], [-56, 0, 0, 0]))).toEqual([[-56, 0, 0, 0]]);
    expect(npyFrames(m, npy('f4.npy', 'float32', [1, 4], [-128, 3, 0, 127]))).toEqual([[-128, 3, 0, 127]]);
  });

  it('rejects values outside the range for the dtype, naming frame, element and range', () => {
    let e = bnnErrorOf(() => npyFrames(m, npy('i16.npy', 'int16', [1, 4], [0, 200, 0, 0])));
    expect(e.detail).toMatchObject({ code: 'INPUT_INVALID', field: 'frame 0, element 1', expected: 'a whole number in [-128, 127]', got: '200' });
    e = bnnErrorOf(() => npyFrames(m, npy('u8big.npy', 'uint16', [1, 4], [0, 0, 256, 0])));
    expect(e.detail.expected).toMatch(/\[0, 255\].*two's complement/);
    // an unsigned-input model takes no negative values, whatever the dtype
    const unsigned = { input: { ...m.input, encoding: { kind: 'fixed' as const, signed: false } } };
    e = bnnErrorOf(() => npyFrames(unsigned, npy('neg.npy', 'int8', [1, 4], [0, -1, 0, 0])));
    expect(e.detail.expected).toBe('a whole number in [0, 255]');
  });

  it('every view computes with −56 for the pattern 200; a frame holding 200 itself is rejected, not reinterpreted', () => {
    const c = compile(m);
    const x = [-56, 0, 0, 0];
    expect(integerForward(c.integer, x).prediction).toBe(1);
    expect(floatForward(m, x).prediction).toBe(1);
    expect(simulate(c.plan, [x, [0, 0, 0, 0]]).report.predictions).toEqual([1, 0]);
    const e = bnnErrorOf(() => simulate(c.plan, [[200, 0, 0, 0]]));
    expect(e.detail).toMatchObject({ code: 'INPUT_INVALID', field: 'frame 0, element 0', expected: 'a whole number in [-128, 127]' });
  });

  it('draws random frames over the signed range', () => {
    const v = randomFrames(m, 50, 1).flat();
    expect(Math.min(...v)).toBeLessThan(-100);
    expect(Math.max(...v)).toBeGreaterThan(100);
    expect(v.every((x) => x >= -128 && x <= 127)).toBe(true);
  });
});

describe('--labels beside --inputs', () => {
  const m = signed200Model();
  it('reads one class per frame and goes with --inputs only', () => {
    const inputs = npy('x.npy', 'int8', [2, 4], [0, 0, 0, 0, -56, 0, 0, 0]);
    const set = selectFrames(m, { inputs, labels: npy('y.npy', 'int64', [2], [0, 1]), frames: 1, seed: 1 });
    expect(set.labels).toEqual([0, 1]);
    expect(npyLabels(npy('y2.npy', 'uint8', [2, 1], [3, 4]), 2)).toEqual([3, 4]);
    expect(bnnErrorOf(() => npyLabels(npy('y3.npy', 'uint8', [3], [0, 1, 2]), 2)).detail).toMatchObject({ field: 'shape', expected: '[2] (one label per input frame)' });
    expect(bnnErrorOf(() => npyLabels(npy('y4.npy', 'float32', [2], [0, 1.5]), 2)).detail.field).toBe('labels[1]');
    expect(bnnErrorOf(() => selectFrames(m, { labels: 'y.npy', frames: 1, seed: 1 })).detail.field).toBe('--labels');
  });
});
