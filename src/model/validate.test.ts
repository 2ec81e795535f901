import { describe, expect, it } from 'vitest';
import { BnnError } from '../errors.js';
import { parseModel, serializeModel } from './io.js';
import { randomModel } from './random-model.js';

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
    expect(m.layers.map((l) => [l.inputs, l.outputs])).toEqual([[8, 4], [4, 3]]);
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
