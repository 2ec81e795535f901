import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { integerForward } from '../compiler/integer-reference.js';
import { FASHION_MNIST_DIR, loadDataset, type Dataset } from '../datasets/index.js';
import { loadModel, parseModel, serializeModel } from '../model/io.js';
import { randomModel, type RandomModelOptions } from '../model/random-model.js';
import type { Model } from '../model/types.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { checkAgainstInterpreter } from '../testing/onnx-graphs.js';
import { runUnlessOptional } from '../util/ci.js';
import { Prng } from '../util/prng.js';
import { integerNetworkDifference } from './equivalence.js';
import { EXPORT_OPSET, QONNX_DOMAIN, exportQonnx } from './export.js';
import { importOnnx, type ImportResult } from './import.js';
import { readOnnx } from './read-onnx.js';

/**
 * `bnn export`: a model written as QONNX and imported back is the same network — the same
 * integer model on every reachable accumulator (integerNetworkDifference), the same predictions
 * and scores on every test image of a shipped model's dataset (random frames for random models),
 * and the ONNX interpreter on the exported graph agrees with the integer model on every neuron.
 */
const modelsDir = fileURLToPath(new URL('../../models/', import.meta.url));
const full = process.env.BNN_FULL_EXACTNESS === '1';
const datasets = new Map<string, Dataset>();
const dataset = (name: string) => {
  if (!datasets.has(name)) datasets.set(name, loadDataset(name));
  return datasets.get(name)!;
};

function roundTrip(m: Model): { r: ImportResult; back: Model; bytes: Uint8Array; notes: string[] } {
  const ex = exportQonnx(m);
  const r = importOnnx(ex.bytes, { name: m.name });
  // Through YAML, as `bnn import` writes it.
  const back = parseModel(serializeModel(r.model), 'imported.yaml');
  return { r, back, bytes: ex.bytes, notes: ex.notes };
}

/** The graph's input (NCHW) for a model raw frame: graph element inputOrder[k] is model element k. */
function graphInput(r: ImportResult, raw: ArrayLike<number>): Float64Array {
  const g = new Float64Array(raw.length);
  const order = r.trace.inputOrder;
  for (let k = 0; k < raw.length; k++) g[order ? order[k]! : k] = raw[k]!;
  return g;
}

/** integerForward of both models on every frame: predictions and scores. */
function compareOn(a: Model, b: Model, frames: ArrayLike<number>[]): { mismatches: number; predictions: number[] } {
  const ia = foldThresholds(a);
  const ib = foldThresholds(b);
  let mismatches = 0;
  const predictions: number[] = [];
  for (const f of frames) {
    const ta = integerForward(ia, f);
    const tb = integerForward(ib, f);
    if (ta.prediction !== tb.prediction || ta.scores.length !== tb.scores.length || ta.scores.some((v, j) => v !== tb.scores[j])) mismatches++;
    predictions.push(ta.prediction);
  }
  return { mismatches, predictions };
}

function randomFrames(m: Model, count: number, seed: number): number[][] {
  const n = m.input.shape.reduce((a, b) => a * b, 1);
  const rng = new Prng(seed);
  const enc = m.input.encoding;
  const lo = enc.kind === 'fixed' && enc.signed ? -(2 ** (m.input.rawBits - 1)) : 0;
  return Array.from({ length: count }, () => Array.from({ length: n }, () => lo + rng.int(2 ** m.input.rawBits)));
}

/** The model with its last (dense) layer thresholded at the middle of its popcounts, and an output rule for its bits. */
function withThresholdedLast(m: Model, rule: 'lowest-set-bit' | 'highest-set-bit'): Model {
  const last = m.layers[m.layers.length - 1]!;
  if (last.kind !== 'dense') throw new Error('a dense last layer expected');
  const rng = new Prng(17);
  const thresholds = Array.from({ length: last.outputs }, () => Math.floor(last.inputs / 2) - 2 + rng.int(5));
  return { ...m, layers: [...m.layers.slice(0, -1), { ...last, activation: { kind: 'threshold', thresholds, direction: thresholds.map(() => 'ge' as const) } }], output: { kind: rule } };
}

const files = existsSync(modelsDir) ? readdirSync(modelsDir).filter((f) => /\.ya?ml$/.test(f)) : [];

