import { Prng } from '../util/prng.js';
import { wordsFor } from './bits.js';
import { outputShape } from './shapes.js';
import type { Activation, ActivationQuant, InputSpec, Layer, Model, OutputRule } from './types.js';
import { checkLimit, product } from '../limits.js';

/** One layer of a random network: dense N, conv (outChannels, kernel, stride, padding), or pool k. */
export type RandomLayerSpec =
  | { dense: number }
  | { conv: number; kernel: number; stride?: number; padding?: number; padValue?: -1 | 1 }
  | { pool: number };

export interface RandomModelOptions {
  name: string;
  seed: number;
  /** Dense shorthand: layer sizes, the first being the input size. */
  arch?: number[];
  /** General form: input shape ([N] or [H, W, C]) and layers. */
  input?: number[];
  layers?: RandomLayerSpec[];
  /** Raw inputs feed the first layer as fixed-point integers instead of being binarized. */
  fixedInput?: { signed: boolean };
  inputThreshold?: number;
  /** The model's output rule; a network whose last layer is thresholded needs one. */
  output?: OutputRule;
  /** Multi-bit activations on every hidden engine layer (BatchNorm + quantizer); absent: one bit. */
  quant?: { bits: number; levels?: number; outBias?: number; outScale?: number };
}

/**
 * A deterministic example network: ±1 weights and BatchNorm statistics drawn from a seeded
 * generator, scaled so that roughly half of every layer's neurons fire (an untrained network
 * whose activations are all constant would exercise nothing). Used until trained models ship,
 * and by tests that need many shapes.
 */
export function randomModel(opts: RandomModelOptions): Model {
  const rng = new Prng(opts.seed);
  const inShape = opts.input ?? [opts.arch![0]!];
  const specs: RandomLayerSpec[] = opts.layers ?? opts.arch!.slice(1).map((n) => ({ dense: n }));
  const input: InputSpec = opts.fixedInput
    ? { shape: inShape, encoding: { kind: 'fixed', signed: opts.fixedInput.signed }, rawBits: 8 }
    : { shape: inShape, encoding: { kind: 'threshold', threshold: opts.inputThreshold ?? 128 }, rawBits: 8 };
  checkLimit('inputElements', product(inShape), { field: opts.arch ? 'arch' : 'input', what: `an input of ${inShape.join(' × ')} elements` });
  let weightCount = 0;
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const rows = (m: number, n: number) => {
    weightCount += m * n;
    checkLimit('weights', weightCount, { field: opts.arch ? 'arch' : 'layers', what: `a model with ${weightCount.toLocaleString('en-US')} weights` });
    return randomRows(m, n);
  };
  const randomRows = (m: number, n: number) =>
    Array.from({ length: m }, () => {
      const row = new Uint32Array(wordsFor(n));
      for (let w = 0; w < row.length; w++) row[w] = rng.u32();
      if (n & 31) row[row.length - 1]! &= (1 << (n & 31)) - 1;
      return row;
    });
  // A random ±1 (or ±raw) dot product over n inputs has spread sd; centre thresholds inside it.
  const batchnorm = (m: number, sd: number): Activation => ({
    kind: 'batchnorm',
    gamma: Array.from({ length: m }, () => round((0.5 + rng.float()) * (rng.float() < 0.15 ? -1 : 1))),
    beta: Array.from({ length: m }, () => round(rng.normal() * 0.3)),
    mean: Array.from({ length: m }, () => round(rng.normal() * sd * 0.5)),
    var: Array.from({ length: m }, () => round(sd * sd * (0.5 + rng.float()))),
    eps: 1e-5,
  });
  const q: ActivationQuant | undefined = opts.quant && {
    bits: opts.quant.bits,
    levels: opts.quant.levels ?? 2 ** opts.quant.bits,
    outBias: opts.quant.outBias ?? 0,
    outScale: opts.quant.outScale ?? 1,
  };
  // Spread the BatchNorm output over the levels, centred on the middle one.
  const quantized = (a: Activation): Activation => {
    if (!q || a.kind !== 'batchnorm') return a;
    const t = q.levels - 1;
    return {
      ...a,
      gamma: a.gamma.map((g) => round((g * q.outScale * t) / 2)),
      beta: a.beta.map((b) => round(q.outScale * (q.outBias + t / 2 + b))),
      quant: q,
    };
  };
  // RMS of a multi-bit element u (levels equally likely) and of its value outScale·u.
  const quantRms = q ? q.outScale * Math.sqrt(Array.from({ length: q.levels }, (_, k) => (q.outBias + k) ** 2).reduce((a, b) => a + b, 0) / q.levels) : 1;
  const layers: Layer[] = [];
  let shape = inShape;
  let prevQuant = false;
  specs.forEach((spec, i) => {
    const last = i === specs.length - 1;
    const fixed = i === 0 && opts.fixedInput !== undefined;
    // Raw 8-bit inputs: E[x²] ≈ 21,760 unsigned, ≈ 5,461 signed.
    const elementRms = fixed ? Math.sqrt(opts.fixedInput!.signed ? 5461 : 21760) : prevQuant ? Math.max(quantRms, 0.5) : 1;
    const hidden = (a: Activation): Activation => (last ? a : quantized(a));
    let layer: Layer;
    if ('dense' in spec) {
      const n = shape.reduce((a, b) => a * b, 1);
      layer = {
        kind: 'dense',
        name: `fc${i}`,
        inputs: n,
        outputs: spec.dense,
        weights: rows(spec.dense, n),
        activation: last ? { kind: 'none' } : hidden(batchnorm(spec.dense, Math.sqrt(n) * elementRms)),
      };
    } else if ('conv' in spec) {
      const n = spec.kernel * spec.kernel * shape[2]!;
      layer = {
        kind: 'conv2d',
        name: `conv${i}`,
        inChannels: shape[2]!,
        outChannels: spec.conv,
        kernel: spec.kernel,
        stride: spec.stride ?? 1,
        padding: spec.padding ?? 0,
        padValue: fixed || prevQuant ? 0 : (spec.padValue ?? -1),
        weights: rows(spec.conv, n),
        activation: hidden(batchnorm(spec.conv, Math.sqrt(n) * elementRms)),
      };
    } else layer = { kind: 'maxpool2d', name: `pool${i}`, kernel: spec.pool, stride: spec.pool };
    layers.push(layer);
    if (layer.kind !== 'maxpool2d') prevQuant = !last && q !== undefined;
    shape = outputShape(layer, shape);
  });
  return {
    format: 'bnn-model',
    version: 1,
    name: opts.name,
    metadata: {
      source: 'seeded-random',
      seed: opts.seed,
      note: 'Untrained: weights and BatchNorm statistics come from a seeded generator (bnn random-model). Predictions are meaningless; the hardware is real.',
    },
    input,
    layers,
    ...(opts.output ? { output: { kind: opts.output } } : {}),
  };
}
