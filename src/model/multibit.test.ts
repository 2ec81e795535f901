import { describe, expect, it } from 'vitest';
import { foldThresholds, fixedDomain, neuronThresholds, popcountDomain } from '../compiler/fold-thresholds.js';
import { integerForward } from '../compiler/integer-reference.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { Prng } from '../util/prng.js';
import { quantCode } from './elements.js';
import { floatForward } from './float-reference.js';
import { parseModel, serializeModel } from './io.js';
import { randomModel, type RandomModelOptions } from './random-model.js';
import type { BatchNormActivation, Model } from './types.js';

/** Float reference and integer model element by element, every layer, and the prediction. */
function agree(model: Model, frames: number, seed: number, rawRange = 256, signedRaw = false): { levelsSeen: Set<number> } {
  const im = foldThresholds(model);
  const rng = new Prng(seed);
  const n = model.input.shape.reduce((a, b) => a * b, 1);
  const levelsSeen = new Set<number>();
  for (let f = 0; f < frames; f++) {
    const raw = Array.from({ length: n }, () => rng.int(rawRange) - (signedRaw ? rawRange / 2 : 0));
    const fl = floatForward(model, raw);
    const it = integerForward(im, raw);
    expect(it.layerValues.length).toBe(fl.layerValues.length);
    fl.layerValues.forEach((v, li) => {
      expect(Array.from(it.layerValues[li]!), `layer ${li}`).toEqual(Array.from(v));
      if (li === 0) v.forEach((u) => levelsSeen.add(u));
    });
    expect(it.prediction).toBe(fl.prediction);
  }
  return { levelsSeen };
}

const base: RandomModelOptions = { name: 'mb', seed: 1, arch: [41, 23, 17, 7] };

describe('multi-bit activations: float reference = integer model', () => {
  it('dense W1A2..A4, unsigned and signed levels, fewer levels than 2^A', () => {
    const quants = [
      { bits: 2 },
      { bits: 2, levels: 3, outBias: -1 }, // BNN-PYNQ's W1A2: values -1, 0, +1
      { bits: 3, outBias: -4, outScale: 0.25 },
      { bits: 3, levels: 5, outBias: 1, outScale: 1.5 },
      { bits: 4, outScale: 0.125 },
      { bits: 4, levels: 9, outBias: -8 },
    ];
    quants.forEach((quant, qi) => {
      for (let s = 1; s <= 4; s++) {
        const { levelsSeen } = agree(randomModel({ ...base, seed: 10 * qi + s, quant }), 8, s);
        // The random BatchNorms spread over the levels: several distinct elements are exercised.
        expect(levelsSeen.size, JSON.stringify(quant)).toBeGreaterThan(2);
      }
    });
  });

  it('conv with padding and max-pool over signed multi-bit elements, then dense', () => {
    for (let s = 1; s <= 6; s++) {
      const m = randomModel({
        name: 'mbc',
        seed: s,
        input: [8, 8, 2],
        layers: [{ conv: 4, kernel: 3, padding: 1 }, { pool: 2 }, { conv: 6, kernel: 3, padding: 1 }, { pool: 2 }, { dense: 5 }],
        quant: s % 2 ? { bits: 2, levels: 3, outBias: -1 } : { bits: 3, outBias: -3, outScale: 0.5 },
      });
      expect((m.layers[2] as { padValue: number }).padValue).toBe(0);
      agree(m, 6, s);
    }
  });

  it('a fixed-point first layer feeding multi-bit layers', () => {
    for (const signed of [false, true]) agree(randomModel({ ...base, fixedInput: { signed }, quant: { bits: 2, levels: 3, outBias: -1 } }), 8, 3, 256, signed);
  });

  it('integer multithreshold layers, both directions, survive a YAML round trip', () => {
    const m = randomModel({ ...base, arch: [12, 6, 3], seed: 4 });
    m.layers[0] = {
      ...(m.layers[0] as Extract<Model['layers'][number], { kind: 'dense' }>),
      activation: {
        kind: 'multithreshold',
        bits: 2,
        outBias: -1,
        outScale: 1,
        thresholds: [[4, 7], [6, 6], [-2, 20], [9, 3], [12, 0], [5, 5]],
        direction: ['ge', 'ge', 'ge', 'le', 'le', 'le'],
      },
    };
    const back = parseModel(serializeModel(m), 'mt.yaml');
    expect(back.layers[0]).toEqual(m.layers[0]);
    const im = foldThresholds(back);
    const t = (im.layers[0] as { thresholds: { value: Int32Array; count: number } }).thresholds;
    expect(t.count).toBe(2);
    // Thresholds outside the popcount range 0..12 clamp to it (ge: 0 and 13; le: 12 and -1).
    expect(Array.from(t.value)).toEqual([4, 7, 6, 6, 0, 13, 9, 3, 12, 0, 5, 5]);
    agree(back, 20, 9);
  });
});

