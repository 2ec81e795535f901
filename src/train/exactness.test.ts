import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { integerForward } from '../compiler/integer-reference.js';
import { FASHION_MNIST_DIR, loadDataset, type Dataset } from '../datasets/index.js';
import { floatForward } from '../model/float-reference.js';
import { loadModel } from '../model/io.js';
import { predictAll } from './evaluate.js';

/**
 * Every trained model shipped in models/: the float reference (floatForward) and the folded
 * integer model (integerForward ∘ foldThresholds) predict the same class on every test image of
 * its dataset, the trainer's fast evaluator agrees with both, and the accuracy they give is the
 * one stored in the model's metadata.
 */
const modelsDir = fileURLToPath(new URL('../../models/', import.meta.url));
const shipped = existsSync(modelsDir)
  ? readdirSync(modelsDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => ({ file: modelsDir + f, model: loadModel(modelsDir + f) }))
      .filter((m) => m.model.metadata.source === 'trained')
  : [];

const datasets = new Map<string, Dataset>();
function dataset(name: string): Dataset {
  if (!datasets.has(name)) datasets.set(name, loadDataset(name));
  return datasets.get(name)!;
}

describe('shipped trained models: float reference = integer model on every test image', () => {
  it('ships at least one trained model', () => {
    expect(shipped.length).toBeGreaterThan(0);
  });

  for (const { file, model } of shipped) {
    const dsName = String(model.metadata.dataset);
    const available = dsName !== 'fashion-mnist' || existsSync(FASHION_MNIST_DIR);
    it.runIf(available)(`${model.name} (${dsName})`, { timeout: 120_000 }, () => {
      const ds = dataset(dsName);
      const folded = foldThresholds(model);
      const fast = predictAll(model, ds.test.images, ds.test.count);
      const px = ds.rows * ds.cols;
      let correct = 0;
      let mismatches = 0;
      for (let s = 0; s < ds.test.count; s++) {
        const img = ds.test.images.subarray(s * px, (s + 1) * px);
        const f = floatForward(model, img).prediction;
        const i = integerForward(folded, img).prediction;
        if (f !== i || f !== fast[s]) mismatches++;
        if (f === ds.test.labels[s]) correct++;
      }
      expect(mismatches, `${file}: predictions differ`).toBe(0);
      expect(ds.test.count).toBe(model.metadata.testImages);
      expect(Math.round((correct / ds.test.count) * 1e4) / 1e4).toBe(model.metadata.testAccuracy);
    });
  }
});
