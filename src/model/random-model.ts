import { Prng } from '../util/prng.js';
import { wordsFor } from './bits.js';
import type { DenseLayer, Model } from './types.js';

/**
 * A deterministic example network: ±1 weights and BatchNorm statistics drawn from a seeded
 * generator, scaled so that roughly half of every layer's neurons fire (an untrained network
 * whose activations are all constant would exercise nothing). Used until trained models ship,
 * and by tests that need many shapes.
 */
export function randomModel(opts: { name: string; arch: number[]; seed: number; inputThreshold?: number }): Model {
  const { arch, seed } = opts;
  const rng = new Prng(seed);
  const layers: DenseLayer[] = [];
  for (let li = 0; li + 1 < arch.length; li++) {
    const n = arch[li]!;
    const m = arch[li + 1]!;
    const weights = Array.from({ length: m }, () => {
      const row = new Uint32Array(wordsFor(n));
      for (let w = 0; w < row.length; w++) row[w] = rng.u32();
      if (n & 31) row[row.length - 1]! &= (1 << (n & 31)) - 1;
      return row;
    });
    const last = li + 2 === arch.length;
    const sd = Math.sqrt(n);
    const round = (x: number) => Math.round(x * 1e4) / 1e4;
    layers.push({
      kind: 'dense',
      name: `fc${li}`,
      inputs: n,
      outputs: m,
      weights,
      activation: last
        ? { kind: 'none' }
        : {
            kind: 'batchnorm',
            gamma: Array.from({ length: m }, () => round((0.5 + rng.float()) * (rng.float() < 0.15 ? -1 : 1))),
            beta: Array.from({ length: m }, () => round(rng.normal() * 0.3)),
            mean: Array.from({ length: m }, () => round(rng.normal() * sd * 0.5)),
            var: Array.from({ length: m }, () => round(n * (0.5 + rng.float()))),
            eps: 1e-5,
          },
    });
  }
  return {
    format: 'bnn-model',
    version: 1,
    name: opts.name,
    metadata: {
      source: 'seeded-random',
      seed,
      note: 'Untrained: weights and BatchNorm statistics come from a seeded generator (bnn random-model). Predictions are meaningless; the hardware is real.',
    },
    input: { shape: [arch[0]!], encoding: { kind: 'threshold', threshold: opts.inputThreshold ?? 128 }, rawBits: 8 },
    layers,
  };
}