describe('bnn export → bnn import: every shipped model (models/*.yaml) is the same network', () => {
  it('ships dense and convolutional models', () => {
    const kinds = files.map((f) => loadModel(modelsDir + f).layers[0]!.kind);
    expect(kinds).toContain('dense');
    expect(kinds).toContain('conv2d');
  });

  for (const f of files) {
    const model = loadModel(modelsDir + f);
    const trained = model.metadata.source === 'trained';
    const dsName = String(model.metadata.dataset ?? '');
    const available = !trained || dsName !== 'fashion-mnist' || existsSync(FASHION_MNIST_DIR);
    it.runIf(runUnlessOptional(available))(`${model.name}: same integer network, same predictions and scores on ${trained ? `every test image of ${dsName}` : '300 random frames'}, interpreter = integer model on every neuron`, { timeout: 300_000 }, () => {
      const { r, back, bytes } = roundTrip(model);
      expect(integerNetworkDifference(foldThresholds(model), foldThresholds(back))).toBeUndefined();
      const weights = model.layers.reduce((n, l) => n + (l.kind === 'maxpool2d' ? 0 : l.weights.length * (l.kind === 'dense' ? l.inputs : l.kernel * l.kernel * l.inChannels)), 0);
      const conv = model.layers.some((l) => l.kind !== 'dense');
      let frames: ArrayLike<number>[];
      if (trained) {
        const ds = dataset(dsName);
        const px = ds.rows * ds.cols;
        // As src/train/exactness.test.ts: convolutional and > 1M-weight models every 5th image, multi-bit
        // convolutional ones every 25th (BNN_FULL_EXACTNESS=1: all).
        const every = full ? 1 : conv && Number(model.metadata.actBits ?? 1) > 1 ? 25 : conv || weights > 1_000_000 ? 5 : 1;
        frames = [];
        for (let s = 0; s < ds.test.count; s += every) frames.push(ds.test.images.subarray(s * px, (s + 1) * px));
        expect(frames.length).toBe(Math.ceil(ds.test.count / every));
      } else frames = randomFrames(model, 300, 11);
      const cmp = compareOn(model, back, frames);
      expect(cmp.mismatches).toBe(0);
      // The interpreter on the exported file itself, on the first frames.
      const sample = frames.slice(0, conv || weights > 1_000_000 ? 6 : 25);
      const c = checkAgainstInterpreter(bytes, r, sample.map((x) => graphInput(r, x)));
      expect(c.mismatches).toEqual([]);
      expect(c.predictions).toEqual(cmp.predictions.slice(0, sample.length));
    });
  }
});

