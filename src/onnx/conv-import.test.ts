import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BnnError } from '../errors.js';
import { getBit } from '../model/bits.js';
import type { Conv2dLayer, DenseLayer, MultiThresholdActivation } from '../model/types.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { convNet, type ConvNetOptions } from '../testing/conv-graphs.js';
import { checkAgainstInterpreter, inputSize, randomInputs } from '../testing/onnx-graphs.js';
import { importOnnx, type ImportResult } from './import.js';
import { encodeOnnx, type ModelSpec } from './write-onnx.js';

/**
 * Convolutional and multi-bit FINN-ONNX / QONNX graphs (docs/finn-import.md). Each test names the
 * operator rule it checks; every accepted graph is checked against the ONNX interpreter on every
 * element of every layer (NCHW tensors mapped onto the model's channels-last order).
 */
const imp = (spec: ModelSpec): ImportResult => importOnnx(encodeOnnx(spec), { name: 'convnet' });

function agrees(spec: ModelSpec, r: ImportResult, count = 12, seed = 5) {
  const c = checkAgainstInterpreter(spec, r, randomInputs(inputSize(spec), count, seed));
  expect(c.mismatches).toEqual([]);
  // Every layer's output takes more than one value: the agreement is not that of constants.
  for (const d of c.distinct) expect(d).toBeGreaterThan(1);
  return c;
}

function rejects(spec: ModelSpec, re: RegExp) {
  const e = bnnErrorOf(() => imp(spec));
  expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
  expect(e.message).toMatch(re);
}

const conv = (layer: Layer) => layer as Conv2dLayer;
type Layer = ImportResult['model']['layers'][number];

/** Brevitas CNV-style: Quant 8-bit input → Conv → BN → BipolarQuant → MaxPool → Conv → BN → BipolarQuant → Flatten → MatMul → TopK. */
const cnv = (o: Partial<ConvNetOptions> = {}): ConvNetOptions => ({
  input: [1, 10, 10],
  layers: [
    { conv: 4, k: 3, act: { kind: 'bn-sign' } },
    { pool: 2 },
    { conv: 6, k: 2, act: { kind: 'bn-sign' } },
    { flatten: 'flatten' },
    { dense: 5 },
  ],
  ...o,
});

