import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { integerForward, binarizePacked } from '../compiler/integer-reference.js';
import { getBit } from '../model/bits.js';
import { floatForward } from '../model/float-reference.js';
import { parseModel, serializeModel } from '../model/io.js';
import { readNpy } from '../npy/read-npy.js';
import { importOnnxFile } from './import.js';
import { interpret } from './interpret.js';
import { readOnnxFile } from './read-onnx.js';
import { DataType } from './schema.js';
import { denseLayer, denseLayers } from '../testing/layers.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.resolve(projectRoot, '../shared/fixtures/finn-tfc-w1a1');

describe('FINN TFC-w1a1 fixture (../shared/fixtures/finn-tfc-w1a1)', () => {
  it('is present', () => {
    expect(existsSync(path.join(fixture, 'model.onnx'))).toBe(true);
  });

  const onnxFile = path.join(fixture, 'model.onnx');
  const result = importOnnxFile(onnxFile, { name: 'tfc-w1a1' });
  const inputs = readNpy(path.join(fixture, 'input.npy'));
  const expected = readNpy(path.join(fixture, 'expected_output.npy'));

  it('imports to a valid model v1 that round-trips through YAML', () => {
    const m = result.model;
    expect(m.input).toEqual({ shape: [1, 28, 28], encoding: { kind: 'threshold', threshold: 128 }, rawBits: 8 });
    expect(denseLayers(m).map((l) => [l.inputs, l.outputs, l.activation.kind])).toEqual([
      [784, 64, 'threshold'],
      [64, 64, 'threshold'],
      [64, 64, 'threshold'],
      [64, 10, 'none'],
    ]);
    expect(result.dialect).toBe('finn');
    expect(result.folded).toHaveLength(5);
    const again = parseModel(serializeModel(m), 'roundtrip.yaml');
    expect(serializeModel(again)).toBe(serializeModel(m));
  });

  it('agrees with the ONNX interpreter on every neuron of every layer, and both predict expected_output.npy', () => {
    expect(inputs.shape).toEqual([4, 1, 28, 28]);
    expect(expected.dtype).toBe('int64');
    expect(Array.from(expected.data)).toEqual([7, 2, 1, 0]);
    const onnx = readOnnxFile(onnxFile);
    // Load the imported model back from its YAML so the check covers what `bnn import` writes.
    const model = parseModel(serializeModel(result.model), 'imported.yaml');
    const im = foldThresholds(model);
    const per = 784;
    for (let s = 0; s < 4; s++) {
      const raw = inputs.data.subarray(s * per, (s + 1) * per);
      const values = interpret(onnx, { global_in: { dtype: DataType.FLOAT, shape: [1, 1, 28, 28], data: Float64Array.from(raw) } });
      const trace = integerForward(im, raw);

      // The binarized input: interpreter's MultiThreshold_0 output (±1) vs the input encoding.
      const inBits = binarizePacked(im, raw);
      const ib = values.get(result.trace.inputBits)!;
      for (let i = 0; i < per; i++) expect(ib.data[i] === 1 ? 1 : 0, `sample ${s} input ${i}`).toBe(getBit(inBits, i));

      // Every hidden layer, every neuron.
      expect(result.trace.layerOutputs).toHaveLength(trace.layerValues.length);
      result.trace.layerOutputs.forEach((name, li) => {
        const t = values.get(name)!;
        expect(t.data.every((v) => v === 1 || v === -1)).toBe(true);
        for (let j = 0; j < denseLayer(model, li).outputs; j++)
          expect(t.data[j] === 1 ? 1 : 0, `sample ${s} layer ${li} neuron ${j}`).toBe(trace.layerValues[li]![j]);
      });

      // The prediction: TopK indices of the graph, integer model, float reference, expected.
      const pred = values.get(result.trace.output)!.data[0];
      expect(pred).toBe(expected.data[s]);
      expect(trace.prediction).toBe(expected.data[s]);
      expect(floatForward(model, raw).prediction).toBe(expected.data[s]);
    }
  });
});
