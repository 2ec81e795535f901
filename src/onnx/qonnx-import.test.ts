import { describe, expect, it } from 'vitest';
import { BnnError } from '../errors.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { integerForward } from '../compiler/integer-reference.js';
import { getBit } from '../model/bits.js';
import { parseModel, serializeModel } from '../model/io.js';
import { Prng } from '../util/prng.js';
import { importOnnx, type ImportResult } from './import.js';
import { interpret } from './interpret.js';
import { readOnnx, type AttrValue } from './read-onnx.js';
import { DataType } from './schema.js';
import { encodeOnnx, type ModelSpec, type NodeSpec, type TensorSpec } from './write-onnx.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { denseLayer, denseLayers, thresholdEncoding } from '../testing/layers.js';

/**
 * Small QONNX (and FINN-style) graphs written with our own ONNX writer. Each test names the
 * operator-definition rule it checks.
 */
const Q = 'qonnx.custom_op.general';
const F = 'finn.custom_op.general';
const f32 = (name: string, shape: number[], data: ArrayLike<number>): TensorSpec => ({ name, dtype: DataType.FLOAT, shape, data });
const i64 = (name: string, shape: number[], data: number[]): TensorSpec => ({ name, dtype: DataType.INT64, shape, data });
const float = (value: number): AttrValue => ({ type: 'float', value });
const int = (value: number): AttrValue => ({ type: 'int', value });
const str = (value: string): AttrValue => ({ type: 'string', value });

function randomFloats(rng: Prng, n: number): number[] {
  return Array.from({ length: n }, () => Math.fround(rng.float() * 2 - 1));
}

interface NetOptions {
  n?: number; // input elements
  hidden?: number;
  classes?: number;
  seed?: number;
  /** Nodes between the last MatMul (output 'acc1') and the output 'scores'. */
  tail?: (extra: TensorSpec[]) => NodeSpec[];
  topk?: boolean;
  /** Replace the input binarization (from 'global_in' to 'in_bits'). */
  inputNodes?: (extra: TensorSpec[]) => NodeSpec[];
  /** Replace the hidden activation (from 'acc0' to 'h0'). */
  hiddenNodes?: (extra: TensorSpec[]) => NodeSpec[];
  inputElemType?: number;
  annotateInput?: boolean;
}

/** A 2-layer QONNX-style BNN: UINT8 input → Div → Sub → BipolarQuant → MatMul(BipolarQuant(W0)) → BN → BipolarQuant → MatMul(BipolarQuant(W1)) → tail. */
function qonnxNet(o: NetOptions = {}): ModelSpec {
  const n = o.n ?? 16;
  const h = o.hidden ?? 8;
  const c = o.classes ?? 4;
  const rng = new Prng(o.seed ?? 1);
  const extra: TensorSpec[] = [];
  const one = f32('one', [], [1]);
  const inputNodes = o.inputNodes?.(extra) ?? [
    { opType: 'Div', inputs: ['global_in', 'c255'], outputs: ['x1'] },
    { opType: 'Sub', inputs: ['x1', 'half'], outputs: ['x2'] },
    { opType: 'BipolarQuant', domain: Q, inputs: ['x2', 'one'], outputs: ['in_bits'] },
  ];
  const hiddenNodes = o.hiddenNodes?.(extra) ?? [
    { opType: 'BatchNormalization', inputs: ['acc0', 'bn_s', 'bn_b', 'bn_m', 'bn_v'], outputs: ['bn0'], attrs: { epsilon: float(1e-4) } },
    { opType: 'BipolarQuant', domain: Q, inputs: ['bn0', 'one'], outputs: ['h0'] },
  ];
  const tail = o.tail?.(extra) ?? [{ opType: 'Mul', inputs: ['acc1', 'half'], outputs: ['scores'] }];
  const nodes: NodeSpec[] = [
    ...inputNodes,
    { opType: 'BipolarQuant', domain: Q, inputs: ['w0f', 'one'], outputs: ['w0'] },
    { opType: 'MatMul', inputs: ['in_bits', 'w0'], outputs: ['acc0'] },
    ...hiddenNodes,
    { opType: 'BipolarQuant', domain: Q, inputs: ['w1f', 'one'], outputs: ['w1'] },
    { opType: 'MatMul', inputs: ['h0', 'w1'], outputs: ['acc1'] },
    ...tail,
  ];
  if (o.topk) {
    nodes.push({ opType: 'TopK', inputs: ['scores', 'k1'], outputs: ['top_v', 'global_out'], attrs: { axis: int(-1), largest: int(1), sorted: int(1) } });
  }
  const bnScale = Array.from({ length: h }, (_, j) => (j % 3 === 0 ? -1 : 1) * (0.5 + rng.float()));
  return {
    opsets: [{ domain: '', version: 13 }, { domain: Q, version: 1 }],
    graph: {
      name: 'qnet',
      nodes,
      initializers: [
        one,
        f32('c255', [], [255]),
        f32('half', [], [0.5]),
        i64('k1', [1], [1]),
        f32('w0f', [n, h], randomFloats(rng, n * h)),
        f32('w1f', [h, c], randomFloats(rng, h * c)),
        f32('bn_s', [h], bnScale),
        f32('bn_b', [h], randomFloats(rng, h)),
        f32('bn_m', [h], randomFloats(rng, h).map((x) => Math.fround(x * 4))),
        f32('bn_v', [h], randomFloats(rng, h).map((x) => Math.fround(1 + Math.abs(x)))),
        ...extra,
      ],
      inputs: [{ name: 'global_in', elemType: o.inputElemType ?? DataType.FLOAT, shape: ['N', n] }],
      outputs: o.topk ? [{ name: 'global_out', elemType: DataType.INT64, shape: [1, 1] }] : [{ name: 'scores', elemType: DataType.FLOAT, shape: [1, c] }],
      annotations: o.annotateInput === false ? {} : { global_in: { finn_datatype: 'UINT8' } },
    },
  };
}

