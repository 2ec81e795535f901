import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BnnError } from '../errors.js';
import { readOnnx, readOnnxFile } from './read-onnx.js';
import { DataType } from './schema.js';
import { encodeOnnx, type TensorSpec } from './write-onnx.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.resolve(projectRoot, '../shared/fixtures/finn-tfc-w1a1/model.onnx');

function modelWith(inits: TensorSpec[]): Uint8Array {
  return encodeOnnx({
    graph: {
      nodes: [{ opType: 'Identity', name: 'id', inputs: ['x'], outputs: ['y'], attrs: { ks: { type: 'ints', value: [1, -2, 3] }, f: { type: 'float', value: 0.5 }, s: { type: 'string', value: 'BIPOLAR' } } }],
      initializers: inits,
      inputs: [{ name: 'x', elemType: DataType.FLOAT, shape: ['N', 3] }],
      outputs: [{ name: 'y', elemType: DataType.FLOAT, shape: [1, 3] }],
      annotations: { x: { finn_datatype: 'UINT8' } },
    },
  });
}

const errorOf = bnnErrorOf;

describe('ONNX reader', () => {
  it('reads the FINN fixture: nodes, initializers, annotations, opset', () => {
    const m = readOnnxFile(fixture);
    expect(m.opsets).toEqual([{ domain: '', version: 12 }]);
    expect(m.graph.nodes).toHaveLength(30);
    expect(m.graph.nodes.filter((n) => n.opType === 'MultiThreshold').every((n) => n.domain === 'finn.custom_op.general')).toBe(true);
    const w = m.graph.initializers.get('MatMul_0_param0')!;
    expect(w.shape).toEqual([784, 64]);
    expect(w.data.every((v) => v === 1 || v === -1)).toBe(true);
    expect(m.graph.initializers.get('Reshape_0_param0')!.dtype).toBe(DataType.INT64);
    expect(m.graph.annotations.get('MatMul_0_param0')).toEqual({ finn_datatype: 'BIPOLAR' });
    expect(m.graph.inputs[0]).toEqual({ name: 'global_in', elemType: DataType.FLOAT, shape: [1, 1, 28, 28] });
    const mt = m.graph.nodes.find((n) => n.name === 'MultiThreshold_0')!;
    expect(mt.attrs.get('out_dtype')).toEqual({ type: 'string', value: 'BIPOLAR' });
    expect(m.graph.nodes.find((n) => n.name === 'Unsqueeze_0')!.attrs.get('axes')).toEqual({ type: 'ints', value: [2] });
  });

  it('decodes raw_data (little-endian) and the typed fields to the same values', () => {
    const cases: Array<[number, number[]]> = [
      [DataType.FLOAT, [1.5, -2, 0.25]],
      [DataType.DOUBLE, [1e-300, -2, 3]],
      [DataType.INT64, [-(2 ** 53) + 1, 0, 2 ** 53 - 1]],
      [DataType.INT32, [-5, 7, 2 ** 31 - 1]],
      [DataType.UINT8, [0, 128, 255]],
      [DataType.INT8, [-128, 0, 127]],
    ];
    for (const [dtype, data] of cases) {
      const m = readOnnx(modelWith([
        { name: 'raw', dtype, shape: [3], data },
        { name: 'typed', dtype, shape: [3], data, raw: false },
      ]));
      expect(Array.from(m.graph.initializers.get('raw')!.data), `dtype ${dtype} raw`).toEqual(data);
      expect(Array.from(m.graph.initializers.get('typed')!.data), `dtype ${dtype} typed`).toEqual(data);
    }
  });

  it('reads attributes and the graph input shape with a symbolic batch dimension', () => {
    const m = readOnnx(modelWith([]));
    const n = m.graph.nodes[0]!;
    expect(n.attrs.get('ks')).toEqual({ type: 'ints', value: [1, -2, 3] });
    expect(n.attrs.get('f')).toEqual({ type: 'float', value: 0.5 });
    expect(m.graph.inputs[0]!.shape).toEqual(['N', 3]);
    expect(m.graph.annotations.get('x')).toEqual({ finn_datatype: 'UINT8' });
  });

  it('rejects 64-bit integers beyond 2^53 instead of rounding them (raw_data and int64_data)', () => {
    for (const raw of [true, false]) {
      const e = errorOf(() => readOnnx(modelWith([{ name: 'big', dtype: DataType.INT64, shape: [2], data: [1n, 2n ** 53n + 1n], raw }])));
      expect(e.detail.code).toBe('IMPORT_INVALID');
      expect(e.message).toMatch(/too large/);
      expect(e.detail.got).toBe('9007199254740993');
      expect(e.detail.field).toMatch(/big.*\[1\]/);
    }
  });

  it('rejects raw_data of the wrong length, unsupported element types and non-ONNX bytes', () => {
    let e = errorOf(() => readOnnx(modelWith([{ name: 'short', dtype: DataType.FLOAT, shape: [4], data: [1, 2, 3] }])));
    expect(e.message).toMatch(/raw_data has the wrong length/);
    e = errorOf(() => readOnnx(modelWith([{ name: 'typed', dtype: DataType.FLOAT, shape: [4], data: [1, 2, 3], raw: false }])));
    expect(e.message).toMatch(/float_data has the wrong number of elements/);
    e = errorOf(() => readOnnx(modelWith([{ name: 'h', dtype: DataType.FLOAT16, shape: [1], data: [0], raw: false }])));
    expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
    e = errorOf(() => readOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), 'junk.onnx'));
    expect(e.detail.code).toBe('IMPORT_INVALID');
    expect(e.detail.file).toBe('junk.onnx');
  });
});
