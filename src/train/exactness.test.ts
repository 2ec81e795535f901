import { existsSync, readdirSync } from 'node:fs';
import { runUnlessOptional } from '../util/ci.js';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { integerForward } from '../compiler/integer-reference.js';
import { FASHION_MNIST_DIR, loadDataset, type Dataset } from '../datasets/index.js';
import { floatForward } from '../model/float-reference.js';
import { loadModel } from '../model/io.js';
import type { Model } from '../model/types.js';
import { predictAll } from './evaluate.js';

/**
 * Every trained model shipped in models/: the float reference (floatForward) and the folded
 * integer model (integerForward ∘ foldThresholds) predict the same class on every test image of
 * its dataset, the trainer's fast evaluator agrees with both, and the accuracy they give is the
 * one stored in the model's metadata.
 *
 * Convolutional models and models over a million weights: the fast evaluator (predictAll, i.e. predictCnn) runs on every test image and must give
 * the stored accuracy; floatForward and the integer model (slow for convolutions: ~10 ms per
 * image each) are compared with it on a deterministic subset, every 5th test image (2,000 of
 * Fashion-MNIST's 10,000). BNN_FULL_EXACTNESS=1 compares them on every test image.
 */
const modelsDir = fileURLToPath(new URL('../../models/', import.meta.url));
const files = existsSync(modelsDir) ? readdirSync(modelsDir).filter((f) => /\.ya?ml$/.test(f)) : [];
// A file that does not load is a failing test of its own, not a crash of the whole suite.
const loaded = files.map((f) => {
  try {
    return { file: modelsDir + f, model: loadModel(modelsDir + f) as Model | undefined, error: undefined as unknown };
  } catch (error) {
    return { file: modelsDir + f, model: undefined, error };
  }
});
const shipped = loaded.filter((m) => m.model?.metadata.source === 'trained') as Array<{ file: string; model: Model }>;
const full = process.env.BNN_FULL_EXACTNESS === '1';

const datasets = new Map<string, Dataset>();
function dataset(name: string): Dataset {
  if (!datasets.has(name)) datasets.set(name, loadDataset(name));
  return datasets.get(name)!;
}

describe('shipped trained models: float reference = integer model on every test image', () => {
  it('ships at least one trained model', () => {
    expect(shipped.length).toBeGreaterThan(0);
  });

  for (const { file, error } of loaded.filter((m) => m.error !== undefined))
    it(`${file} loads`, () => {
      throw error;
    });

  for (const { file, model } of shipped) {
    const dsName = String(model.metadata.dataset);
    const available = dsName !== 'fashion-mnist' || existsSync(FASHION_MNIST_DIR);
    it.runIf(runUnlessOptional(available))(`${model.name} (${dsName})`, { timeout: 300_000 }, () => {
      const ds = dataset(dsName);
      const folded = foldThresholds(model);
      const conv = model.layers.some((l) => l.kind !== 'dense');
      const fast = predictAll(model, ds.test.images, ds.test.count);
      const px = ds.rows * ds.cols;
      // Slow references on big models (convolutions, or over a million weights like LFC) are
      // compared on every 5th image; the fast evaluator still covers every image.
      const weights = model.layers.reduce((n, l) => n + (l.kind === 'maxpool2d' ? 0 : l.weights.length * (l.kind === 'dense' ? l.inputs : l.kernel * l.kernel * l.inChannels)), 0);
      const every = (conv || weights > 1_000_000) && !full ? 5 : 1;
      let mismatches = 0;
      let checked = 0;
      for (let s = 0; s < ds.test.count; s += every) {
        const img = ds.test.images.subarray(s * px, (s + 1) * px);
        const f = floatForward(model, img).prediction;
        const i = integerForward(folded, img).prediction;
        if (f !== i || f !== fast[s]) mismatches++;
        checked++;
      }
      let correct = 0;
      for (let s = 0; s < ds.test.count; s++) if (fast[s] === ds.test.labels[s]) correct++;
      expect(checked).toBe(Math.ceil(ds.test.count / every));
      expect(mismatches, `${file}: predictions differ`).toBe(0);
      expect(ds.test.count).toBe(model.metadata.testImages);
      expect(Math.round((correct / ds.test.count) * 1e4) / 1e4).toBe(model.metadata.testAccuracy);
    });
  }
});