describe('bnn export → bnn import: random multi-bit and convolutional networks', () => {
  const cases: Array<{ name: string; opts: Omit<RandomModelOptions, 'name'>; thresholdedLast?: boolean }> = [
    { name: 'W1A2 conv, signed levels −1..1, padded, pools', opts: { seed: 3, input: [12, 12, 2], layers: [{ conv: 4, kernel: 3, padding: 1 }, { pool: 2 }, { conv: 6, kernel: 3 }, { pool: 2 }, { dense: 5 }], quant: { bits: 2, levels: 3, outBias: -1 } } },
    { name: 'W1A3 conv on a fixed-point input, unsigned levels, outScale 0.5', opts: { seed: 4, input: [9, 9, 1], fixedInput: { signed: false }, layers: [{ conv: 3, kernel: 3 }, { pool: 2 }, { conv: 4, kernel: 2 }, { dense: 6 }], quant: { bits: 3, outScale: 0.5 } } },
    { name: 'W1A4 conv, signed 4-bit levels −8..7, stride 2', opts: { seed: 5, input: [11, 11, 3], layers: [{ conv: 5, kernel: 3, stride: 2 }, { conv: 4, kernel: 2 }, { dense: 4 }], quant: { bits: 4, outBias: -8 } } },
    { name: 'W1A2 dense on a signed fixed-point input', opts: { seed: 6, arch: [40, 24, 16, 10], fixedInput: { signed: true }, quant: { bits: 2 } } },
    { name: 'W1A2 conv with outScale 0.1 (levels not exact in float32: exported with out_scale 1)', opts: { seed: 7, input: [8, 8, 1], layers: [{ conv: 3, kernel: 3 }, { dense: 4 }], quant: { bits: 2, outScale: 0.1 } } },
    { name: 'W1A1 conv, 3-channel input, padValue +1 and −1 (Pad nodes)', opts: { seed: 8, input: [9, 9, 3], layers: [{ conv: 4, kernel: 3, padding: 1, padValue: 1 }, { pool: 2 }, { conv: 6, kernel: 3, padding: 1, padValue: -1 }, { dense: 5 }] } },
    { name: 'W1A1 dense, thresholded last layer (lowest-set-bit)', opts: { seed: 9, arch: [30, 20, 8] }, thresholdedLast: true },
  ];
  for (const c of cases)
    it(`${c.name}: same integer network, same predictions and scores on 400 random frames, interpreter = integer model on every neuron`, { timeout: 120_000 }, () => {
      const model = c.thresholdedLast ? withThresholdedLast(randomModel({ name: 'rt', ...c.opts }), 'lowest-set-bit') : randomModel({ name: 'rt', ...c.opts });
      const { r, back, bytes, notes } = roundTrip(model);
      expect(integerNetworkDifference(foldThresholds(model), foldThresholds(back))).toBeUndefined();
      const frames = randomFrames(model, 400, 21);
      const cmp = compareOn(model, back, frames);
      expect(cmp.mismatches).toBe(0);
      const chk = checkAgainstInterpreter(bytes, r, frames.slice(0, 30).map((x) => graphInput(r, x)));
      expect(chk.mismatches).toEqual([]);
      for (const d of chk.distinct) expect(d).toBeGreaterThan(1);
      if (c.opts.quant?.outScale === 0.1) expect(notes.join('\n')).toMatch(/out_scale 1 instead of the model's outScale 0\.1/);
      else expect(notes).toEqual([]);
    });
});

describe('the exported QONNX graph', () => {
  it('declares opset 13 and qonnx.custom_op.general v1; custom ops are in that domain; MultiThreshold carries out_dtype (required by qonnx)', () => {
    const m = randomModel({ name: 'g', seed: 2, input: [8, 8, 1], layers: [{ conv: 3, kernel: 3 }, { pool: 2 }, { dense: 4 }], quant: { bits: 2, levels: 3, outBias: -1 } });
    const onnx = readOnnx(exportQonnx(m).bytes);
    expect(onnx.opsets).toEqual([{ domain: '', version: EXPORT_OPSET }, { domain: QONNX_DOMAIN, version: 1 }]);
    expect(onnx.producerName).toBe('bnn');
    expect(onnx.graph.nodes.map((n) => n.opType)).toEqual([
      'MultiThreshold', 'BipolarQuant', 'Conv', 'MultiThreshold', 'MaxPool', 'Transpose', 'Reshape', 'BipolarQuant', 'MatMul', 'TopK',
    ]);
    for (const n of onnx.graph.nodes) {
      if (['MultiThreshold', 'BipolarQuant', 'Quant'].includes(n.opType)) expect(n.domain).toBe(QONNX_DOMAIN);
      else expect(n.domain).toBe('');
      if (n.opType === 'MultiThreshold') expect(n.attrs.get('out_dtype')?.type).toBe('string');
    }
    const act = onnx.graph.nodes[3]!;
    expect(act.attrs.get('out_dtype')).toEqual({ type: 'string', value: 'INT2' });
    expect(onnx.graph.annotations.get('global_in')).toEqual({ finn_datatype: 'UINT8' });
    expect(onnx.graph.inputs[0]!.shape).toEqual([1, 1, 8, 8]);
  });

  it('a threshold on the popcount p becomes a MultiThreshold on x = 2p − N; an `le` neuron is negated first (p <= t ⇔ −x >= −(2t − N))', () => {
    const m = randomModel({ name: 't', seed: 1, arch: [6, 2, 3] });
    m.layers[0] = { ...(m.layers[0] as Extract<Model['layers'][number], { kind: 'dense' }>), activation: { kind: 'threshold', thresholds: [4, 2], direction: ['ge', 'le'] } };
    const onnx = readOnnx(exportQonnx(m).bytes);
    const dir = onnx.graph.initializers.get('fc0/dir')!;
    expect(Array.from(dir.data)).toEqual([1, -1]);
    const th = onnx.graph.initializers.get('fc0/thresholds')!;
    expect(th.shape).toEqual([2, 1]);
    expect(Array.from(th.data)).toEqual([2 * 4 - 6, -(2 * 2 - 6)]);
    const { back } = roundTrip(m);
    expect(back.layers[0]).toMatchObject({ activation: { kind: 'threshold', thresholds: [4, 2], direction: ['ge', 'le'] } });
  });

  it('refuses the output rule highest-set-bit (EXPORT_UNSUPPORTED naming output.kind): TopK breaks ties to the lowest index', () => {
    const m = withThresholdedLast(randomModel({ name: 'h', seed: 1, arch: [10, 6, 4] }), 'highest-set-bit');
    const e = bnnErrorOf(() => exportQonnx(m));
    expect(e.detail).toMatchObject({ code: 'EXPORT_UNSUPPORTED', field: 'output.kind', got: 'highest-set-bit' });
  });
});
