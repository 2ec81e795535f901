import { describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '../datasets/index.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { integerForward } from '../compiler/integer-reference.js';
import { floatForward } from '../model/float-reference.js';
import { parseModel, serializeModel } from '../model/io.js';
import { predictAll } from './evaluate.js';
import { predictCnn } from './evaluate-conv.js';
import { parseArch, parseConvArch } from './arch.js';
import { trainCnn } from './cnn.js';
import { trainDense } from './dense.js';
import { isConvConfig, train, type TrainConfig } from './trainer.js';
import { denseLayer, denseLayers } from '../testing/layers.js';

let mnist: Dataset | undefined;
function data(): Dataset {
  mnist ??= loadDataset('mnist');
  return mnist;
}

const tiny = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  name: 'tiny',
  arch: [784, 64, 64, 10],
  epochs: 1,
  seed: 3,
  batch: 20,
  lr: 0.01,
  augment: false,
  threads: 1,
  trainLimit: 500,
  command: 'bnn train --dataset mnist --arch 784-64-64-10 --epochs 1 --seed 3 --batch 20 --lr 0.01 --train-limit 500 -o tiny.yaml',
  ...over,
});

describe('trainer', () => {
  it('parses architectures', () => {
    expect(parseArch('784-256-10')).toEqual([784, 256, 10]);
    expect(() => parseArch('784')).toThrow(/architecture/);
    expect(() => parseArch('784-0-10')).toThrow(/architecture/);
    expect(() => parseArch('784-x-10')).toThrow(/architecture/);
  });

  it('a tiny run (500 images, one epoch) learns something and writes a valid model', async () => {
    const ds = data();
    const r = await train(ds, tiny());
    expect(r.epochs).toHaveLength(1);
    expect(r.testAccuracy).toBeGreaterThan(0.4); // chance is 0.1
    const yaml = serializeModel(r.model);
    const back = parseModel(yaml, 'tiny.yaml');
    expect(back.metadata).toMatchObject({ source: 'trained', dataset: 'mnist', arch: '784-64-64-10', epochs: 1, seed: 3 });
    expect(denseLayers(back).map((l) => l.activation.kind)).toEqual(['batchnorm', 'batchnorm', 'none']);
    const scale = (denseLayer(back, 2).activation as { scale?: number }).scale;
    expect(scale).toBeGreaterThan(0);
    // The reported accuracy is the exported model's, as the float reference computes it.
    const n = 300;
    const preds = predictAll(back, ds.test.images, n);
    const folded = foldThresholds(back);
    for (let s = 0; s < n; s++) {
      const img = ds.test.images.subarray(s * 784, (s + 1) * 784);
      const f = floatForward(back, img).prediction;
      expect(preds[s]).toBe(f);
      expect(integerForward(folded, img).prediction).toBe(f);
    }
    const all = predictAll(back, ds.test.images, ds.test.count);
    let ok = 0;
    for (let s = 0; s < ds.test.count; s++) if (all[s] === ds.test.labels[s]) ok++;
    expect(back.metadata.testAccuracy).toBe(Math.round((ok / ds.test.count) * 1e4) / 1e4);
  });

  it('--act-bits 2 (dense): hidden layers export batchnorm + quant (-1, 0, +1); float, integer and both fast evaluators agree; the same seed gives the same file', { timeout: 120_000 }, async () => {
    const ds = data();
    const cfg = tiny({ actBits: 2, command: 'bnn train --dataset mnist --arch 784-64-64-10 --epochs 1 --seed 3 --batch 20 --lr 0.01 --act-bits 2 --train-limit 500 -o tiny.yaml' });
    const r = await train(ds, cfg);
    expect(r.testAccuracy).toBeGreaterThan(0.4); // chance is 0.1
    const yaml = serializeModel(r.model);
    expect(serializeModel((await train(ds, cfg)).model)).toBe(yaml);
    const back = parseModel(yaml, 'tiny.yaml');
    expect(back.metadata).toMatchObject({ source: 'trained', arch: '784-64-64-10', actBits: 2 });
    const q = { bits: 2, levels: 3, outBias: -1, outScale: 1 };
    expect(denseLayers(back).map((l) => (l.activation.kind === 'batchnorm' ? l.activation.quant : l.activation.kind))).toEqual([q, q, 'none']);
    // The bit-plane evaluator (predictAll) and the float32 matrix one (predictCnn) are independent exact paths.
    const fast = predictAll(back, ds.test.images, ds.test.count);
    expect(Array.from(predictCnn(back, ds.test.images, ds.test.count))).toEqual(Array.from(fast));
    const folded = foldThresholds(back);
    const levels = new Set<number>();
    for (let s = 0; s < 300; s++) {
      const img = ds.test.images.subarray(s * 784, (s + 1) * 784);
      const f = floatForward(back, img);
      for (const v of f.layerValues[1]!) levels.add(v);
      expect(fast[s]).toBe(f.prediction);
      expect(integerForward(folded, img).prediction).toBe(f.prediction);
    }
    expect([...levels].sort()).toEqual([-1, 0, 1]);
    let ok = 0;
    for (let s = 0; s < ds.test.count; s++) if (fast[s] === ds.test.labels[s]) ok++;
    expect(back.metadata.testAccuracy).toBe(Math.round((ok / ds.test.count) * 1e4) / 1e4);
    expect(r.testAccuracy).toBe(ok / ds.test.count);
  });

  it('is deterministic for a seed: two runs give byte-identical YAML, another seed differs', async () => {
    const ds = data();
    const cfg = tiny({ arch: [784, 16, 10], trainLimit: 200, batch: 40, augment: true });
    const a = serializeModel((await train(ds, cfg)).model);
    const b = serializeModel((await train(ds, cfg)).model);
    expect(b).toBe(a);
    const c = serializeModel((await train(ds, { ...cfg, seed: 4 })).model);
    expect(c).not.toBe(a);
  });

  it('rejects an architecture that does not fit the dataset', async () => {
    await expect(train(data(), tiny({ arch: [100, 10, 10] }))).rejects.toThrow(/input width/);
    await expect(train(data(), tiny({ arch: [784, 10, 7] }))).rejects.toThrow(/output width/);
  });

  it('train() picks the trainer by architecture: conv ops run the convolutional trainer, widths the dense one', async () => {
    const ds = data();
    const conv = { name: 'tinyconv', arch: parseConvArch('c4k3,p2,f10'), epochs: 1, seed: 2, batch: 20, lr: 0.01, augment: false, fixedInput: false, trainLimit: 100, recalibrateLimit: 100 };
    const viaEntry = await train(ds, conv);
    expect(viaEntry.model.layers.map((l) => l.kind)).toEqual(['conv2d', 'maxpool2d', 'dense']);
    expect(serializeModel(viaEntry.model)).toBe(serializeModel((await trainCnn(ds, conv)).model));
    const dense = tiny({ arch: [784, 16, 10], trainLimit: 100 });
    expect(serializeModel((await train(ds, dense)).model)).toBe(serializeModel((await trainDense(ds, dense)).model));
    expect(isConvConfig(conv)).toBe(true);
    expect(isConvConfig(dense)).toBe(false);
  });
});