describe('convolutional import (W1A1)', () => {
  it('Brevitas-style CNV: Conv (NCHW, weights [M, C, kH, kW]) → BN → BipolarQuant → MaxPool → Conv → Flatten → MatMul; every neuron agrees', () => {
    const spec = convNet(cnv());
    const r = imp(spec);
    expect(r.model.layers.map((l) => l.kind)).toEqual(['conv2d', 'maxpool2d', 'conv2d', 'dense']);
    expect(r.model.input).toEqual({ shape: [10, 10, 1], encoding: { kind: 'fixed', signed: false }, rawBits: 8 });
    const c0 = conv(r.model.layers[0]!);
    expect([c0.inChannels, c0.outChannels, c0.kernel, c0.stride, c0.padding, c0.padValue]).toEqual([1, 4, 3, 1, 0, 0]);
    expect((r.model.layers[3] as DenseLayer).inputs).toBe(3 * 3 * 6); // 10 → conv 3: 8 → pool 2: 4 → conv 2: 3
    agrees(spec, r);
  });

  it('Flatten(axis 1) of NCHW [1, C, H, W] is index c·H·W + h·W + w: the dense weight rows are permuted to (h·W + w)·C + c', () => {
    const spec = convNet(cnv());
    const r = imp(spec);
    const fc = r.model.layers[3] as DenseLayer;
    // The graph's MatMul weights W[N, M] (after BipolarQuant: sign, ≥ 0 → +1).
    const wf = spec.graph.initializers!.find((t) => t.name.startsWith('fc4_wf'))!;
    const w = Array.from(wf.data as ArrayLike<number>, (x) => (x >= 0 ? 1 : 0));
    const [C, H, W, M] = [6, 3, 3, 5];
    let checked = 0;
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let x = 0; x < W; x++)
          for (let j = 0; j < M; j++) {
            expect(getBit(fc.weights[j]!, (h * W + x) * C + c)).toBe(w[(c * H * W + h * W + x) * M + j]);
            checked++;
          }
    expect(checked).toBe(C * H * W * M);
  });

  it('Transpose(perm [0, 2, 3, 1]) + Reshape [1, −1] (NHWC flatten, FINN-style) needs no permutation; same network as the Flatten form', () => {
    const a = convNet(cnv({ seed: 3 }));
    const b = convNet(cnv({ seed: 3, layers: [...cnv().layers.slice(0, 3), { flatten: 'transpose' }, { dense: 5 }] }));
    const ra = imp(a);
    const rb = imp(b);
    agrees(b, rb);
    // Same graph weights, different flatten order: the NHWC model's row is the graph row itself.
    const wb = b.graph.initializers!.find((t) => t.name.startsWith('fc4_wf'))!;
    const fcb = rb.model.layers[3] as DenseLayer;
    for (let i = 0; i < 54; i++) expect(getBit(fcb.weights[0]!, i)).toBe((wb.data as ArrayLike<number>)[i * 5]! >= 0 ? 1 : 0);
    expect((ra.model.layers[3] as DenseLayer).weights).not.toEqual(fcb.weights);
  });

  it('a 3-channel NCHW input binarized by MultiThreshold: the model reads it channels last, trace.inputOrder maps model element (h·W + w)·C + c to graph element c·H·W + h·W + w', () => {
    const spec = convNet(cnv({ input: [3, 7, 7], inputStage: 'threshold', layers: [{ conv: 4, k: 3, stride: 2, act: { kind: 'bn-sign' } }, { flatten: 'flatten' }, { dense: 3 }] }));
    const r = imp(spec);
    expect(r.model.input).toEqual({ shape: [7, 7, 3], encoding: { kind: 'threshold', threshold: 128 }, rawBits: 8 });
    const order = r.trace.inputOrder!;
    expect(order[(2 * 7 + 5) * 3 + 1]).toBe(1 * 49 + 2 * 7 + 5);
    expect(conv(r.model.layers[0]!).stride).toBe(2);
    agrees(spec, r, 20);
  });

  it('a Conv bias B[M] and BipolarQuant weights with a per-tensor scale 0.5 (±s weights: s folds into the chain)', () => {
    const spec = convNet(cnv({ layers: [{ conv: 4, k: 3, bias: true, weightScale: 0.5, act: { kind: 'bn-sign' } }, { pool: 2 }, { flatten: 'flatten' }, { dense: 4 }] }));
    const r = imp(spec);
    expect(r.folded.find((f) => f.includes('conv0'))).toMatch(/per-channel scales/);
    agrees(spec, r);
  });

  it('MaxPool with kernel 3 = strides on 8×8: output floor((8 − 3)/3) + 1 = 2, trailing rows dropped as the model does', () => {
    const spec = convNet(cnv({ seed: 3, input: [1, 10, 10], layers: [{ conv: 3, k: 3, act: { kind: 'bn-sign' } }, { pool: 3 }, { flatten: 'flatten' }, { dense: 4 }] }));
    const r = imp(spec);
    expect(r.model.layers[1]).toEqual({ kind: 'maxpool2d', name: 'pool1', kernel: 3, stride: 3 });
    expect((r.model.layers[2] as DenseLayer).inputs).toBe(2 * 2 * 3);
    agrees(spec, r);
  });
});

