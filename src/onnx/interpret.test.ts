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

  const ints = (value: number[]): AttrValue => ({ type: 'ints', value });
  const X33 = t([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);

  it('Conv pads are [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right], padded with 0: pads [1, 0, 1, 0] give a 4×2 output', () => {
    // A 2×2 kernel that picks the window's top-left element: Y[oy][ox] = X[oy − 1][ox].
    const [y] = execNode(node('Conv', { kernel_shape: ints([2, 2]), pads: ints([1, 0, 1, 0]) }), [X33, t([1, 1, 2, 2], [1, 0, 0, 0])]);
    expect(y!.shape).toEqual([1, 1, 4, 2]);
    expect(Array.from(y!.data)).toEqual([0, 0, 1, 2, 4, 5, 7, 8]);
  });

  it('Conv: Y[m] = B[m] + Σ_c Σ_ky Σ_kx X[c, oy·s + ky, ox·s + kx]·W[m, c, ky, kx], strides 2, two input channels', () => {
    const x = t([1, 2, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const w = t([1, 2, 1, 1], [1, -1]);
    const [y] = execNode(node('Conv', { strides: ints([2, 2]) }), [x, w, t([1], [0.5])]);
    expect(y!.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(y!.data)).toEqual([1 - 10 + 0.5, 3 - 30 + 0.5, 7 - 70 + 0.5, 9 - 90 + 0.5]);
  });

  it('MaxPool (kernel 2, strides 2, ceil_mode 0): output floor((5 − 2)/2) + 1 = 2, the max of each window', () => {
    const x = t([1, 1, 5, 5], Array.from({ length: 25 }, (_, i) => (i * 7) % 11));
    const [y] = execNode(node('MaxPool', { kernel_shape: ints([2, 2]), strides: ints([2, 2]) }), [x]);
    expect(y!.shape).toEqual([1, 1, 2, 2]);
    const at = (r: number, c: number) => (r * 5 + c) * 7 % 11;
    const win = (r: number, c: number) => Math.max(at(r, c), at(r, c + 1), at(r + 1, c), at(r + 1, c + 1));
    expect(Array.from(y!.data)).toEqual([win(0, 0), win(0, 2), win(2, 0), win(2, 2)]);
  });

  it('Transpose: output axis a is input axis perm[a] (NCHW → NHWC with perm [0, 2, 3, 1])', () => {
    const x = t([1, 2, 1, 3], [1, 2, 3, 10, 20, 30]); // c = 0: 1 2 3, c = 1: 10 20 30
    const [y] = execNode(node('Transpose', { perm: ints([0, 2, 3, 1]) }), [x]);
    expect(y!.shape).toEqual([1, 1, 3, 2]);
    expect(Array.from(y!.data)).toEqual([1, 10, 2, 20, 3, 30]);
  });

  it('Pad (mode constant): pads [x1_begin, …, xn_begin, x1_end, …, xn_end], constant_value fills the border', () => {
    const [y] = execNode(node('Pad', { mode: { type: 'string', value: 'constant' } }), [t([1, 1, 1, 2], [5, 6]), t([8], [0, 0, 1, 0, 0, 0, 0, 1], DataType.INT64), t([], [-1])]);
    expect(y!.shape).toEqual([1, 1, 2, 3]);
    expect(Array.from(y!.data)).toEqual([-1, -1, -1, 5, 6, -1]);
  });

  it('Relu is max(x, 0); Flatten(axis) is [d_0·…·d_(axis−1), d_axis·…·d_n] in the same order', () => {
    expect(Array.from(execNode(node('Relu'), [t([3], [-2, 0, 3])])[0]!.data)).toEqual([0, 0, 3]);
    const [f] = execNode(node('Flatten', { axis: { type: 'int', value: 2 } }), [t([1, 2, 3, 1], [1, 2, 3, 4, 5, 6])]);
    expect(f!.shape).toEqual([2, 3]);
    expect(Array.from(f!.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('MultiThreshold data_layout NHWC on rank 4 takes the channel from the last axis (qonnx execute_node transposes NHWC → NCHW)', () => {
    const mt = node('MultiThreshold', { data_layout: { type: 'string', value: 'NHWC' } }, 'qonnx.custom_op.general');
    // [1, 1, 2, 2] NHWC: pixels (0,0), (0,1); channel 0 threshold 5, channel 1 threshold 1.
    const [y] = execNode(mt, [t([1, 1, 2, 2], [4, 4, 5, 0]), t([2, 1], [5, 1])]);
    expect(Array.from(y!.data)).toEqual([0, 1, 1, 0]);
  });
});
