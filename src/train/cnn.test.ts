import { describe, expect, it } from 'vitest';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { integerForward } from '../compiler/integer-reference.js';
import { loadDataset, type Dataset } from '../datasets/index.js';
import { floatForward } from '../model/float-reference.js';
import { parseModel, serializeModel } from '../model/io.js';
import { Prng } from '../util/prng.js';
import { formatConvArch, isConvArch, parseConvArch } from './arch.js';
import { _internal, trainCnn } from './cnn.js';
import { predictCnn } from './evaluate-conv.js';
import { activationValue, steWindow } from './quant.js';
import type { ConvTrainConfig } from './types.js';
import type { ActivationQuant } from '../model/types.js';

let mnist: Dataset | undefined;
function data(): Dataset {
  mnist ??= loadDataset('mnist');
  return mnist;
}

const tiny = (over: Partial<ConvTrainConfig> = {}): ConvTrainConfig => ({
  name: 'tiny-cnn',
  arch: parseConvArch('c4k3,p2,c8k3p1,p2,f10'),
  epochs: 1,
  seed: 5,
  batch: 25,
  lr: 0.01,
  augment: false,
  fixedInput: true,
  trainLimit: 300,
  command: 'bnn train --dataset mnist --arch c4k3,p2,c8k3p1,p2,f10 --fixed-input --epochs 1 --seed 5 --batch 25 --lr 0.01 --train-limit 300 -o tiny-cnn.yaml',
  ...over,
});

describe('convolutional architectures', () => {
  it('parses and formats c/p/f tokens', () => {
    expect(isConvArch('c16k3,p2,f10')).toBe(true);
    expect(isConvArch('784-256-10')).toBe(false);
    const ops = parseConvArch('c16k3,p2,c32k5s2p1,f64,f10');
    expect(ops).toEqual([
      { kind: 'conv', out: 16, k: 3, s: 1, p: 0 },
      { kind: 'pool', k: 2 },
      { kind: 'conv', out: 32, k: 5, s: 2, p: 1 },
      { kind: 'dense', out: 64 },
      { kind: 'dense', out: 10 },
    ]);
    expect(formatConvArch(ops)).toBe('c16k3,p2,c32k5s2p1,f64,f10');
    expect(() => parseConvArch('c16k3,p2')).toThrow(/last layer must be dense/);
    expect(() => parseConvArch('p2,f10')).toThrow(/pool must follow/);
    expect(() => parseConvArch('f10,c4k3,f10')).toThrow(/before dense/);
    expect(() => parseConvArch('c4k3p3,f10')).toThrow(/padding/);
    expect(() => parseConvArch('c4x3,f10')).toThrow(/unknown token/);
  });
});

// The sign, and a 2-bit quantizer whose STE window [−0.5, 1] differs from the sign's (levels −1, 0, 1, 2 of step 0.5).
const convQuants: Array<[string, ActivationQuant | undefined]> = [
  ['sign', undefined],
  ['2-bit, window [-0.5, 1]', { bits: 2, levels: 4, outBias: -1, outScale: 0.5 }],
];

