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
 * its dataset — and give the same elements (bits, or the integers u of multi-bit layers) in every
 * layer — the trainer's fast evaluator agrees with both, and the accuracy they give is the one
 * stored in the model's metadata. Multi-bit (W1A2 …) models are checked the same way.
 *
 * Convolutional models and models over a million weights: the fast evaluator (predictAll, i.e. predictCnn) runs on every test image and must give
 * the stored accuracy; floatForward and the integer model (slow for convolutions: ~10 ms per
 * image each) are compared with it on a deterministic subset, every 5th test image (2,000 of
 * Fashion-MNIST's 10,000; every 25th, 400, for multi-bit convolutional models, ~3× slower).
 * BNN_FULL_EXACTNESS=1 compares them on every test image.
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

/** Every how many test images the slow references run (1 with BNN_FULL_EXACTNESS=1); src/onnx/export.test.ts follows the same rule. */
function referenceStride(conv: boolean, weights: number, actBits: number): number {
  if (full) return 1;
  if (conv && actBits > 1) return 25;
  return conv || weights > 1_000_000 ? 5 : 1;
}

const datasets = new Map<string, Dataset>();
function dataset(name: string): Dataset {
  if (!datasets.has(name)) datasets.set(name, loadDataset(name));
  return datasets.get(name)!;
}

/** A model's command without its output file and --act-bits: what a W1A2 model shares with its W1A1 sibling. */
const commandCore = (m: Model) => String(m.metadata.command).replace(/ --act-bits [0-9]+/, '').replace(/ -o \S+$/, '');

describe('shipped multi-bit models', () => {
  const multiBit = shipped.filter(({ model }) => Number(model.metadata.actBits ?? 1) > 1);
  it('include a W1A2 model', () => {
    expect(multiBit.some(({ model }) => model.metadata.actBits === 2)).toBe(true);
  });
  for (const { model } of multiBit)
    it(`${model.name} has a W1A1 sibling trained with the same command but --act-bits`, () => {
      const siblingName = model.name.replace(/-w1a[0-9]$/, '');
      expect(siblingName).not.toBe(model.name);
      const sibling = shipped.find((m) => m.model.name === siblingName)?.model;
      expect(sibling, `models/${siblingName}.yaml`).toBeDefined();
      expect(sibling!.metadata.actBits ?? 1).toBe(1);
      expect(String(model.metadata.command)).toContain(` --act-bits ${String(model.metadata.actBits)} `);
      expect(commandCore(model)).toBe(commandCore(sibling!));
      expect(String(model.metadata.command)).toMatch(new RegExp(` -o models/${model.name}\\.yaml$`));
    });
});

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
      // compared on every 5th image, multi-bit convolutional ones (whose references are ~3× slower:
      // integer elements, no bit packing) on every 25th; the fast evaluator still covers every image.
      const weights = model.layers.reduce((n, l) => n + (l.kind === 'maxpool2d' ? 0 : l.weights.length * (l.kind === 'dense' ? l.inputs : l.kernel * l.kernel * l.inChannels)), 0);
      const every = referenceStride(conv, weights, Number(model.metadata.actBits ?? 1));
      let mismatches = 0;
      let elementMismatches = 0;
      let checked = 0;
      for (let s = 0; s < ds.test.count; s += every) {
        const img = ds.test.images.subarray(s * px, (s + 1) * px);
        const ft = floatForward(model, img);
        const itr = integerForward(folded, img);
        const f = ft.prediction;
        if (f !== itr.prediction || f !== fast[s]) mismatches++;
        if (ft.layerValues.some((v, li) => v.some((x, k) => x !== itr.layerValues[li]![k]))) elementMismatches++;
        checked++;
      }
      let correct = 0;
      for (let s = 0; s < ds.test.count; s++) if (fast[s] === ds.test.labels[s]) correct++;
      expect(checked).toBe(Math.ceil(ds.test.count / every));
      expect(mismatches, `${file}: predictions differ`).toBe(0);
      expect(elementMismatches, `${file}: layer elements differ`).toBe(0);
      expect(ds.test.count).toBe(model.metadata.testImages);
      expect(Math.round((correct / ds.test.count) * 1e4) / 1e4).toBe(model.metadata.testAccuracy);
    });
  }
});