describe('multi-bit threshold folding', () => {
  const bnq = (gamma: number, beta: number, mean: number, quant: BatchNormActivation['quant']): BatchNormActivation => ({
    kind: 'batchnorm', gamma: [gamma], beta: [beta], mean: [mean], var: [1], eps: 0, ...(quant ? { quant } : {}),
  });

  it('rounds to the nearest level, ties up, at the exact accumulator values', () => {
    // 10 binary inputs, dot = 2p - 10, y = dot; levels -1, 0, +1 at y >= -0.5 and y >= 0.5.
    const q = { bits: 2, levels: 3, outBias: -1, outScale: 1 };
    expect(neuronThresholds(bnq(1, 0, 0, q), 0, popcountDomain(10))).toEqual({ values: [5, 6], direction: 'ge' });
    // y = dot/4 (outScale 0.25 levels 0..3 → thresholds at 0.125, 0.375, 0.625): a tie at y = 0.375 (dot 1.5) is unreachable; dot 2 → y 0.5 → code 2.
    expect(quantCode({ bits: 2, levels: 4, outBias: 0, outScale: 0.25 }, 0.375)).toBe(2);
    expect(quantCode({ bits: 2, levels: 4, outBias: 0, outScale: 0.25 }, 0.3749999)).toBe(1);
  });

  it('negative gamma: every level falls with the accumulator (le), thresholds non-increasing', () => {
    const q = { bits: 2, levels: 4, outBias: 0, outScale: 1 };
    // y = -(dot) with dot = 2p - 10: code = #{k: -dot >= k - 0.5}.
    const t = neuronThresholds(bnq(-1, 0, 0, q), 0, popcountDomain(10));
    expect(t.direction).toBe('le');
    for (let p = 0; p <= 10; p++) {
      const want = quantCode(q, -(2 * p - 10));
      expect(t.values.filter((v) => p <= v).length, `p = ${p}`).toBe(want);
    }
    for (let k = 1; k < t.values.length; k++) expect(t.values[k]!).toBeLessThanOrEqual(t.values[k - 1]!);
  });

  it('levels never or always reached are written in the neuron direction', () => {
    const q = { bits: 3, levels: 8, outBias: 0, outScale: 1 };
    // y = dot + 2.4, 4 inputs: dot in -4..4 → y in -1.6..6.4: level 1 (0.5) from dot -1.9 on; level 7 (6.5) never.
    const t = neuronThresholds(bnq(1, 2.4, 0, q), 0, popcountDomain(4));
    expect(t.direction).toBe('ge');
    expect(t.values[6]).toBe(5); // never: max + 1
    const tl = neuronThresholds(bnq(-1, 6.4, 0, q), 0, fixedDomain(2, 2, false));
    expect(tl.direction).toBe('le');
    tl.values.forEach((v, k) => {
      for (let s = -6; s <= 6; s++) expect(s <= v, `k ${k} s ${s}`).toBe(-s + 6.4 >= k + 0.5);
    });
  });
});

describe('multi-bit model validation', () => {
  const doc = (activation: Record<string, unknown>) => `
format: bnn-model
version: 1
name: v
input: { shape: [4], encoding: { kind: threshold, threshold: 1 }, rawBits: 8 }
layers:
  - { kind: dense, name: a, inputs: 4, outputs: 2, weights: { encoding: hex, rows: ["f", "3"] }, activation: ${JSON.stringify(activation)} }
  - { kind: dense, name: b, inputs: 2, outputs: 2, weights: { encoding: hex, rows: ["1", "2"] }, activation: { kind: none } }
`;
  const err = (a: Record<string, unknown>) => bnnErrorOf(() => parseModel(doc(a), 'v.yaml')).detail;

  it('accepts a well-formed multithreshold layer', () => {
    const m = parseModel(doc({ kind: 'multithreshold', bits: 2, outBias: -1, thresholds: [[1, 3], [2, 2]], direction: 'ge' }), 'v.yaml');
    expect(m.layers[0]!.kind).toBe('dense');
  });

  it('rejects unsorted lists, too many thresholds, ragged lists, levels that do not fit, bad bits', () => {
    expect(err({ kind: 'multithreshold', bits: 2, thresholds: [[3, 1], [2, 2]], direction: 'ge' })).toMatchObject({ code: 'MODEL_INVALID', file: 'v.yaml', field: 'layers[0].activation.thresholds[0][1]' });
    expect(err({ kind: 'multithreshold', bits: 2, thresholds: [[1, 3], [2, 2]], direction: 'le' })).toMatchObject({ field: 'layers[0].activation.thresholds[0][1]' });
    expect(err({ kind: 'multithreshold', bits: 2, thresholds: [[1, 2, 3, 4], [1, 2, 3, 4]], direction: 'ge' })).toMatchObject({ field: 'layers[0].activation.thresholds[0]' });
    expect(err({ kind: 'multithreshold', bits: 2, thresholds: [[1, 2], [1]], direction: 'ge' })).toMatchObject({ field: 'layers[0].activation.thresholds[1]' });
    expect(err({ kind: 'multithreshold', bits: 2, outBias: -1, thresholds: [[1, 2, 3], [1, 2, 3]], direction: 'ge' })).toMatchObject({ field: 'layers[0].activation.outBias' });
    expect(err({ kind: 'multithreshold', bits: 5, thresholds: [[1], [1]], direction: 'ge' })).toMatchObject({ field: 'layers[0].activation.bits' });
    expect(err({ kind: 'multithreshold', bits: 2, outScale: 0, thresholds: [[1], [1]], direction: 'ge' })).toMatchObject({ field: 'layers[0].activation.outScale' });
    const bn = { kind: 'batchnorm', gamma: [1, 1], beta: [0, 0], mean: [0, 0], var: [1, 1] };
    expect(err({ ...bn, quant: { bits: 2, levels: 5 } })).toMatchObject({ field: 'layers[0].activation.quant.levels' });
    expect(err({ ...bn, quant: { bits: 2, step: 1 } })).toMatchObject({ field: 'layers[0].activation.quant.step' });
  });

  it('rejects a multi-bit last layer', () => {
    const text = doc({ kind: 'batchnorm', gamma: [1, 1], beta: [0, 0], mean: [0, 0], var: [1, 1] }).replace('activation: { kind: none }', 'activation: { kind: multithreshold, bits: 2, thresholds: [[0], [1]], direction: ge }');
    expect(bnnErrorOf(() => parseModel(text, 'v.yaml')).detail).toMatchObject({ field: 'layers[1].activation.kind' });
  });
});
