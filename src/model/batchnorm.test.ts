import { describe, expect, it } from 'vitest';
import { batchNormFires } from './batchnorm.js';

describe('batchNormFires', () => {
  const a = { gamma: [2, -1], beta: [0.5, 0], mean: [1, 3], var: [3, 0], eps: 1 };

  it('is gamma·(dot + bias − mean)/sqrt(var + eps) + beta >= 0, ties firing', () => {
    // neuron 0: 2·(dot − 1)/2 + 0.5 = dot − 0.5 → fires from dot = 1 (0.5 >= 0), not at 0 (−0.5)
    expect(batchNormFires(a, 0, 1)).toBe(true);
    expect(batchNormFires(a, 0, 0)).toBe(false);
    // neuron 1: negative gamma, −(dot − 3) >= 0 → fires up to dot = 3, the tie included
    expect(batchNormFires(a, 1, 3)).toBe(true);
    expect(batchNormFires(a, 1, 4)).toBe(false);
  });

  it('adds the optional per-neuron bias before the mean', () => {
    expect(batchNormFires({ ...a, bias: [-1, 0] }, 0, 1)).toBe(false); // 1 − 1 − 1 = −1 → −0.5
    expect(batchNormFires({ ...a, bias: [-1, 0] }, 0, 2)).toBe(true);
  });
});
