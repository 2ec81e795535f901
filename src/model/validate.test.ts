import { describe, expect, it } from 'vitest';
import { BnnError } from '../errors.js';
import { parseModel, serializeModel } from './io.js';
import { randomModel } from './random-model.js';
import { denseLayers } from '../testing/layers.js';

function errorOf(text: string): BnnError {
  try {
    parseModel(text, 'bad.yaml');
  } catch (e) {
    if (e instanceof BnnError) return e;
    throw e;
  }
  throw new Error('expected the model to be rejected');
}

const good = serializeModel(randomModel({ name: 'tiny', arch: [8, 4, 3], seed: 7 }));

describe('model format v1 loading', () => {
  it('round-trips through serialize/parse unchanged', () => {
    const m = parseModel(good, 'tiny.yaml');
    expect(serializeModel(m)).toBe(good);
    expect(denseLayers(m).map((l) => [l.inputs, l.outputs])).toEqual([[8, 4], [4, 3]]);
  });

  it.each([
    ['wrong version', good.replace('version: 1', 'version: 2'), 'version', '1'],
    ['short hex row', good.replace(/rows:\n(\s+)- "[0-9a-f]+"/, 'rows:\n$1- "f"'), 'layers[0].weights.rows[0]', '2 hex digits'],
    ['non-hex row', good.replace(/rows:\n(\s+)- "[0-9a-f]+"/, 'rows:\n$1- "zz"'), 'layers[0].weights.rows[0]', 'hex digits'],
    ['fan-in mismatch', good.replace('inputs: 4', 'inputs: 5'), 'layers[1].inputs', '4'],
    ['NaN gamma', good.replace(/gamma: \[[^,\]]+/, 'gamma: [.nan'), 'layers[0].activation.gamma[0]', 'finite'],
    ['missing beta', good.replace(/\n\s+beta: \[[^\]]*\]/, ''), 'layers[0].activation.beta', 'a list of 4'],
    ['bad layer name', good.replace('name: fc0', 'name: "fc 0/../x"'), 'layers[0].name', '[A-Za-z0-9_.-]'],
    ['hidden layer without activation', good.replace(/kind: batchnorm/, 'kind: none'), 'layers[0].activation.kind', '"batchnorm"'],
  ])('rejects %s naming the file and field', (_, text, field, expected) => {
    const e = errorOf(text);
    expect(e.detail.code).toBe('MODEL_INVALID');
    expect(e.detail.file).toBe('bad.yaml');
    expect(e.detail.field).toBe(field);
    expect(e.detail.expected).toContain(expected);
    expect(e.message).toContain('bad.yaml');
  });

  it('round-trips convolutional models with a fixed-point first layer', () => {
    const m = randomModel({
      name: 'cnn',
      seed: 2,
      input: [6, 6, 2],
      fixedInput: { signed: true },
      layers: [{ conv: 4, kernel: 3, padding: 1 }, { pool: 2 }, { conv: 4, kernel: 2, stride: 1, padValue: 1 }, { dense: 3 }],
    });
    const text = serializeModel(m);
    const back = parseModel(text, 'cnn.yaml');
    expect(serializeModel(back)).toBe(text);
    expect(back.input.encoding).toEqual({ kind: 'fixed', signed: true });
    expect(back.layers.map((l) => l.kind)).toEqual(['conv2d', 'maxpool2d', 'conv2d', 'dense']);
  });

  it('rejects convolution shapes that do not fit', () => {
    const text = serializeModel(randomModel({ name: 'c', seed: 1, input: [6, 6, 2], layers: [{ conv: 4, kernel: 3 }, { dense: 3 }] }));
    expect(errorOf(text.replace('inChannels: 2', 'inChannels: 3')).detail).toMatchObject({ field: 'layers[0].inChannels', expected: '2 (the channels of the input shape)' });
    expect(errorOf(text.replace('inputs: 64', 'inputs: 65')).detail.field).toBe('layers[1].inputs');
    expect(errorOf(text.replace('padValue: -1', 'padValue: 0')).detail.field).toBe('layers[0].padValue');
  });

  it('rejects malformed YAML with the file name', () => {
    const e = errorOf('format: [unclosed');
    expect(e.detail.code).toBe('MODEL_INVALID');
    expect(e.message).toMatch(/bad\.yaml: not valid YAML/);
  });

  it('rejects hex rows with bits beyond the fan-in', () => {
    // 8 inputs = 2 hex digits exactly; a 6-input layer leaves the top 2 bits of its first digit unused.
    const m = randomModel({ name: 't', arch: [6, 2, 2], seed: 1 });
    const text = serializeModel(m).replace(/rows:\n(\s+)- "[0-9a-f]+"/, 'rows:\n$1- "ff"');
    expect(() => parseModel(text, 'x.yaml')).toThrow(/unused high bits zero/);
  });
});

describe('sizes checked before allocation (issue 14)', () => {
  const conv = () =>
    serializeModel(randomModel({ name: 'c', seed: 1, input: [8, 8, 1], layers: [{ conv: 2, kernel: 3 }, { dense: 2 }] }));

  for (const shape of ['[16777216, 16777216, 1]', '[2048, 2048, 1]'])
    it(`input.shape ${shape} is a clear LIMIT_EXCEEDED error naming the field and the limit`, () => {
      const text = conv().replace("shape: [8, 8, 1]", `shape: ${shape}`);
      expect(text).toContain(shape);
      let err: unknown;
      try {
        parseModel(text, 'big.yaml');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BnnError);
      expect((err as BnnError).detail).toMatchObject({ code: 'LIMIT_EXCEEDED', file: 'big.yaml', field: 'input.shape', expected: 'at most 262,144' });
    });

  it('random-model refuses an architecture beyond the weight limit before drawing a weight', () => {
    let err: unknown;
    try {
      randomModel({ name: 'r', seed: 1, arch: [200000, 200000, 10] });
    } catch (e) {
      err = e;
    }
    expect((err as BnnError).detail).toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'arch', got: '40,000,000,000' });
  });
});
