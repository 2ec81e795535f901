import { describe, expect, it } from 'vitest';
import { execNode } from './interpret.js';
import type { AttrValue, OnnxNode } from './read-onnx.js';
import { DataType } from './schema.js';
import type { Tensor } from './tensor.js';

const node = (opType: string, attrs: Record<string, AttrValue> = {}, domain = ''): OnnxNode => ({
  name: `${opType}_t`, opType, domain, inputs: [], outputs: opType === 'TopK' ? ['y', 'z'] : ['y'], attrs: new Map(Object.entries(attrs)),
});
const t = (shape: number[], data: number[], dtype: number = DataType.FLOAT): Tensor => ({ dtype, shape, data: Float64Array.from(data) });

describe('ONNX interpreter operators', () => {
  it('MultiThreshold (FINN): counts thresholds with x >= t, then out_scale·count + out_bias; per-channel rows', () => {
    const [y] = execNode(
      node('MultiThreshold', { out_scale: { type: 'float', value: 2 }, out_bias: { type: 'float', value: -1 } }, 'finn.custom_op.general'),
      [t([1, 3], [0, -0.5, 5]), t([3, 1], [0, -0.4, 5])],
    );
    expect(Array.from(y!.data)).toEqual([1, -1, 1]); // equality fires (0 >= 0, 5 >= 5)
  });

  it('BipolarQuant (QONNX): X >= 0 → +scale, else −scale', () => {
    const [y] = execNode(node('BipolarQuant', {}, 'qonnx.custom_op.general'), [t([4], [0, -0, -1e-30, 3]), t([], [1])]);
    expect(Array.from(y!.data)).toEqual([1, 1, -1, 1]);
  });

  it('TopK: ties go to the lower index', () => {
    const [v, i] = execNode(node('TopK', { axis: { type: 'int', value: -1 } }), [t([1, 4], [1, 3, 3, 2]), t([1], [1], DataType.INT64)]);
    expect(Array.from(v!.data)).toEqual([3]);
    expect(Array.from(i!.data)).toEqual([1]);
  });

  it('BatchNormalization: (x − mean)/sqrt(var + eps)·scale + B over channel axis 1, rounded to float32', () => {
    const [y] = execNode(node('BatchNormalization', { epsilon: { type: 'float', value: 0 } }), [
      t([1, 2, 1], [3, 3]), t([2], [2, -1]), t([2], [1, 0]), t([2], [1, 2]), t([2], [4, 1]),
    ]);
    expect(Array.from(y!.data)).toEqual([3, -1]);
  });

  it('Div/Sub by constants are float32 operations; Unsupported ops are rejected by name', () => {
    const [y] = execNode(node('Div'), [t([1], [1]), t([], [3])]);
    expect(y!.data[0]).toBe(Math.fround(1 / 3));
    expect(() => execNode(node('Sigmoid'), [t([1], [1])])).toThrow(/node Sigmoid_t \(Sigmoid\)/);
  });

  it('Reshape with 0 and −1, Squeeze/Unsqueeze by attribute or input', () => {
    expect(execNode(node('Reshape'), [t([1, 1, 2, 2], [1, 2, 3, 4]), t([2], [0, -1], DataType.INT64)])[0]!.shape).toEqual([1, 4]);
    expect(execNode(node('Unsqueeze', { axes: { type: 'ints', value: [2] } }), [t([1, 4], [1, 2, 3, 4])])[0]!.shape).toEqual([1, 4, 1]);
    expect(execNode(node('Squeeze'), [t([1, 4, 1], [1, 2, 3, 4]), t([1], [2], DataType.INT64)])[0]!.shape).toEqual([1, 4]);
  });
});