describe('Conv padding (pads [x1_begin, x2_begin, x1_end, x2_end])', () => {
  it('symmetric pads [1, 1, 1, 1] on the quantized input pad the element 0 (model padValue 0)', () => {
    const spec = convNet(cnv({ layers: [{ conv: 4, k: 3, pads: [1, 1, 1, 1], act: { kind: 'bn-sign' } }, { pool: 2 }, { flatten: 'flatten' }, { dense: 4 }] }));
    const r = imp(spec);
    expect([conv(r.model.layers[0]!).padding, conv(r.model.layers[0]!).padValue]).toEqual([1, 0]);
    agrees(spec, r);
  });

  it('a Pad node (mode constant, constant_value −1 or +1) before a Conv of ±1 activations is its padValue', () => {
    for (const v of [-1, 1]) {
      const spec = convNet(cnv({ layers: [{ conv: 4, k: 3, act: { kind: 'bn-sign' } }, { conv: 3, k: 3, padNode: v, act: { kind: 'bn-sign' } }, { flatten: 'flatten' }, { dense: 4 }] }));
      const r = imp(spec);
      expect([conv(r.model.layers[1]!).padding, conv(r.model.layers[1]!).padValue]).toEqual([1, v]);
      agrees(spec, r);
    }
  });

  it('rejects asymmetric pads [0, 0, 1, 1], naming the attribute and the supported values', () => {
    rejects(convNet(cnv({ layers: [{ conv: 4, k: 3, pads: [0, 0, 1, 1], act: { kind: 'bn-sign' } }, { flatten: 'flatten' }, { dense: 4 }] })), /node conv0 \(Conv\).*attribute pads = \[0,0,1,1\].*supported: symmetric pads/);
  });

  it('rejects zero pads on ±1 activations (0 is neither −1 nor +1), suggesting a Pad node', () => {
    rejects(
      convNet(cnv({ layers: [{ conv: 4, k: 3, act: { kind: 'bn-sign' } }, { conv: 3, k: 3, pads: [1, 1, 1, 1], act: { kind: 'bn-sign' } }, { flatten: 'flatten' }, { dense: 4 }] })),
      /node conv1 \(Conv\).*attribute pads = \[1,1,1,1\] pads ±1 activations with 0.*Pad node/,
    );
  });

  it('rejects group ≠ 1, dilations ≠ 1, unequal strides and auto_pad SAME_UPPER, each naming the attribute', () => {
    const one = (extra: object) => convNet(cnv({ layers: [{ conv: 4, k: 3, act: { kind: 'bn-sign' }, ...extra } as never, { flatten: 'flatten' }, { dense: 4 }] }));
    rejects(one({ dilations: [2, 2] }), /attribute dilations = \[2,2\] is not supported \(supported: \[1, 1\]\)/);
    rejects(one({ autoPad: 'SAME_UPPER' }), /attribute auto_pad = SAME_UPPER is not supported \(supported: NOTSET with explicit pads, or VALID\)/);
    const g = convNet(cnv({ input: [2, 10, 10], layers: [{ conv: 4, k: 3, act: { kind: 'bn-sign' } }, { flatten: 'flatten' }, { dense: 4 }] }));
    g.graph.nodes.find((n) => n.opType === 'Conv')!.attrs!.group = { type: 'int', value: 2 };
    // Weights [M, C/group, kH, kW] for group 2.
    const w = g.graph.initializers!.find((t) => t.name.startsWith('conv0_wf'))!;
    w.shape = [4, 1, 3, 3];
    w.data = Array.from(w.data as ArrayLike<number>).slice(0, 36);
    rejects(g, /attribute group = 2 is not supported \(supported: 1\)/);
    const s = convNet(cnv());
    s.graph.nodes.find((n) => n.opType === 'Conv')!.attrs!.strides = { type: 'ints', value: [1, 2] };
    rejects(s, /attribute strides = \[1,2\] is not supported \(supported: equal strides\)/);
  });
});