const errorOf = bnnErrorOf;

/** Interpreter vs imported integer model on random raw inputs: every neuron of every layer and the prediction. */
function checkAgainstInterpreter(spec: ModelSpec, r: ImportResult, samples = 40, seed = 7): void {
  const onnx = readOnnx(encodeOnnx(spec));
  const model = parseModel(serializeModel(r.model), 'q.yaml');
  const im = foldThresholds(model);
  const n = denseLayer(model, 0).inputs;
  const rng = new Prng(seed);
  for (let s = 0; s < samples; s++) {
    const raw = Float64Array.from({ length: n }, () => rng.int(256));
    const values = interpret(onnx, { global_in: { dtype: DataType.FLOAT, shape: [1, n], data: raw } });
    const trace = integerForward(im, raw);
    r.trace.layerOutputs.forEach((name, li) => {
      const t = values.get(name)!;
      for (let j = 0; j < t.data.length; j++) expect(t.data[j] === 1 ? 1 : 0, `layer ${li} neuron ${j}`).toBe(trace.layerValues[li]![j]);
    });
    const out = values.get(r.trace.output)!;
    if (r.trace.outputKind === 'index') expect(trace.prediction).toBe(out.data[0]);
    else {
      let best = 0;
      for (let j = 1; j < out.data.length; j++) if (out.data[j]! > out.data[best]!) best = j;
      expect(trace.prediction).toBe(best);
    }
  }
}

