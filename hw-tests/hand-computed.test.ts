import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { integerForward } from '../src/compiler/integer-reference.js';
import { getBit } from '../src/model/bits.js';
import { floatForward } from '../src/model/float-reference.js';
import type { Model } from '../src/model/types.js';
import { verify } from '../src/verify/verify.js';
import { run } from '../sim/engine.js';
import { makeStimulus } from '../sim/stimulus.js';
import { simulate } from '../sim/simulate.js';
import { toolOrSkip, workDir } from './cases.js';

/**
 * A network small enough to compute by hand, with the arithmetic below. Input 2x2x1, 8-bit,
 * binarized at 128 (bit 1 = +1). conv 3x3, padding 1 with pad value -1, 2 channels:
 *   ch0 weights: +1 at the centre, -1 elsewhere; BatchNorm gamma +1, mean 5: fires iff dot >= 5.
 *   ch1 weights: all +1; BatchNorm gamma -1 (negative), mean -5: fires iff dot <= -5.
 * dense 8 → 2, scores (popcount of XNOR), argmax with the lowest index winning a tie:
 *   w0 = 1111 1111, w1 = 1101 0100 (element 0 first).
 *
 * Frame A = [200, 10, 10, 200] → ±1 image [+1 -1; -1 +1]. Every output pixel's window holds 5 pad
 * elements (the padded corners). Window sums (all +1 weights) are -5 at every pixel, so ch1 = 1
 * everywhere (the tie dot = -5 <= -5 fires). ch0: dot = centre - (sum - centre) = 2·centre + 5:
 * 7, 3, 3, 7 → bits 1, 0, 0, 1. Conv bits (pixel-major, channel-minor): 1 1 0 1 0 1 1 1.
 * Scores: n0 = popcount(y) = 6; n1 matches y on elements 0..5 only = 6. A tie → class 0.
 *
 * Frame B = [255, 255, 255, 255] → all +1; each window has 4 image (+1) and 5 pad (-1): sum -1.
 * ch0: 2·1 + 1 = 3 < 5 → 0; ch1: -1 > -5 → 0. Conv bits all 0. Scores: n0 = 0, n1 = 4 (its
 * four 0 weights) → class 1.
 *
 * Frame C = [0, 0, 0, 0] → all -1, windows all -1: sum -9. ch0: -2 + 9 = 7 → 1; ch1: -9 → 1.
 * Conv bits all 1. Scores n0 = 8, n1 = 4 → class 0.
 */
const tiny = (): Model => ({
  format: 'bnn-model',
  version: 1,
  name: 'hand',
  metadata: {},
  input: { shape: [2, 2, 1], encoding: { kind: 'threshold', threshold: 128 }, rawBits: 8 },
  layers: [
    {
      kind: 'conv2d',
      name: 'conv0',
      inChannels: 1,
      outChannels: 2,
      kernel: 3,
      stride: 1,
      padding: 1,
      padValue: -1,
      weights: [Uint32Array.of(1 << 4), Uint32Array.of(0x1ff)],
      activation: { kind: 'batchnorm', gamma: [1, -1], beta: [0, 0], mean: [5, -5], var: [1, 1], eps: 0 },
    },
    { kind: 'dense', name: 'fc1', inputs: 8, outputs: 2, weights: [Uint32Array.of(0xff), Uint32Array.of(0b00101011)], activation: { kind: 'none' } },
  ],
});

const FRAMES = [
  [200, 10, 10, 200],
  [255, 255, 255, 255],
  [0, 0, 0, 0],
];
const CONV_BITS = [
  [1, 1, 0, 1, 0, 1, 1, 1],
  [0, 0, 0, 0, 0, 0, 0, 0],
  [1, 1, 1, 1, 1, 1, 1, 1],
];
const POPCOUNT_SCORES = [
  [6, 6],
  [0, 4],
  [8, 4],
];
const CLASSES = [0, 1, 0];

const fold = { layers: [{ pe: 2, simd: 1 }, { pe: 1, simd: 8 }], fifoDepth: 'auto' as const, source: 'test' };

describe('a hand-computed network (negative gamma, a tie, padded corners)', async () => {
  it('float and integer references give the bits written out above', () => {
    const m = tiny();
    const c = compile(m, { fold });
    FRAMES.forEach((f, i) => {
      const fl = floatForward(m, f);
      expect(Array.from(fl.layerValues[0]!)).toEqual(CONV_BITS[i]);
      expect(Array.from(fl.scores)).toEqual(POPCOUNT_SCORES[i]!.map((p) => 2 * p - 8));
      expect(fl.prediction).toBe(CLASSES[i]);
      const it = integerForward(c.integer, f);
      expect(Array.from({ length: 8 }, (_, k) => it.layerValues[0]![k])).toEqual(CONV_BITS[i]);
      expect(Array.from(it.scores)).toEqual(POPCOUNT_SCORES[i]);
      expect(it.prediction).toBe(CLASSES[i]);
    });
  });

  it('the simulator: classes, and the conv engine’s output stream carries those bits', () => {
    const c = compile(tiny(), { fold });
    expect(simulate(c.plan, FRAMES).report.predictions).toEqual(CLASSES);
    const r = run(c.plan, makeStimulus(c.plan, FRAMES), { streams: true });
    const k = c.plan.blocks.findIndex((b) => b.name === 'conv0_mvtu');
    expect(r.streams![k]!.map((b) => Array.from(b.data)).flat()).toEqual(CONV_BITS.flat());
    const scores = r.streams![c.plan.blocks.findIndex((b) => b.name === 'fc1_mvtu')]!.map((b) => b.data[0]);
    expect(scores).toEqual(POPCOUNT_SCORES.flat());
  });

  for (const [sim, tool] of [['icarus', 'iverilog'], ['verilator', 'verilator']] as const)
    it.skipIf(!(await toolOrSkip(tool)))(`the RTL on ${sim}: same classes, every stream equal to the simulator`, { timeout: 120_000 }, async () => {
      const c = compile(tiny(), { fold });
      const r = await verify(c, { sim, frames: FRAMES, traffic: { gapProbability: 0.3, maxGap: 2, stallProbability: 0.3, seed: 5 }, dir: workDir(`hand-${sim}`) });
      expect(r.predictions).toEqual(CLASSES);
      expect(r.streams.differences).toEqual([]);
      expect(r.ok).toBe(true);
    });
});