describe('MaxPool rules (kernel = strides, no pads, ceil_mode 0)', () => {
  const pooled = (p: object) => convNet(cnv({ layers: [{ conv: 4, k: 3, act: { kind: 'bn-sign' } }, { pool: 2, ...p }, { flatten: 'flatten' }, { dense: 4 }] }));
  it('rejects strides ≠ kernel_shape, pads and ceil_mode 1, naming the attribute', () => {
    rejects(pooled({ strides: [1, 1] }), /node pool1 \(MaxPool\).*attribute strides = \[1,1\].*supported: strides = kernel_shape = \[2, 2\]/);
    rejects(pooled({ pads: [1, 1, 1, 1] }), /node pool1 \(MaxPool\).*attribute pads = \[1,1,1,1\].*supported: no padding/);
    rejects(pooled({ ceil: 1 }), /node pool1 \(MaxPool\).*attribute ceil_mode = 1.*supported: 0/);
  });

  it('rejects a MaxPool of the accumulator (before the activation): the model pools activations', () => {
    const spec = convNet(cnv());
    const nodes = spec.graph.nodes;
    const byName = (name: string) => nodes.find((n) => n.name === name)!;
    const [convNode, bnNode, signNode] = [byName('conv0'), byName('conv0_bn'), byName('conv0_sign')];
    // Conv → MaxPool → BN → sign → conv2 instead of Conv → BN → sign → MaxPool → conv2.
    const [poolNode] = nodes.splice(nodes.indexOf(byName('pool1')), 1);
    const poolOut = poolNode!.outputs[0]!;
    for (const n of nodes) n.inputs = n.inputs.map((x) => (x === poolOut ? signNode.outputs[0]! : x));
    poolNode!.inputs = [convNode.outputs[0]!];
    poolNode!.outputs = ['pooled_acc'];
    bnNode.inputs[0] = 'pooled_acc';
    nodes.splice(nodes.indexOf(bnNode), 0, poolNode!);
    rejects(spec, /node pool1 \(MaxPool\).*must follow a layer's activation/);
  });
});

describe('multi-bit activations (MultiThreshold: out = out_scale·#{k : x >= t_k} + out_bias)', () => {
  // Thresholds on the ±1 dot product of a 3×3×1 conv over ±1 inputs (dot ∈ {−9, −7, …, 9}).
  const rowsFor = (m: number) => Array.from({ length: m }, (_, j) => [3 - j, -3 + j]); // unsorted: the count does not depend on the order
  const mbNet = (act: object, o: Partial<ConvNetOptions> = {}) =>
    convNet(
      cnv({
        inputStage: 'threshold',
        layers: [
          { conv: 4, k: 3, act: { kind: 'mt', thresholds: rowsFor, outScale: 1, outBias: -1, ...act } as never },
          { pool: 2 },
          { conv: 3, k: 2, act: { kind: 'bn-sign' } },
          { flatten: 'flatten' },
          { dense: 4 },
        ],
        ...o,
      }),
    );

  it('2 thresholds, out_scale 1, out_bias −1: elements u = count − 1 ∈ −1..1 (signed 2-bit, BNN-PYNQ W1A2); x >= t counts ties (equality fires)', () => {
    const spec = mbNet({});
    const r = imp(spec);
    const a = conv(r.model.layers[0]!).activation as MultiThresholdActivation;
    expect([a.kind, a.bits, a.outBias, a.outScale]).toEqual(['multithreshold', 2, -1, 1]);
    // Neuron 0's row [3, −3] sorted, on dot = 2p − 9: dot >= −3 ⇔ p >= 3, dot >= 3 ⇔ p >= 6 (dot = 3 itself fires).
    expect(a.thresholds[0]).toEqual([3, 6]);
    expect(a.direction[0]).toBe('ge');
    // The multi-bit elements reach the next conv (signed sum s = Σ ±u, pools take the max).
    expect(r.folded.find((f) => f.includes('conv2'))).toMatch(/signed sum s = Σ ±u/);
    agrees(spec, r, 20);
  });

  it('data_layout NHWC on a transposed [1, H, W, C] tensor reads the channel from axis 3 (qonnx MultiThreshold.execute_node): same model', () => {
    const a = imp(mbNet({}, { seed: 2 }));
    const spec = mbNet({ nhwc: true }, { seed: 2 });
    const b = imp(spec);
    expect(b.model.layers[0]).toEqual(a.model.layers[0]);
    agrees(spec, b);
  });

  it('3 thresholds with out_bias −1 need 3-bit elements (u ∈ −1..2 does not fit signed 2-bit); out_dtype INT3 is taken', () => {
    const spec = mbNet({ thresholds: (m: number) => Array.from({ length: m }, (_, j) => [-1, 3 - j, -3 + j]), outDtype: 'INT3' });
    const r = imp(spec);
    const a = conv(r.model.layers[0]!).activation as MultiThresholdActivation;
    expect([a.bits, a.outBias, a.thresholds[0]]).toEqual([3, -1, [3, 4, 6]]);
    agrees(spec, r);
  });

  it('out_scale 0.5, out_bias −0.5: u = count − 1, value 0.5·u (out_bias/out_scale = −1 is an integer)', () => {
    const spec = mbNet({ outScale: 0.5, outBias: -0.5 });
    const r = imp(spec);
    const a = conv(r.model.layers[0]!).activation as MultiThresholdActivation;
    expect([a.outBias, a.outScale]).toEqual([-1, 0.5]);
    agrees(spec, r);
  });

  it('rejects out_bias/out_scale not an integer (out_scale 2, out_bias −1: levels −1, 1, 3, 5 are not 2·u)', () => {
    rejects(mbNet({ outScale: 2, outBias: -1 }), /node conv0_mt \(MultiThreshold.*out_bias\/out_scale = -1\/2 is not an integer.*supported: out_bias a whole multiple of out_scale/);
  });

  it('rejects 16 thresholds per channel (5-bit elements), naming the supported 2..4 bits', () => {
    rejects(
      mbNet({ thresholds: (m: number) => Array.from({ length: m }, () => Array.from({ length: 16 }, (_, k) => k - 8)), outBias: 0 }),
      /node conv0_mt \(MultiThreshold.*elements 0\.\.16 \(17 levels\) do not fit 2\.\.4-bit.*supported: multi-bit activations of 2\.\.4 bits/,
    );
  });

  it('rejects a multi-threshold input encoding (several thresholds on the raw input)', () => {
    const spec = mbNet({});
    const t = spec.graph.initializers!.find((x) => x.name === 'in_thr')!;
    t.shape = [1, 3];
    t.data = [64, 128, 192];
    spec.graph.nodes.find((n) => n.name === 'mt_in')!.attrs!.out_scale = { type: 'float', value: 1 };
    spec.graph.nodes.find((n) => n.name === 'mt_in')!.attrs!.out_bias = { type: 'float', value: 0 };
    rejects(spec, /node mt_in \(MultiThreshold.*3 thresholds per channel.*multi-bit input encoding is not in model format v1/);
  });
});

describe('multi-bit activations (QONNX Quant: q = clamp(round(x/scale + zeropt), min, max), y = (q − zeropt)·scale)', () => {
  const quantNet = (act: object, o: Partial<ConvNetOptions> = {}) =>
    convNet(
      cnv({
        inputStage: 'threshold',
        layers: [
          { conv: 3, k: 3, act: { kind: 'bn-quant', bits: 2, scale: 2, noBn: true, ...act } as never },
          { pool: 2 },
          { conv: 3, k: 2, act: { kind: 'bn-sign' } },
          { flatten: 'flatten' },
          { dense: 4 },
        ],
        ...o,
      }),
    );

  it('ROUND is half to even (numpy.round): x = dot/2 with dot odd is always a tie; 2-bit unsigned q: levels at dot >= 3, 3, 7 (p >= 6, 6, 8)', () => {
    const spec = quantNet({ rounding: 'ROUND' });
    const r = imp(spec);
    const a = conv(r.model.layers[0]!).activation as MultiThresholdActivation;
    // dot = 1: 0.5 → 0; dot = 3: 1.5 → 2; dot = 5: 2.5 → 2; dot = 7: 3.5 clamps to 3 first → 3.
    for (const row of a.thresholds) expect(row).toEqual([6, 6, 8]);
    expect([a.bits, a.outBias, a.outScale]).toEqual([2, 0, 2]);
    agrees(spec, r, 20);
  });

  it('HALF_UP rounds the same ties up: levels at dot >= 1, 3, 5 (p >= 5, 6, 7)', () => {
    const r = imp(quantNet({ rounding: 'HALF_UP' }));
    for (const row of (conv(r.model.layers[0]!).activation as MultiThresholdActivation).thresholds) expect(row).toEqual([5, 6, 7]);
  });

  it('signed narrow 2-bit (q ∈ −1..1, BNN-PYNQ W1A2 levels) after a BatchNorm, and 4-bit unsigned after Relu (Brevitas QuantReLU); every element agrees', () => {
    for (const act of [
      { bits: 2, signed: true, narrow: true, scale: 1, noBn: false },
      { bits: 4, signed: false, scale: 0.25, relu: true },
      { bits: 3, signed: true, scale: 0.5, zero: 1, noBn: false },
    ]) {
      const spec = quantNet(act, { seed: 4 });
      const r = imp(spec);
      const a = conv(r.model.layers[0]!).activation as MultiThresholdActivation;
      expect(a.kind).toBe('multithreshold');
      agrees(spec, r, 16);
    }
  });

  it('rejects 8-bit and 5-bit Quant on a layer (activations 2..4 bits), and a per-channel scale', () => {
    rejects(quantNet({ bits: 8 }), /node conv0_quant \(Quant.*8-bit quantization of a layer's accumulator is not supported: activations between layers are 2\.\.4 bits/);
    rejects(quantNet({ bits: 5 }), /node conv0_quant \(Quant.*5-bit/);
    const spec = quantNet({});
    const s = spec.graph.initializers!.find((t) => t.name.startsWith('conv0_qs'))!;
    s.shape = [1, 3, 1, 1];
    s.data = [2, 2, 4];
    rejects(spec, /node conv0_quant \(Quant.*non-scalar scale \(shape \[1,3,1,1\]\) on activations/);
  });

  it('a multi-bit activation on the last layer is rejected (the last layer gives scores or bits)', () => {
    const spec = convNet(cnv({ inputStage: 'threshold', layers: [{ conv: 3, k: 3, act: { kind: 'bn-sign' } }, { flatten: 'flatten' }, { dense: 4, act: { kind: 'bn-quant', bits: 2, scale: 1 } }] }));
    rejects(spec, /node topk \(TopK\): a multi-bit activation on the last layer fc2/);
  });
});

describe('bad input (issue 14): mutated convolutional and multi-bit graphs', () => {
  it('random byte flips and cuts of a W1A2 conv QONNX file, and random attribute values on its nodes: an imported model or a BnnError naming the file, never a crash', () => {
    const spec = convNet(cnv({ layers: [{ conv: 4, k: 3, pads: [1, 1, 1, 1], act: { kind: 'bn-quant', bits: 2, signed: true, narrow: true, scale: 1 } }, { pool: 2 }, { conv: 3, k: 2, act: { kind: 'bn-sign' } }, { flatten: 'transpose' }, { dense: 4 }] }));
    const bytes = encodeOnnx(spec);
    const file = 'mutated.onnx';
    const clean = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (!(e instanceof BnnError)) throw e;
        expect(e.detail.file).toBe(file);
        expect(e.detail.code).toMatch(/^(IMPORT_|LIMIT_EXCEEDED)/);
      }
    };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat({ max: bytes.length }), { nil: undefined }),
        (flips, cut) => {
          const b = Uint8Array.from(bytes);
          for (const [i, v] of flips) b[i] = v;
          clean(() => importOnnx(cut === undefined ? b : b.subarray(0, cut), { file }));
        },
      ),
      { seed: 11, numRuns: 60 },
    );
    const attrNames = ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'perm', 'out_scale', 'out_bias', 'signed', 'narrow', 'ceil_mode', 'axis', 'data_layout', 'rounding_mode'];
    fc.assert(
      fc.property(
        fc.nat({ max: spec.graph.nodes.length - 1 }),
        fc.constantFrom(...attrNames),
        fc.oneof(
          fc.integer({ min: -3, max: 40 }).map((v) => ({ type: 'int' as const, value: v })),
          fc.array(fc.integer({ min: -2, max: 9 }), { maxLength: 5 }).map((v) => ({ type: 'ints' as const, value: v })),
          fc.double({ noNaN: false }).map((v) => ({ type: 'float' as const, value: v })),
          fc.constantFrom('NCHW', 'NHWC', 'NC', 'ROUND', 'FLOOR', 'x').map((v) => ({ type: 'string' as const, value: v })),
        ),
        (k, name, value) => {
          const s2: ModelSpec = structuredClone(spec);
          const n = s2.graph.nodes[k]!;
          n.attrs = { ...(n.attrs ?? {}), [name]: value };
          clean(() => importOnnx(encodeOnnx(s2), { file }));
        },
      ),
      { seed: 12, numRuns: 120 },
    );
  });
});