describe('QONNX import', () => {
  it('imports BipolarQuant weights/activations and agrees with the interpreter on every neuron (BipolarQuant: Y = X >= 0 ? +1 : -1, scale 1)', () => {
    const spec = qonnxNet({ topk: true });
    const r = importOnnx(encodeOnnx(spec), { name: 'qnet' });
    expect(r.dialect).toBe('qonnx');
    expect(thresholdEncoding(r.model).threshold).toBe(128); // x/255 − 0.5 >= 0  ⇔  x >= 127.5
    expect(denseLayers(r.model).map((l) => l.activation.kind)).toEqual(['threshold', 'none']);
    // BN with negative scale flips the comparison: some neurons must be `le`.
    const a = denseLayer(r.model, 0).activation;
    expect(a.kind === 'threshold' && a.direction.includes('le')).toBe(true);
    checkAgainstInterpreter(spec, r);
  });

  it('maps a weight of exactly 0 to +1 (BipolarQuant: X >= 0 gives +1) and transposes MatMul weights (row j = column j of W)', () => {
    const spec = qonnxNet({ n: 4, hidden: 2 });
    const w0 = spec.graph.initializers!.find((t) => t.name === 'w0f')!;
    // W[i][j] at i*2 + j: column 0 = [0, -1, 0.5, -0.25] → bits 1,0,1,0; column 1 = [-3, 2, -0, 0.1] → 0,1,1,1.
    w0.data = [0, -3, -1, 2, 0.5, -0, -0.25, 0.1];
    const r = importOnnx(encodeOnnx(spec));
    const rows = denseLayer(r.model, 0).weights;
    expect([0, 1, 2, 3].map((i) => getBit(rows[0]!, i))).toEqual([1, 0, 1, 0]);
    expect([0, 1, 2, 3].map((i) => getBit(rows[1]!, i))).toEqual([0, 1, 1, 1]);
  });

  it('folds a tie exactly: BipolarQuant(dot − 2) fires at dot = 2 (X >= 0 includes 0)', () => {
    const spec = qonnxNet({
      n: 16,
      hiddenNodes: (extra) => {
        extra.push(f32('two', [], [2]));
        return [
          { opType: 'Sub', inputs: ['acc0', 'two'], outputs: ['d0'] },
          { opType: 'BipolarQuant', domain: Q, inputs: ['d0', 'one'], outputs: ['h0'] },
        ];
      },
    });
    const r = importOnnx(encodeOnnx(spec));
    const a = denseLayer(r.model, 0).activation;
    // dot = 2p − 16 >= 2  ⇔  p >= 9
    expect(a.kind === 'threshold' && a.thresholds.every((t) => t === 9) && a.direction.every((d) => d === 'ge')).toBe(true);
    checkAgainstInterpreter(spec, r);
  });

  it('accepts float input with an explicit raw width and rejects it without one', () => {
    const spec = qonnxNet({ annotateInput: false });
    const e = errorOf(() => importOnnx(encodeOnnx(spec)));
    expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
    expect(e.message).toMatch(/not declared as unsigned integers/);
    const r = importOnnx(encodeOnnx(spec), { rawBits: 8 });
    expect(r.model.input.rawBits).toBe(8);
    // A UINT8 element type declares the width too.
    const r2 = importOnnx(encodeOnnx(qonnxNet({ annotateInput: false, inputElemType: DataType.UINT8 })));
    expect(r2.model.input.rawBits).toBe(8);
  });

  it('rejects Quant/IntQuant with bit width 1 (QONNX spec: Quant does not represent binary/bipolar; BipolarQuant does)', () => {
    for (const op of ['Quant', 'IntQuant']) {
      const spec = qonnxNet({
        hiddenNodes: (extra) => {
          extra.push(f32('zero', [], [0]), f32('bw1', [], [1]));
          return [{ name: 'q_act', opType: op, domain: Q, inputs: ['acc0', 'one', 'zero', 'bw1'], outputs: ['h0'], attrs: { signed: int(1), narrow: int(0), rounding_mode: str('ROUND') } }];
        },
      });
      const e = errorOf(() => importOnnx(encodeOnnx(spec)));
      expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
      expect(e.message).toContain(`node q_act (${op}`);
      expect(e.message).toMatch(/BipolarQuant/);
    }
  });

  it('rejects a sign (BipolarQuant) of an 8-bit Quant-ed input: a Quant-ed input must feed the first MatMul (fixed-point first layer, see qonnx-fixed-input.test.ts)', () => {
    const spec = qonnxNet({
      inputNodes: (extra) => {
        extra.push(f32('zero', [], [0]), f32('bw8', [], [8]));
        return [
          { name: 'q_in', opType: 'Quant', domain: Q, inputs: ['global_in', 'one', 'zero', 'bw8'], outputs: ['x8'], attrs: { signed: int(0) } },
          { name: 'bq_x8', opType: 'BipolarQuant', domain: Q, inputs: ['x8', 'one'], outputs: ['in_bits'] },
        ];
      },
    });
    const e = errorOf(() => importOnnx(encodeOnnx(spec)));
    expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
    expect(e.message).toMatch(/node bq_x8 \(BipolarQuant.*sign of the quantized input/);
  });

  it('rejects BipolarQuant with a scale other than 1', () => {
    const spec = qonnxNet({
      hiddenNodes: (extra) => {
        extra.push(f32('s2', [], [2]));
        return [{ name: 'bq_scaled', opType: 'BipolarQuant', domain: Q, inputs: ['acc0', 's2'], outputs: ['h0'] }];
      },
    });
    const e = errorOf(() => importOnnx(encodeOnnx(spec)));
    expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
    expect(e.message).toMatch(/node bq_scaled \(BipolarQuant.*scale/);
  });

  it('rejects a per-class affine before TopK (argmax over popcounts would differ) and names the node', () => {
    const spec = qonnxNet({
      topk: true,
      tail: (extra) => {
        extra.push(f32('cls_off', [1, 4], [0, 0.5, 0, 0]));
        return [{ name: 'Add_cls', opType: 'Add', inputs: ['acc1', 'cls_off'], outputs: ['scores'] }];
      },
    });
    const e = errorOf(() => importOnnx(encodeOnnx(spec)));
    expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
    expect(e.message).toMatch(/node TopK.*Add_cls.*differs between classes/);
  });

  it('rejects a decreasing score map (negative scale) before TopK', () => {
    const spec = qonnxNet({
      topk: true,
      tail: (extra) => {
        extra.push(f32('neg', [], [-1]));
        return [{ name: 'Mul_neg', opType: 'Mul', inputs: ['acc1', 'neg'], outputs: ['scores'] }];
      },
    });
    const e = errorOf(() => importOnnx(encodeOnnx(spec)));
    expect(e.message).toMatch(/not strictly increasing/);
  });

  it('accepts a graph that outputs scores (no TopK): the model predicts their argmax', () => {
    const spec = qonnxNet();
    const r = importOnnx(encodeOnnx(spec));
    expect(r.trace.outputKind).toBe('scores');
    checkAgainstInterpreter(spec, r);
  });

  it('rejects an unsupported operator with its node name and op type', () => {
    const spec = qonnxNet({
      hiddenNodes: () => [
        { name: 'sigmoid_0', opType: 'Sigmoid', inputs: ['acc0'], outputs: ['r0'] },
        { opType: 'BipolarQuant', domain: Q, inputs: ['r0', 'one'], outputs: ['h0'] },
      ],
    });
    const e = errorOf(() => importOnnx(encodeOnnx(spec)));
    expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
    expect(e.message).toMatch(/node sigmoid_0 \(Sigmoid\)/);
  });

  it('rejects non-bipolar weights, naming the tensor', () => {
    const spec = qonnxNet({ n: 4, hidden: 2 });
    spec.graph.nodes = spec.graph.nodes.map((nd) => (nd.inputs[1] === 'w0' && nd.opType === 'MatMul' ? { ...nd, name: 'mm0', inputs: ['in_bits', 'w0f'] } : nd));
    const e = errorOf(() => importOnnx(encodeOnnx(spec)));
    expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
    expect(e.message).toMatch(/node mm0 \(MatMul\).*w0f are not bipolar/);
  });
});

describe('FINN-style MultiThreshold import', () => {
  const mtNet = (thresholds: TensorSpec, attrs: Record<string, AttrValue>, domain = F) =>
    qonnxNet({
      n: 6,
      inputNodes: (extra) => {
        extra.push(thresholds);
        return [{ name: 'mt_in', opType: 'MultiThreshold', domain, inputs: ['global_in', thresholds.name], outputs: ['in_bits'], attrs }];
      },
    });
  const bipolar = { out_scale: float(2), out_bias: float(-1), out_dtype: str('BIPOLAR') };

  it('MultiThreshold counts x >= t (equality fires): shared threshold 100 → raw >= 100', () => {
    const r = importOnnx(encodeOnnx(mtNet(f32('th', [1, 1], [100]), bipolar)));
    expect(thresholdEncoding(r.model).threshold).toBe(100);
  });

  it('accepts equal per-pixel thresholds, rejects differing ones clearly', () => {
    expect(thresholdEncoding(importOnnx(encodeOnnx(mtNet(f32('th', [6, 1], [99.5, 99.5, 99.5, 99.5, 99.5, 99.5]), bipolar))).model).threshold).toBe(100);
    const e = errorOf(() => importOnnx(encodeOnnx(mtNet(f32('th', [6, 1], [1, 1, 1, 2, 1, 1]), bipolar))));
    expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
    expect(e.message).toMatch(/node mt_in.*per-element input thresholds differ \(element 0: raw >= 1, element 3: raw >= 2\)/);
  });

  it('works in the qonnx domain; out_scale −2 / out_bias +1 inverts the sign (fires → −1)', () => {
    const spec = qonnxNet({
      hiddenNodes: (extra) => {
        extra.push(f32('th_h', [8, 1], [0, 1, 2, 3, -1, -2, -3, 4]));
        return [{ opType: 'MultiThreshold', domain: Q, inputs: ['acc0', 'th_h'], outputs: ['h0'], attrs: { out_scale: float(-2), out_bias: float(1) } }];
      },
    });
    const r = importOnnx(encodeOnnx(spec));
    const a = denseLayer(r.model, 0).activation;
    // fires when dot >= t → output −1 → bit 0, so bit 1 iff dot < t: a `le` threshold.
    expect(a.kind === 'threshold' && a.direction.every((d) => d === 'le')).toBe(true);
    checkAgainstInterpreter(spec, r);
  });

  it('rejects multi-bit MultiThreshold and non-bipolar outputs', () => {
    let e = errorOf(() => importOnnx(encodeOnnx(mtNet(f32('th', [1, 3], [50, 100, 150]), { out_scale: float(1), out_bias: float(0) }))));
    expect(e.message).toMatch(/node mt_in.*3 thresholds per channel/);
    e = errorOf(() => importOnnx(encodeOnnx(mtNet(f32('th', [1, 1], [100]), { out_scale: float(1), out_bias: float(0) }))));
    expect(e.message).toMatch(/node mt_in.*not bipolar/);
  });

  it('folds Gemm (transB, alpha, bias C) like MatMul + affine', () => {
    const spec = qonnxNet({ seed: 3 });
    const rng = new Prng(11);
    spec.graph.initializers!.push(f32('w1t', [4, 8], randomFloats(rng, 32)), f32('c1', [4], [0.25, -0.5, 1, 0]));
    spec.graph.nodes = spec.graph.nodes.flatMap((nd): NodeSpec[] =>
      nd.opType === 'MatMul' && nd.inputs[0] === 'h0'
        ? [
            { opType: 'BipolarQuant', domain: Q, inputs: ['w1t', 'one'], outputs: ['w1tb'] },
            { name: 'gemm1', opType: 'Gemm', inputs: ['h0', 'w1tb'], outputs: ['g1'], attrs: { transB: int(1), alpha: float(0.5) } },
            { opType: 'BipolarQuant', domain: Q, inputs: ['g1', 'one'], outputs: ['h1'] },
            { opType: 'BipolarQuant', domain: Q, inputs: ['w2f', 'one'], outputs: ['w2'] },
            { opType: 'MatMul', inputs: ['h1', 'w2'], outputs: ['acc1'] },
          ]
        : [nd],
    );
    spec.graph.nodes.find((nd) => nd.name === 'gemm1')!.inputs.push('c1');
    spec.graph.initializers!.push(f32('w2f', [4, 4], randomFloats(rng, 16)));
    const r = importOnnx(encodeOnnx(spec));
    expect(denseLayers(r.model).map((l) => `${l.inputs}x${l.outputs}`)).toEqual(['16x8', '8x4', '4x4']);
    checkAgainstInterpreter(spec, r);
  });
});

describe('sizes and values checked before use (issue 14)', () => {
  it('an initializer whose dims imply 10^12 elements is refused before anything is allocated', () => {
    const spec = qonnxNet();
    spec.graph.initializers!.push({ name: 'huge', dtype: DataType.FLOAT, shape: [1e6, 1e6], data: [], raw: false });
    const e = errorOf(() => importOnnx(encodeOnnx(spec)));
    expect(e.detail).toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'graph.initializer[10] (huge).dims', got: '1,000,000,000,000' });
  });

  it('an input dimension of 10^9 is refused at once, naming the input', () => {
    const spec = qonnxNet();
    spec.graph.inputs[0]!.shape = [1, 1e9];
    const e = errorOf(() => importOnnx(encodeOnnx(spec)));
    expect(e.detail).toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'graph.input global_in', got: '1,000,000,000' });
  });

  it('a NaN BatchNorm variance is rejected, as the YAML loader rejects it', () => {
    for (const bad of [NaN, -1]) {
      const spec = qonnxNet({
        hiddenNodes: (extra) => {
          extra.push(f32('bn_v_bad', [8], [1, 1, bad, 1, 1, 1, 1, 1]));
          return [
            { opType: 'BatchNormalization', inputs: ['acc0', 'bn_s', 'bn_b', 'bn_m', 'bn_v_bad'], outputs: ['bn0'], attrs: { epsilon: float(1e-4) } },
            { opType: 'BipolarQuant', domain: Q, inputs: ['bn0', 'one'], outputs: ['h0'] },
          ];
        },
      });
      const e = errorOf(() => importOnnx(encodeOnnx(spec)));
      expect(e.detail.code).toBe('IMPORT_INVALID');
      expect(e.detail.message).toMatch(bad === -1 ? /var\[2\] \+ epsilon must be > 0/ : /finite/);
    }
  });
});