describe.each(convQuants)('conv layer gradients (numeric check, %s)', (_label, quant) => {
  // A hidden conv layer (BatchNorm, pool) that is not the first layer, on real-valued inputs.
  // With the pool's argmax and the activation's STE mask held fixed, the backward pass is the exact
  // gradient of  f(x, wb) = Σ_q c_q·mask_q·ypool_q  — checked by central differences.
  const { makeLayer, forwardLayer, backwardLayer } = _internal;
  const B = 3;
  const g = { conv: true, inH: 6, inW: 5, inC: 2, k: 3, s: 1, p: 1, padValue: -1, outH: 6, outW: 5, n: 18, m: 3, P: 30, pool: 2, poolH: 3, poolW: 2, hidden: true };
  const rng = new Prng(11);
  const L = makeLayer(g, B, false, quant);
  const { lo, hi } = steWindow(quant);
  for (let k = 0; k < L.wb.length; k++) {
    const v = rng.float() < 0.5 ? 1 : -1;
    L.wb[k] = v;
  }
  for (let i = 0; i < g.n; i++) for (let j = 0; j < g.m; j++) L.wbT[j * g.n + i] = L.wb[i * g.m + j]!;
  for (let j = 0; j < g.m; j++) {
    L.gamma[j] = 0.5 + rng.float();
    L.beta[j] = rng.float() - 0.5;
  }
  const x = Float32Array.from({ length: B * g.inH * g.inW * g.inC }, () => 2 * rng.float() - 1);
  const outSize = B * g.poolH * g.poolW * g.m;
  const c = Float64Array.from({ length: outSize }, () => 2 * rng.float() - 1);
  forwardLayer(L, x, B, 0.1);
  const mask = Float64Array.from(L.yp.subarray(0, outSize), (v) => (v <= hi && v >= lo ? 1 : 0));
  const arg = Int32Array.from(L.arg.subarray(0, outSize));
  const f = (): number => {
    forwardLayer(L, x, B, 0.1);
    let s = 0;
    // Evaluate at the fixed argmax (the pooled value at that position of y).
    for (let q = 0; q < outSize; q++) s += c[q]! * mask[q]! * L.y[arg[q]!]!;
    return s;
  };
  f();
  L.dact.set(Float32Array.from(c));
  const dx = new Float32Array(x.length);
  backwardLayer(L, x, B, dx);
  const dw = Float64Array.from(L.dw);

  it('has a non-trivial STE mask', () => {
    const on = mask.reduce((a, b) => a + b, 0);
    expect(on).toBeGreaterThan(outSize / 4);
    expect(on).toBeLessThan(outSize);
  });

  it('forward: the activation is the pooled y through the sign or quantizer', () => {
    for (let q = 0; q < outSize; q++) expect(L.act[q]).toBe(activationValue(quant, L.yp[q]!));
    // Values other than ±1 occur (levels 0.5 and 1 here): the quantized value, not the sign, is passed on.
    if (quant) expect(new Set(Array.from(L.act.subarray(0, outSize)))).toEqual(new Set([0.5, 1]));
  });

  it('input gradient (through BatchNorm, pool argmax, im2col with padding) matches finite differences', () => {
    const h = 1e-2;
    let worst = 0;
    const scale = Math.max(...Array.from(dx, Math.abs));
    for (let i = 0; i < x.length; i += 3) {
      const x0 = x[i]!;
      x[i] = x0 + h;
      const up = f();
      x[i] = x0 - h;
      const dn = f();
      x[i] = x0;
      worst = Math.max(worst, Math.abs((up - dn) / (2 * h) - dx[i]!));
    }
    expect(scale).toBeGreaterThan(0);
    expect(worst / scale).toBeLessThan(2e-2);
  });

  it('weight gradient (wrt the binary weights, the STE passes it to the latent ones) matches finite differences', () => {
    const h = 1e-2;
    let worst = 0;
    const scale = Math.max(...Array.from(dw, Math.abs));
    for (let i = 0; i < g.n; i++)
      for (let j = 0; j < g.m; j++) {
        const k = i * g.m + j;
        const w0 = L.wb[k]!;
        const set = (v: number) => {
          L.wb[k] = v;
          L.wbT[j * g.n + i] = v;
        };
        set(w0 + h);
        const up = f();
        set(w0 - h);
        const dn = f();
        set(w0);
        worst = Math.max(worst, Math.abs((up - dn) / (2 * h) - dw[k]!));
      }
    expect(scale).toBeGreaterThan(0);
    expect(worst / scale).toBeLessThan(2e-2);
  });
});

