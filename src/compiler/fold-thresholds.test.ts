import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floatForward } from '../model/float-reference.js';
import { loadModel } from '../model/io.js';
import { randomModel } from '../model/random-model.js';
import type { BatchNormActivation, Model } from '../model/types.js';
import { Prng } from '../util/prng.js';
import { packageRoot } from '../util/paths.js';
import { activationFires, fixedDomain, foldThresholds, neuronThreshold, popcountDomain } from './fold-thresholds.js';
import { integerForward } from './integer-reference.js';

function agreeOnEveryNeuron(model: Model, frames: number, seed: number): void {
  const im = foldThresholds(model);
  const rng = new Prng(seed);
  const n = model.input.shape.reduce((a, b) => a * b, 1);
  for (let f = 0; f < frames; f++) {
    const raw = Array.from({ length: n }, () => rng.int(256));
    const fl = floatForward(model, raw);
    const it = integerForward(im, raw);
    fl.layerValues.forEach((bits, li) => {
      for (let j = 0; j < bits.length; j++) expect(it.layerValues[li]![j], `layer ${li} neuron ${j}`).toBe(bits[j]);
    });
    expect(it.prediction).toBe(fl.prediction);
  }
}

describe('BatchNorm → integer threshold folding', () => {
  it('matches the float reference on every neuron of every shipped model', () => {
    const dir = join(packageRoot(), 'models');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) agreeOnEveryNeuron(loadModel(join(dir, f)), 4, 11);
  });

  it('matches the float reference for many random networks', () => {
    for (let s = 1; s <= 20; s++) agreeOnEveryNeuron(randomModel({ name: 'r', arch: [37, 19, 11, 5], seed: s }), 6, s);
  });

  const bn = (gamma: number, beta: number, mean: number, variance = 1, eps = 0): BatchNormActivation => ({
    kind: 'batchnorm', gamma: [gamma], beta: [beta], mean: [mean], var: [variance], eps,
  });

  it('fires exactly at a tie (y = 0 counts as +1)', () => {
    // N = 10, dot = 2p - 10; y = dot - 2 >= 0  <=>  p >= 6, and at p = 6 y is exactly 0.
    const a = bn(1, 0, 2);
    expect(activationFires(a, 0, popcountDomain(10), 6)).toBe(true);
    expect(neuronThreshold(a, 0, popcountDomain(10))).toEqual({ value: 6, direction: 'ge' });
  });

  it('flips the comparison for negative gamma', () => {
    // y = -(dot - 2) >= 0 <=> dot <= 2 <=> p <= 6
    expect(neuronThreshold(bn(-1, 0, 2), 0, popcountDomain(10))).toEqual({ value: 6, direction: 'le' });
  });

  it('turns gamma = 0 into a constant', () => {
    expect(neuronThreshold(bn(0, 0.5, 3), 0, popcountDomain(10))).toEqual({ value: 0, direction: 'ge' });
    expect(neuronThreshold(bn(0, -0.5, 3), 0, popcountDomain(10))).toEqual({ value: 11, direction: 'ge' });
  });

  it('clamps thresholds outside the reachable popcount range', () => {
    expect(neuronThreshold(bn(1, 0, -100), 0, popcountDomain(10))).toEqual({ value: 0, direction: 'ge' });
    expect(neuronThreshold(bn(1, 0, 100), 0, popcountDomain(10))).toEqual({ value: 11, direction: 'ge' });
    expect(neuronThreshold({ kind: 'threshold', thresholds: [-3], direction: ['le'] }, 0, popcountDomain(10))).toEqual({ value: 11, direction: 'ge' });
  });

  it('finds fixed-point thresholds over wide signed ranges (bisection), exactly at the edge', () => {
    // 784 8-bit inputs: the sum spans ±199,920, too wide for a full table.
    const d = fixedDomain(784, 8, false);
    const a = bn(0.7, 0.25, 1000.5, 400);
    const t = neuronThreshold(a, 0, d);
    expect(t.direction).toBe('ge');
    expect(activationFires(a, 0, d, t.value)).toBe(true);
    expect(activationFires(a, 0, d, t.value - 1)).toBe(false);
    const neg = neuronThreshold(bn(-2, 0, -500), 0, d);
    expect(neg).toEqual({ value: -500, direction: 'le' });
  });

  it('agrees with the float predicate where rounding makes a closed form fragile', () => {
    // gamma/sigma and beta chosen so that y lands within an ulp of 0 near the boundary.
    const a = bn(0.1, -0.30000000000000004, 0, 1, 0);
    const t = neuronThreshold(a, 0, popcountDomain(20));
    for (let p = 0; p <= 20; p++) expect(t.direction === 'ge' ? p >= t.value : p <= t.value).toBe(activationFires(a, 0, popcountDomain(20), p));
  });
});
