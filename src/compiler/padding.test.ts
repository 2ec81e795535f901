import { describe, expect, it } from 'vitest';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { randomModel } from '../model/random-model.js';
import { simulate } from '../../sim/simulate.js';
import { Prng } from '../util/prng.js';
import { compile } from './compile.js';
import type { FoldConfig } from './fold-config.js';
import { integerForward } from './integer-reference.js';
import type { MvtuBlock } from '../blocks/mvtu.js';
import type { LabelSelectBlock } from '../blocks/label-select.js';
import { reportData } from '../report/data.js';
import { reportHtml } from '../report/html.js';

const fold = (layers: FoldConfig['layers']): FoldConfig => ({ layers, fifoDepth: 'auto', source: 'fold.yaml' });
const pixels = (n: number, size: number, seed: number) => {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => Array.from({ length: size }, () => rng.int(256)));
};
const engine = (c: ReturnType<typeof compile>, name: string) => c.plan.blocks.find((b) => b.name === name) as MvtuBlock;

describe('padded folds', () => {
  it("BNN-PYNQ's LFC: first layer 784 → 832 inputs at SIMD 64, last layer 10 → 16 neurons at PE 16; same classes, II = analytic", () => {
    const m = randomModel({ name: 'lfc', arch: [784, 1024, 1024, 1024, 10], seed: 2 });
    const c = compile(m, { fold: fold([{ pe: 32, simd: 64, pad: true }, { pe: 64, simd: 32 }, { pe: 64, simd: 32 }, { pe: 16, simd: 32, pad: true }]) });
    const fc0 = engine(c, 'fc0_mvtu');
    expect(fc0.params.MW).toBe(832);
    expect(fc0.padding).toEqual({ inputs: { real: 784, padded: 832 }, neurons: { real: 1024, padded: 1024 }, padLaneCyclesPerFrame: 48 * 1024, padWeightBits: 48 * 1024 });
    expect(fc0.cyclesPerFrame).toBe(13 * 32);
    expect(c.plan.blocks[0]!.in.beatsPerFrame).toBe(13);
    const fc3 = engine(c, 'fc3_mvtu');
    expect(fc3.params.MH).toBe(16);
    expect(fc3.padding?.neurons).toEqual({ real: 10, padded: 16 });
    expect(engine(c, 'fc1_mvtu').padding).toBeUndefined();
    const ls = c.plan.blocks.at(-1) as LabelSelectBlock;
    expect(ls.params).toMatchObject({ PE: 16, NF: 1, CLASSES: 10 });
    expect(c.plan.output.classes).toBe(10);
    const frames = pixels(3, 784, 5);
    const { report } = simulate(c.plan, frames);
    expect(report.predictions).toEqual(frames.map((f) => integerForward(c.integer, f).prediction));
    expect(report.cycles.ii.measured).toBe(c.plan.ii.cycles);
  });

  it('pads a hidden layer’s input through the previous layer’s neurons; pad neurons output 0 and never win the argmax', () => {
    const m = randomModel({ name: 'p', arch: [50, 24, 20, 10], seed: 5 });
    const c = compile(m, { fold: fold([{ pe: 8, simd: 16, pad: true }, { pe: 3, simd: 16, pad: true }, { pe: 4, simd: 5, pad: true }]) });
    // fc1 needs SIMD 16 | its inputs: fc0's 24 neurons become 32 (a multiple of PE 8 and SIMD 16).
    expect(engine(c, 'fc0_mvtu').params).toMatchObject({ MW: 64, MH: 32 });
    // fc2 needs SIMD 5: fc1's 20 neurons become 30 (multiple of PE 3 and SIMD 5).
    expect(engine(c, 'fc1_mvtu').params).toMatchObject({ MW: 32, MH: 30 });
    expect(engine(c, 'fc2_mvtu').params).toMatchObject({ MW: 30, MH: 12 });
    const frames = pixels(300, 50, 9);
    const { report } = simulate(c.plan, frames);
    expect(report.predictions).toEqual(frames.map((f) => integerForward(c.integer, f).prediction));
    expect(report.cycles.ii.measured).toBe(c.plan.ii.cycles);
    // The padding and its cost are in plan.json (the plan itself) and the report.
    expect(JSON.parse(JSON.stringify(c.plan)).blocks.find((b: { name: string }) => b.name === 'fc1_mvtu').padding.neurons).toEqual({ real: 20, padded: 30 });
    const d = reportData(m, c.plan, { now: new Date(0) });
    expect(d.blocks.find((b) => b.name === 'fc0_mvtu')!.padding?.inputs).toEqual({ real: 50, padded: 64 });
    expect(reportHtml(d)).toContain('MW 50→64, MH 24→32; 848 pad lane-cycles/frame');
  });

  it('pads a fixed-point first layer (raw zeros contribute nothing)', () => {
    const m = randomModel({ name: 'fx', arch: [30, 16, 10], seed: 4, fixedInput: { signed: false } });
    const c = compile(m, { fold: fold([{ pe: 4, simd: 8, pad: true }, { pe: 3, simd: 4, pad: true }]) });
    expect(engine(c, 'fc0_mvtu').params.MW).toBe(32);
    const frames = pixels(20, 30, 3);
    const { report } = simulate(c.plan, frames);
    expect(report.predictions).toEqual(frames.map((f) => integerForward(c.integer, f).prediction));
  });

  it('an illegal fold says padding would make it legal; a conv or a pool in front is rejected naming the field', () => {
    const m = randomModel({ name: 'p', arch: [50, 24, 10], seed: 5 });
    const e = bnnErrorOf(() => compile(m, { fold: fold([{ pe: 5, simd: 10 }, { pe: 2, simd: 8 }]) }));
    expect(e.detail).toMatchObject({ field: 'layers[0].pe', got: '5' });
    expect(e.detail.expected).toContain('pad: true');
    const cnn = randomModel({ name: 'c', seed: 3, input: [6, 6, 3], layers: [{ conv: 6, kernel: 3 }, { pool: 2 }, { dense: 10 }] });
    expect(bnnErrorOf(() => compile(cnn, { fold: fold([{ pe: 6, simd: 2, pad: true }, { pe: 5, simd: 6 }]) })).detail.field).toBe('layers[0].simd');
    expect(bnnErrorOf(() => compile(cnn, { fold: fold([{ pe: 4, simd: 3, pad: true }, { pe: 5, simd: 6 }]) })).detail.field).toBe('layers[0].pe');
    // 2x2x6 = 24 inputs after the pool: SIMD 5 would need extra elements the pool cannot emit.
    expect(bnnErrorOf(() => compile(cnn, { fold: fold([{ pe: 6, simd: 3 }, { pe: 5, simd: 5, pad: true }]) })).detail.field).toBe('layers[1].pad');
  });

  it('multi-bit layers: pad neurons emit the element 0 (signed and unsigned levels); levels without 0 cannot be padded', () => {
    // Levels -1..1, 0..2, -2..0: the element 0 is the second, first and last level.
    for (const outBias of [-1, 0, -2]) {
      const m = randomModel({ name: 'qpad', arch: [30, 20, 10], seed: 4, quant: { bits: 2, levels: 3, outBias } });
      const c = compile(m, { fold: fold([{ pe: 6, simd: 8, pad: true }, { pe: 4, simd: 5, pad: true }]) });
      expect(engine(c, 'fc0_mvtu').padding?.neurons).toEqual({ real: 20, padded: 30 });
      const frames = pixels(6, 30, 8);
      const { report } = simulate(c.plan, frames);
      expect(report.scores, `outBias ${outBias}`).toEqual(frames.map((f) => Array.from(integerForward(c.integer, f).scores)));
    }
    const m = randomModel({ name: 'qpad', arch: [30, 20, 10], seed: 4, quant: { bits: 2, levels: 3, outBias: 1 } });
    const e = bnnErrorOf(() => compile(m, { fold: fold([{ pe: 6, simd: 8, pad: true }, { pe: 4, simd: 5, pad: true }]) }));
    expect(e.detail).toMatchObject({ code: 'FOLD_INVALID', field: 'layers[0].pe' });
    expect(e.detail.message).toMatch(/levels 1\.\.3/);
  });
});