describe('convolutional training', () => {
  for (const fixedInput of [true, false]) {
    it(`a tiny run (${fixedInput ? 'fixed 8-bit' : 'binarized'} input) exports a loadable model whose float and integer predictions agree`, { timeout: 60_000 }, async () => {
      const ds = data();
      const r = await trainCnn(ds, tiny({ fixedInput }));
      expect(r.testAccuracy).toBeGreaterThan(0.3); // chance is 0.1
      const back = parseModel(serializeModel(r.model), 'tiny-cnn.yaml');
      expect(back.input).toMatchObject({ shape: [28, 28, 1], rawBits: 8, encoding: fixedInput ? { kind: 'fixed', signed: false } : { kind: 'threshold', threshold: 128 } });
      expect(back.layers.map((l) => l.kind)).toEqual(['conv2d', 'maxpool2d', 'conv2d', 'maxpool2d', 'dense']);
      expect(back.layers.map((l) => (l.kind === 'maxpool2d' ? '-' : l.activation.kind))).toEqual(['batchnorm', '-', 'batchnorm', '-', 'none']);
      expect(back.layers[0]).toMatchObject({ padValue: fixedInput ? 0 : -1 });
      expect(back.layers[2]).toMatchObject({ padding: 1, padValue: -1 });
      const n = 150;
      const fast = predictCnn(back, ds.test.images, n);
      const folded = foldThresholds(back);
      for (let s = 0; s < n; s++) {
        const img = ds.test.images.subarray(s * 784, (s + 1) * 784);
        const fl = floatForward(back, img).prediction;
        expect(integerForward(folded, img).prediction).toBe(fl);
        expect(fast[s]).toBe(fl);
      }
      const all = predictCnn(back, ds.test.images, ds.test.count);
      let ok = 0;
      for (let s = 0; s < ds.test.count; s++) if (all[s] === ds.test.labels[s]) ok++;
      expect(back.metadata.testAccuracy).toBe(Math.round((ok / ds.test.count) * 1e4) / 1e4);
    });
  }

  it('--act-bits 2: 2-bit conv outputs (-1, 0, +1) through max-pools and a zero-padded conv; float, integer and fast predictions agree', { timeout: 180_000 }, async () => {
    const ds = data();
    const r = await trainCnn(ds, tiny({ actBits: 2 }));
    expect(r.testAccuracy).toBeGreaterThan(0.3); // chance is 0.1
    const back = parseModel(serializeModel(r.model), 'tiny-cnn.yaml');
    expect(back.metadata).toMatchObject({ actBits: 2, fixedInput: true });
    const quants = back.layers.map((l) => (l.kind === 'maxpool2d' ? '-' : l.activation.kind === 'batchnorm' ? (l.activation.quant ?? 'sign') : l.activation.kind));
    const q = { bits: 2, levels: 3, outBias: -1, outScale: 1 };
    expect(quants).toEqual([q, '-', q, '-', 'none']);
    expect(back.layers[0]).toMatchObject({ padValue: 0 });
    expect(back.layers[2]).toMatchObject({ padding: 1, padValue: 0 });
    const n = 150;
    const fast = predictCnn(back, ds.test.images, n);
    const folded = foldThresholds(back);
    const levels = new Set<number>();
    for (let s = 0; s < n; s++) {
      const img = ds.test.images.subarray(s * 784, (s + 1) * 784);
      const fl = floatForward(back, img);
      for (const v of fl.layerValues[2]!) levels.add(v);
      expect(integerForward(folded, img).prediction).toBe(fl.prediction);
      expect(fast[s]).toBe(fl.prediction);
    }
    expect([...levels].sort()).toEqual([-1, 0, 1]);
    const all = predictCnn(back, ds.test.images, ds.test.count);
    let ok = 0;
    for (let s = 0; s < ds.test.count; s++) if (all[s] === ds.test.labels[s]) ok++;
    expect(back.metadata.testAccuracy).toBe(Math.round((ok / ds.test.count) * 1e4) / 1e4);
  });

  it('is deterministic for a seed: two runs give byte-identical YAML, another seed differs', { timeout: 60_000 }, async () => {
    const ds = data();
    const cfg = tiny({ augment: true, trainLimit: 200 });
    const a = serializeModel((await trainCnn(ds, cfg)).model);
    const b = serializeModel((await trainCnn(ds, cfg)).model);
    expect(b).toBe(a);
    const c = serializeModel((await trainCnn(ds, { ...cfg, seed: 6 })).model);
    expect(c).not.toBe(a);
  });

  it('rejects an architecture that does not fit the dataset', async () => {
    await expect(trainCnn(data(), tiny({ arch: parseConvArch('c4k3,f7') }))).rejects.toThrow(/output width/);
    await expect(trainCnn(data(), tiny({ arch: parseConvArch('c4k15,p8,c4k3,f10') }))).rejects.toThrow(/does not fit/);
  });
});
