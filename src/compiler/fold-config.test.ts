import { describe, expect, it } from 'vitest';
import { BnnError } from '../errors.js';
import { randomModel } from '../model/random-model.js';
import { defaultFolding, parseFoldConfig } from './fold-config.js';
import { foldThresholds } from './fold-thresholds.js';
import { mvtuCycles } from '../blocks/mvtu.js';
import { compile } from './compile.js';
import { engineLayer } from '../testing/layers.js';

const im = foldThresholds(randomModel({ name: 'm', arch: [784, 256, 256, 256, 10], seed: 1 }));

function foldError(text: string): BnnError {
  try {
    parseFoldConfig(text, 'fold.yaml', im);
  } catch (e) {
    if (e instanceof BnnError) return e;
    throw e;
  }
  throw new Error('expected rejection');
}

describe('folding config', () => {
  it('reads a list in layer order and a mapping by layer name', () => {
    const list = parseFoldConfig('layers:\n  - {pe: 16, simd: 49}\n  - {pe: 8, simd: 16}\n  - {pe: 8, simd: 16}\n  - {pe: 10, simd: 8}\n', 'f', im);
    const map = parseFoldConfig('layers:\n  fc3: {pe: 10, simd: 8}\n  fc0: {pe: 16, simd: 49}\n  fc1: {pe: 8, simd: 16}\n  fc2: {pe: 8, simd: 16}\nfifoDepth: 64\n', 'f', im);
    expect(list.layers).toEqual(map.layers);
    expect(map.fifoDepth).toBe(64);
  });

  it('reads `output: scores` (the top streams the last layer\'s scores) and rejects other values', () => {
    const layers = 'layers:\n  - {pe: 16, simd: 49}\n  - {pe: 8, simd: 16}\n  - {pe: 8, simd: 16}\n  - {pe: 10, simd: 8}\n';
    const f = parseFoldConfig(layers + 'output: scores\n', 'f', im);
    expect(f.output).toBe('scores');
    expect(parseFoldConfig(layers, 'f', im).output).toBeUndefined();
    expect(foldError(layers + 'output: bits\n').detail).toMatchObject({ field: 'output', expected: "'class' or 'scores'" });
    const plan = compile(randomModel({ name: 'm', arch: [784, 256, 256, 256, 10], seed: 1 }), { fold: f }).plan;
    expect(plan.blocks.map((b) => b.kind)).not.toContain('label_select');
    expect(plan.output).toMatchObject({ stream: 'scores', rule: 'argmax', classes: 10, values: { perBeat: 10, bits: 9, signed: false, beatsPerFrame: 1 }, beatBits: 90 });
  });

  it('rejects a PE that does not divide MH, listing the valid values', () => {
    const e = foldError('layers:\n  - {pe: 3, simd: 49}\n  - {pe: 8, simd: 16}\n  - {pe: 8, simd: 16}\n  - {pe: 10, simd: 8}\n');
    expect(e.detail).toMatchObject({ code: 'FOLD_INVALID', file: 'fold.yaml', field: 'layers[0].pe', got: '3' });
    expect(e.detail.expected).toBe('one of 1, 2, 4, 8, 16, 32, 64, 128, 256, or pad: true on this layer');
  });

  it('rejects SIMD that does not divide MW, zero, and unknown layers', () => {
    expect(foldError('layers:\n  - {pe: 16, simd: 50}\n  - {pe: 8, simd: 16}\n  - {pe: 8, simd: 16}\n  - {pe: 10, simd: 8}\n').detail.expected).toBe(
      'one of 1, 2, 4, 7, 8, 14, 16, 28, 49, 56, 98, 112, 196, 392, 784, or pad: true on this layer',
    );
    expect(foldError('layers:\n  - {pe: 0, simd: 49}\n  - {pe: 8, simd: 16}\n  - {pe: 8, simd: 16}\n  - {pe: 10, simd: 8}\n').detail.field).toBe('layers[0].pe');
    expect(foldError('layers:\n  fcX: {pe: 1, simd: 1}\n').detail.field).toBe('layers.fcX');
    expect(foldError('layers:\n  - {pe: 1, simd: 1}\n').detail.expected).toContain('a list of 4');
  });

  it('rejects an engine that is too wide', () => {
    const e = foldError('layers:\n  - {pe: 256, simd: 784}\n  - {pe: 8, simd: 16}\n  - {pe: 8, simd: 16}\n  - {pe: 10, simd: 8}\n');
    expect(e.detail.expected).toBe('PE·SIMD <= 65536');
  });

  it('default folding stays legal when a layer cannot reach the target (a conv over one channel)', () => {
    const cnn = foldThresholds(randomModel({ name: 'c', seed: 1, input: [28, 28, 1], fixedInput: { signed: false }, layers: [{ conv: 16, kernel: 3 }, { pool: 2 }, { conv: 32, kernel: 3 }, { pool: 2 }, { dense: 10 }] }));
    const f = defaultFolding(cnn);
    expect(f.layers[0]!.simd).toBe(1);
    expect(() => compile(randomModel({ name: 'c', seed: 1, input: [28, 28, 1], fixedInput: { signed: false }, layers: [{ conv: 16, kernel: 3 }, { pool: 2 }, { conv: 32, kernel: 3 }, { pool: 2 }, { dense: 10 }] }))).not.toThrow();
  });

  it('default folding balances every layer under the heaviest one', () => {
    const f = defaultFolding(im);
    const cycles = f.layers.map((l, i) => mvtuCycles({ MW: engineLayer(im, i).inputs, MH: engineLayer(im, i).outputs, PE: l.pe, SIMD: l.simd }));
    expect(cycles[0]).toBe(448);
    for (const c of cycles) expect(c).toBeLessThanOrEqual(448);
    expect(f.layers[0]).toEqual({ pe: 16, simd: 28 });
  });
});
