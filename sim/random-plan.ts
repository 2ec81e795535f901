import type { FoldConfig } from '../src/compiler/fold-config.js';
import { foldThresholds } from '../src/compiler/fold-thresholds.js';
import { engineLayers } from '../src/model/integer-model.js';
import type { RandomModelOptions } from '../src/model/random-model.js';
import type { Model } from '../src/model/types.js';
import { divisors } from '../src/util/math.js';
import type { Prng } from '../src/util/prng.js';

/** Random networks and legal foldings for the engine property tests (sim/ and hw-tests/). */
export function randomFolding(model: Model, rng: Prng): FoldConfig {
  const layers = engineLayers(foldThresholds(model)).map((l) => {
    const simds = divisors(l.inputs).filter((d) => !l.conv || l.conv.inShape[2] % d === 0);
    const pes = divisors(l.outputs);
    return { pe: pes[rng.int(pes.length)]!, simd: simds[rng.int(simds.length)]! };
  });
  const depth = rng.int(3);
  return { layers, fifoDepth: depth === 0 ? 'auto' : depth === 1 ? 2 : 2 + rng.int(6), source: 'property test' };
}

/**
 * A-bit activations for a random network (A = 2..4, any number of levels that fits, signed or
 * unsigned elements), or none (one-bit activations).
 */
export function randomQuant(rng: Prng): RandomModelOptions['quant'] {
  if (rng.float() < 0.5) return undefined;
  const bits = 2 + rng.int(3);
  const levels = 2 + rng.int(2 ** bits - 1);
  // Signed elements: outBias in [-2^(A-1), -1] with the top level outBias + levels - 1 <= 2^(A-1) - 1.
  const lo = -(2 ** (bits - 1));
  const hi = Math.min(-1, 2 ** (bits - 1) - levels);
  if (rng.float() < 0.5) return { bits, levels, outBias: lo + rng.int(hi - lo + 1) };
  return { bits, levels, outBias: rng.int(2 ** bits - levels + 1) };
}

export function randomArch(rng: Prng, seed: number): RandomModelOptions {
  const quant = randomQuant(rng);
  const q = quant ? { quant } : {};
  if (rng.float() < 0.35) {
    const c = 1 + rng.int(4);
    return {
      ...q,
      name: 'rconv',
      seed,
      input: [5 + rng.int(5), 5 + rng.int(5), c],
      ...(rng.float() < 0.5 ? { fixedInput: { signed: false } } : {}),
      layers: [
        { conv: 2 + rng.int(6), kernel: 1 + 2 * rng.int(2), ...(rng.float() < 0.5 ? { padding: 1 } : {}), ...(rng.float() < 0.3 ? { stride: 2 } : {}) },
        ...(rng.float() < 0.5 ? [{ pool: 2 }] : []),
        { dense: 4 + rng.int(12) },
        { dense: 10 },
      ],
    };
  }
  const depth = 1 + rng.int(3);
  const arch = [8 + rng.int(60)];
  for (let d = 0; d < depth; d++) arch.push(2 + rng.int(40));
  arch.push(2 + rng.int(9));
  return { name: 'rdense', seed, arch, ...q };
}
