import { compile } from '../src/compiler/compile.js';
import type { FoldConfig } from '../src/compiler/fold-config.js';
import { randomModel, type RandomModelOptions } from '../src/model/random-model.js';
import type { Model } from '../src/model/types.js';
import type { CosimCase } from './cases.js';

/**
 * Co-simulation cases for A-bit activations (W1A2, W1A3, W1A4): the MVTU's threshold stage with
 * several thresholds per neuron, A-bit streams through FIFOs, width converters, window generators
 * and the max-pool, and next layers summing A-bit elements; signed (BNN-PYNQ's 3 levels −1, 0, +1)
 * and unsigned levels, at the corner foldings.
 */
const fold = (layers: Array<[number, number] | [number, number, 'pad']>): FoldConfig => ({
  layers: layers.map(([pe, simd, pad]) => ({ pe, simd, ...(pad ? { pad: true } : {}) })),
  fifoDepth: 'auto',
  source: 'test',
});

/** BNN-PYNQ's W1A2 levels: 2 bits, 3 levels, values −1, 0, +1. */
const A2_SIGNED: RandomModelOptions['quant'] = { bits: 2, levels: 3, outBias: -1 };
const A3_UNSIGNED: RandomModelOptions['quant'] = { bits: 3 };

const w1a2 = () => randomModel({ name: 'w1a2', arch: [48, 32, 24, 10], seed: 3, quant: A2_SIGNED });
const w1a3 = () => randomModel({ name: 'w1a3', arch: [48, 32, 24, 10], seed: 5, quant: A3_UNSIGNED });

export const MULTIBIT_CASES: CosimCase[] = [
  { name: 'W1A2 (levels −1, 0, +1), PE = SIMD = 1 everywhere', compiled: () => compile(w1a2(), { fold: fold([[1, 1], [1, 1], [1, 1]]) }), frames: 2 },
  {
    name: 'W1A2 (levels −1, 0, +1), mixed folding, non-integer width ratios (16→12, 4→16, 5→6)',
    compiled: () => compile(w1a2(), { fold: fold([[16, 12], [4, 16], [5, 6]]) }),
    frames: 5,
  },
  {
    // Small: every A-bit lane is an adder of ACC_W bits, which makes Verilator's build of a wide engine slow.
    name: 'W1A3 (unsigned, 8 levels), fully parallel (II = 1)',
    compiled: () => compile(randomModel({ name: 'w1a3_par', arch: [24, 16, 8, 4], seed: 5, quant: A3_UNSIGNED }), { fold: fold([[16, 24], [8, 16], [4, 8]]) }),
    frames: 8,
  },
  { name: 'W1A3 (unsigned, 8 levels), mixed folding, scores streamed', compiled: () => compile(w1a3(), { fold: fold([[8, 6], [2, 8], [10, 4]]), output: 'scores' }), frames: 4 },
  {
    // fc0 30 → 32 inputs (host zeros), 20 → 30 neurons whose pad elements are 0, 10 → 12 classes.
    name: 'W1A2 padded folds: 8-bit input 30 → 32, hidden 20 → 30 through pad neurons, 10 → 12 classes',
    compiled: () => compile(randomModel({ name: 'padded_a2', arch: [30, 20, 10], seed: 4, fixedInput: { signed: false }, quant: A2_SIGNED }), { fold: fold([[6, 8, 'pad'], [4, 5, 'pad']]) }),
    frames: 6,
  },
  {
    name: 'W1A2 conv (levels −1, 0, +1): binarized input, padded conv, max-pool over signed elements, dense',
    compiled: () =>
      compile(
        randomModel({
          name: 'cnn_a2',
          seed: 6,
          input: [9, 9, 2],
          quant: A2_SIGNED,
          layers: [{ conv: 8, kernel: 3 }, { conv: 8, kernel: 3, padding: 1 }, { pool: 2 }, { dense: 16 }, { dense: 10 }],
        }),
        { fold: fold([[4, 2], [2, 4], [4, 8], [5, 4]]) },
      ),
    frames: 3,
  },
  {
    name: 'W1A3 conv (unsigned): 8-bit first conv, stride 2, max-pool 3 over unsigned elements, dense',
    compiled: () =>
      compile(
        randomModel({
          name: 'cnn_a3',
          seed: 9,
          input: [13, 13, 3],
          fixedInput: { signed: false },
          quant: A3_UNSIGNED,
          layers: [{ conv: 6, kernel: 3, stride: 2, padding: 1 }, { conv: 12, kernel: 1 }, { pool: 3 }, { dense: 10 }],
        }),
        { fold: fold([[3, 3], [12, 6], [2, 4]]) },
      ),
    frames: 3,
  },
  {
    name: 'W1A4 multithreshold at the T_W ends (always / never / both directions), 15 thresholds per neuron',
    compiled: () => compile(multiThresholdEnds(), { fold: fold([[3, 5], [2, 3], [2, 4]]) }),
    frames: 6,
    input: () => [Array(15).fill(255), Array(15).fill(0), ...Array.from({ length: 4 }, (_, f) => Array.from({ length: 15 }, (_, i) => ((i * 37 + f * 101) % 7) * 40))],
  },
];

/**
 * A 15-6-4-2 net with `multithreshold` activations whose levels sit at the ends of the
 * accumulator ranges: fc0 on popcounts 0..15 (thresholds 0 and 16 = always and never for `ge`,
 * 15 and −1 for `le`), fc1 on the signed sums of fc0's 4-bit elements (15 thresholds: ±accMax ends).
 */
function multiThresholdEnds(): Model {
  const m = randomModel({ name: 'mt_ends', arch: [15, 6, 4, 2], seed: 12, quant: { bits: 4, outBias: -8 } });
  const ramp = (lo: number, hi: number) => Array.from({ length: 15 }, (_, k) => Math.round(lo + ((hi - lo) * k) / 14));
  const fc0 = m.layers[0]!;
  const fc1 = m.layers[1]!;
  if (fc0.kind !== 'dense' || fc1.kind !== 'dense') throw new Error('dense expected');
  fc0.activation = {
    kind: 'multithreshold',
    bits: 4,
    outBias: -8,
    outScale: 1,
    thresholds: [ramp(0, 16), ramp(16, 0), ramp(0, 0), ramp(16, 16), ramp(15, -1), ramp(-1, -1)],
    direction: ['ge', 'le', 'ge', 'ge', 'le', 'le'],
  };
  // fc1 sums 6 elements in −8..7: accumulator −48..48.
  fc1.activation = {
    kind: 'multithreshold',
    bits: 4,
    outBias: 0,
    outScale: 1,
    thresholds: [ramp(-48, 49), ramp(49, -48), ramp(-48, -48), ramp(48, 48)],
    direction: ['ge', 'le', 'ge', 'le'],
  };
  return m;
}
