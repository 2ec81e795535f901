import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { integerForward } from '../compiler/integer-reference.js';
import { getBit } from '../model/bits.js';
import { floatForward } from '../model/float-reference.js';
import { parseModel, serializeModel } from '../model/io.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { Prng } from '../util/prng.js';
import { simulate } from '../../sim/simulate.js';
import { importOnnx, quantizeInput, type ImportResult } from './import.js';
import { interpret } from './interpret.js';
import { dequant, quantRange } from './ops.js';
import { readOnnx, type AttrValue } from './read-onnx.js';
import { DataType } from './schema.js';
import { encodeOnnx, type ModelSpec, type NodeSpec, type TensorSpec } from './write-onnx.js';
import { denseLayer, denseLayers } from '../testing/layers.js';

/**
 * QONNX graphs whose input goes through an integer Quant/IntQuant straight into the first bipolar
 * MatMul: a fixed-point first layer (docs/finn-import.md, "Fixed-point input"). Each test names
 * the rule it checks. The QONNX IntQuant definition: q = round(clip(x/scale + zeropt, min, max)),
 * Y = (q − zeropt)·scale; min/max from signed/narrow/bitwidth.
 */
const Q = 'qonnx.custom_op.general';
const f32 = (name: string, shape: number[], data: ArrayLike<number>): TensorSpec => ({ name, dtype: DataType.FLOAT, shape, data });
const i64 = (name: string, shape: number[], data: number[]): TensorSpec => ({ name, dtype: DataType.INT64, shape, data });
const int = (value: number): AttrValue => ({ type: 'int', value });
const str = (value: string): AttrValue => ({ type: 'string', value });

interface QuantOpts {
  op?: 'Quant' | 'IntQuant';
  scale?: number;
  zero?: number;
  bits?: number;
  signed?: boolean;
  narrow?: boolean;
  rounding?: string;
  n?: number;
  hidden?: number[];
  classes?: number;
  seed?: number;
  annotateUint8?: boolean;
  /** Replace the first layer's activation (from 'acc0' to 'h0'). */
  firstAct?: (extra: TensorSpec[], w0: number[][]) => NodeSpec[];
  /** Override tensors (scale, zero, bw) with other shapes. */
  quantTensors?: TensorSpec[];
  /** Nodes between the Quant output 'xq' and the first MatMul input 'xm' (default: Identity). */
  between?: (extra: TensorSpec[]) => NodeSpec[];
}

/** global_in → Quant → MatMul(±1) → BN → BipolarQuant → MatMul → BN → BipolarQuant → MatMul → TopK. */
function fixedNet(o: QuantOpts = {}): { spec: ModelSpec; w0: number[][] } {
  const n = o.n ?? 12;
  const hidden = o.hidden ?? [8, 6];
  const c = o.classes ?? 4;
  const rng = new Prng(o.seed ?? 3);
  const scale = o.scale ?? 1;
  const zero = o.zero ?? 0;
  const bits = o.bits ?? 8;
  const signed = o.signed ?? false;
  const { min, max } = quantRange(signed, o.narrow ?? false, bits);
  const extra: TensorSpec[] = [];
  const sizes = [n, ...hidden, c];
  const wf = sizes.slice(1).map((m, l) => Array.from({ length: sizes[l]! * m }, () => Math.fround(rng.float() * 2 - 1)));
  // w0[j][i] = ±1 of neuron j, input i (W is [n, m], row-major).
  const m0 = sizes[1]!;
  const w0 = Array.from({ length: m0 }, (_, j) => Array.from({ length: n }, (_, i) => (wf[0]![i * m0 + j]! >= 0 ? 1 : -1)));
  const nodes: NodeSpec[] = [
    {
      name: 'q_in', opType: o.op ?? 'Quant', domain: Q, inputs: ['global_in', 'q_scale', 'q_zero', 'q_bits'], outputs: ['xq'],
      attrs: { signed: int(signed ? 1 : 0), narrow: int(o.narrow ? 1 : 0), rounding_mode: str(o.rounding ?? 'ROUND') },
    },
    ...(o.between?.(extra) ?? [{ opType: 'Identity', inputs: ['xq'], outputs: ['xm'] }]),
  ];
  const initializers: TensorSpec[] = o.quantTensors ?? [f32('q_scale', [], [scale]), f32('q_zero', [], [zero]), f32('q_bits', [], [bits])];
  initializers.push(f32('one', [], [1]), i64('k1', [1], [1]));
  let prev = 'xm';
  sizes.slice(1).forEach((m, l) => {
    initializers.push(f32(`w${l}f`, [sizes[l]!, m], wf[l]!));
    nodes.push({ opType: 'BipolarQuant', domain: Q, inputs: [`w${l}f`, 'one'], outputs: [`w${l}`] });
    nodes.push({ name: `mm${l}`, opType: 'MatMul', inputs: [prev, `w${l}`], outputs: [`acc${l}`] });
    if (l === sizes.length - 2) return;
    if (l === 0 && o.firstAct) {
      nodes.push(...o.firstAct(extra, w0));
    } else {
      // BN parameters around where the accumulator actually lies, so that thresholds are not constant.
      const mid = l === 0 ? ((min + max) / 2 - zero) * scale : 0;
      const spread = l === 0 ? Math.sqrt(n) * (max - min) * scale / 3 : Math.sqrt(sizes[l]!);
      const wsum = (j: number) => (l === 0 ? w0[j]!.reduce((a, b) => a + b, 0) : 0);
      initializers.push(
        f32(`bn${l}_s`, [m], Array.from({ length: m }, (_, j) => Math.fround((j % 3 === 1 ? -1 : 1) * (0.5 + rng.float())))),
        f32(`bn${l}_b`, [m], Array.from({ length: m }, () => Math.fround(rng.float() - 0.5))),
        f32(`bn${l}_m`, [m], Array.from({ length: m }, (_, j) => Math.fround(wsum(j) * mid + (rng.float() * 2 - 1) * spread))),
        f32(`bn${l}_v`, [m], Array.from({ length: m }, () => Math.fround((0.5 + rng.float()) * (l === 0 ? scale * scale : 1)))),
      );
      nodes.push({ opType: 'BatchNormalization', inputs: [`acc${l}`, `bn${l}_s`, `bn${l}_b`, `bn${l}_m`, `bn${l}_v`], outputs: [`bn${l}`] });
      nodes.push({ opType: 'BipolarQuant', domain: Q, inputs: [`bn${l}`, 'one'], outputs: [`h${l}`] });
    }
    prev = `h${l}`;
  });
  nodes.push({ opType: 'TopK', inputs: [`acc${sizes.length - 2}`, 'k1'], outputs: ['top_v', 'global_out'], attrs: { axis: int(-1), largest: int(1) } });
  initializers.push(...extra);
  return {
    w0,
    spec: {
      opsets: [{ domain: '', version: 13 }, { domain: Q, version: 1 }],
      graph: {
        name: 'fixednet',
        nodes,
        initializers,
        inputs: [{ name: 'global_in', elemType: DataType.FLOAT, shape: ['N', n] }],
        outputs: [{ name: 'global_out', elemType: DataType.INT64, shape: [1, 1] }],
        annotations: o.annotateUint8 ? { global_in: { finn_datatype: 'UINT8' } } : {},
      },
    },
  };
}

/**
 * The interpreter on graph inputs x vs integerForward(foldThresholds(model), q) with q the
 * quantized x: the Quant output, every neuron of every layer and the prediction; then the
 * compiled design in the simulator predicts the same as integerForward.
 */
function checkFixed(spec: ModelSpec, r: ImportResult, xs0: Float64Array[]): void {
  const xs = [...xs0, ...edgeInputs(r, 5)];
  const onnx = readOnnx(encodeOnnx(spec));
  // Through YAML, as `bnn import` writes it.
  const model = parseModel(serializeModel(r.model), 'imported.yaml');
  const im = foldThresholds(model);
  const iq = r.trace.inputQuant!;
  const qs: Int32Array[] = [];
  const preds: number[] = [];
  for (const x of xs) {
    const q = quantizeInput(iq, x);
    for (const v of q) expect(v >= iq.min && v <= iq.max).toBe(true);
    qs.push(q);
    const values = interpret(onnx, { global_in: { dtype: DataType.FLOAT, shape: [1, x.length], data: x } });
    // The graph's Quant output is (q − zeropt)·scale of exactly this q.
    const yq = values.get(iq.output)!;
    q.forEach((v, i) => expect(yq.data[i]).toBe(dequant(v, iq.scale, iq.zeroPoint)));
    const trace = integerForward(im, q);
    r.trace.layerOutputs.forEach((name, li) => {
      const t = values.get(name)!;
      for (let j = 0; j < t.data.length; j++) expect(t.data[j] === 1 ? 1 : 0, `layer ${li} neuron ${j}`).toBe(trace.layerValues[li]![j]);
    });
    expect(trace.prediction).toBe(values.get(r.trace.output)!.data[0]);
    // The model's own float reference (BN on s = Σ q·w) is not involved: the activations are thresholds on s.
    expect(floatForward(model, q).prediction).toBe(trace.prediction);
    preds.push(trace.prediction);
  }
  const c = compile(model);
  const sim = simulate(c.plan, qs).report;
  expect(sim.finished).toBe(true);
  expect(sim.predictions).toEqual(preds);
}

/**
 * Inputs placed on every first-layer neuron's threshold edge: for each neuron j with a threshold
 * t on s, inputs with s_j = t − 1, t and t + 1 exactly (x is chosen so that its q is the target).
 */
function edgeInputs(r: ImportResult, seed: number): Float64Array[] {
  const iq = r.trace.inputQuant!;
  const l0 = r.model.layers[0]!;
  if (l0.kind !== 'dense' || l0.activation.kind !== 'threshold') return [];
  const rng = new Prng(seed);
  const out: Float64Array[] = [];
  const n = l0.inputs;
  l0.activation.thresholds.forEach((t, j) => {
    const w = Array.from({ length: n }, (_, i) => (getBit(l0.weights[j]!, i) ? 1 : -1));
    for (const target of [t - 1, t, t + 1]) {
      const q = Array.from({ length: n }, () => iq.min + rng.int(iq.max - iq.min + 1));
      let diff = target - q.reduce((a, v, i) => a + v * w[i]!, 0);
      for (let i = 0; i < n && diff !== 0; i++) {
        const want = Math.min(iq.max, Math.max(iq.min, q[i]! + w[i]! * diff));
        diff -= (want - q[i]!) * w[i]!;
        q[i] = want;
      }
      if (diff !== 0) continue; // not reachable
      const x = Float64Array.from(q, (v) => {
        for (const off of [0, 0.25, -0.25]) {
          const xv = Math.fround((v - iq.zeroPoint + off) * iq.scale);
          if (quantizeInput(iq, [xv])[0] === v) return xv;
        }
        throw new Error(`no x quantizes to ${v}`);
      });
      expect(Array.from(quantizeInput(iq, x))).toEqual(q);
      out.push(x);
    }
  });
  expect(out.length).toBeGreaterThan(0);
  return out;
}

/** Graph inputs whose quantized values cover [min, max] (and beyond it: clipping), off-grid and on-grid. */
function inputsFor(r: ImportResult, n: number, count: number, seed: number): Float64Array[] {
  const q = r.trace.inputQuant!;
  const rng = new Prng(seed);
  return Array.from({ length: count }, (_, k) =>
    Float64Array.from({ length: n }, () => {
      const u = q.min - 2 + rng.int(q.max - q.min + 5);
      const jitter = k % 2 === 0 ? 0 : rng.float() - 0.5;
      return Math.fround((u - q.zeroPoint + jitter) * q.scale);
    }),
  );
}

describe('QONNX import: 8-bit Quant input → fixed-point first layer', () => {
  it('(a) Quant 8-bit unsigned, scale 1, zeropt 0 on a UINT8 input: raw input q = x; every neuron and the argmax agree (IntQuant: Y = (clip(round(x/1 + 0), 0, 255) − 0)·1)', () => {
    const { spec } = fixedNet({ annotateUint8: true });
    const r = importOnnx(encodeOnnx(spec));
    expect(r.model.input).toEqual({ shape: [12], encoding: { kind: 'fixed', signed: false }, rawBits: 8 });
    expect(denseLayers(r.model).map((l) => l.activation.kind)).toEqual(['threshold', 'threshold', 'none']);
    expect(r.trace.inputBits).toBe('');
    expect(r.folded[0]).toMatch(/q_in fold to input\.encoding fixed \(unsigned, rawBits 8\).*= x for integer x in range/);
    // BN with negative scale on s → `le` thresholds on s.
    const a = denseLayer(r.model, 0).activation;
    expect(a.kind === 'threshold' && a.direction.includes('le') && a.direction.includes('ge')).toBe(true);
    // Random uint8 inputs: x is q itself.
    const rng = new Prng(9);
    const xs = Array.from({ length: 60 }, () => Float64Array.from({ length: 12 }, () => rng.int(256)));
    xs.forEach((x) => expect(Array.from(quantizeInput(r.trace.inputQuant!, x))).toEqual(Array.from(x)));
    checkFixed(spec, r, xs);
  });

  it('(a) a tie on s folds exactly: BipolarQuant(acc − c) with integer c fires at s = c (X >= 0 includes 0)', () => {
    const { spec, w0 } = fixedNet({
      n: 6,
      hidden: [5],
      firstAct: (extra) => {
        extra.push(f32('cs', [5], [0, 100, -37, 255, 600]));
        return [
          { opType: 'Sub', inputs: ['acc0', 'cs'], outputs: ['d0'] },
          { opType: 'BipolarQuant', domain: Q, inputs: ['d0', 'one'], outputs: ['h0'] },
        ];
      },
    });
    const r = importOnnx(encodeOnnx(spec));
    const a = denseLayer(r.model, 0).activation;
    expect(a.kind).toBe('threshold');
    if (a.kind !== 'threshold') return;
    expect(a.direction).toEqual(['ge', 'ge', 'ge', 'ge', 'ge']);
    expect(a.thresholds).toEqual([0, 100, -37, 255, 600].map((t, j) => {
      // a threshold outside the reachable range of s becomes a constant (ge sMin or ge sMax + 1)
      const plus = w0[j]!.filter((w) => w === 1).length;
      const sMin = -(6 - plus) * 255;
      const sMax = plus * 255;
      return t < sMin ? sMin : t > sMax ? sMax + 1 : t;
    }));
    // inputs landing exactly on the tie for neuron 1: s = 100
    const xs: Float64Array[] = [];
    const rng = new Prng(4);
    for (let k = 0; k < 40; k++) {
      const x = Float64Array.from({ length: 6 }, () => rng.int(256));
      const s = x.reduce((acc, v, i) => acc + v * w0[1]![i]!, 0);
      const i0 = w0[1]!.indexOf(1);
      const want = x[i0]! + (100 - s);
      if (want >= 0 && want <= 255) x[i0] = want;
      xs.push(x);
    }
    checkFixed(spec, r, xs);
  });

  it.each([
    { name: 'unsigned, scale 1/255, zeropt 3', scale: Math.fround(1 / 255), zero: 3, signed: false, seed: 1 },
    { name: 'unsigned, scale 0.02, zeropt 3 (IntQuant)', scale: Math.fround(0.02), zero: 3, signed: false, seed: 2, op: 'IntQuant' as const },
    { name: 'signed, scale 0.02, zeropt −5', scale: Math.fround(0.02), zero: -5, signed: true, seed: 5 },
    { name: 'signed narrow, scale 2^-7 (exact), zeropt 3, rounding FLOOR', scale: 2 ** -7, zero: 3, signed: true, narrow: true, rounding: 'FLOOR', seed: 6 },
    { name: 'unsigned 4-bit, scale 0.25, zeropt 0, rounding HALF_UP', scale: 0.25, zero: 0, signed: false, bits: 4, rounding: 'HALF_UP', seed: 8 },
  ])('(b) $name: raw input q = clip(round(x/scale + zeropt)); every neuron and the argmax agree', (t) => {
    const { spec } = fixedNet(t);
    const r = importOnnx(encodeOnnx(spec));
    expect(r.model.input.encoding).toEqual({ kind: 'fixed', signed: t.signed });
    expect(r.model.input.rawBits).toBe(t.bits ?? 8);
    const q = r.trace.inputQuant!;
    expect([q.min, q.max]).toEqual(t.signed ? (t.narrow ? [-127, 127] : [-128, 127]) : [0, 2 ** (t.bits ?? 8) - 1]);
    const a = denseLayer(r.model, 0).activation;
    // not all constant: the BN parameters put thresholds inside the reachable range of s
    expect(a.kind === 'threshold' && a.thresholds.some((th, j) => th !== a.thresholds[(j + 1) % a.thresholds.length])).toBe(true);
    checkFixed(spec, r, inputsFor(r, 12, 60, t.seed + 100));
  });

  it('(b) a wide layer (300 inputs: s spans > 2^16 values, folded by bisection), scale 2^-8, zeropt 7', () => {
    const { spec } = fixedNet({ n: 300, hidden: [16, 8], scale: 2 ** -8, zero: 7, seed: 12 });
    const r = importOnnx(encodeOnnx(spec));
    checkFixed(spec, r, inputsFor(r, 300, 20, 13));
  });

  it('(b) reshapes between the Quant and the MatMul are bookkeeping (Reshape/Flatten keep the flat order)', () => {
    const { spec } = fixedNet({
      scale: 0.5,
      zero: 1,
      between: (extra) => {
        extra.push(i64('shp', [3], [1, 3, 4]));
        return [
          { opType: 'Reshape', inputs: ['xq', 'shp'], outputs: ['xr'] },
          { opType: 'Flatten', inputs: ['xr'], outputs: ['xm'], attrs: { axis: int(1) } },
        ];
      },
    });
    const r = importOnnx(encodeOnnx(spec));
    checkFixed(spec, r, inputsFor(r, 12, 30, 77));
  });
});

describe('QONNX import: input Quant rejections (IMPORT_UNSUPPORTED naming the node)', () => {
  const rejects = (spec: ModelSpec, re: RegExp, opts = {}) => {
    const e = bnnErrorOf(() => importOnnx(encodeOnnx(spec), opts));
    expect(e.detail.code).toBe('IMPORT_UNSUPPORTED');
    expect(e.message).toMatch(re);
  };

  it('per-channel (per-element) input scale: s = Σ q·w would need one scale for all inputs', () => {
    rejects(
      fixedNet({ quantTensors: [f32('q_scale', [1, 12], Array.from({ length: 12 }, (_, i) => 1 + i)), f32('q_zero', [], [0]), f32('q_bits', [], [8])] }).spec,
      /node q_in \(Quant.*non-scalar scale \(shape \[1,12\]\)/,
    );
  });

  it('non-scalar zero point', () => {
    rejects(
      fixedNet({ quantTensors: [f32('q_scale', [], [1]), f32('q_zero', [1, 12], new Array(12).fill(0)), f32('q_bits', [], [8])] }).spec,
      /node q_in \(Quant.*non-scalar zero point/,
    );
  });

  it('bit width > 16, non-integer zero point, non-positive scale', () => {
    rejects(fixedNet({ bits: 17 }).spec, /node q_in \(Quant.*bit width 17/);
    rejects(fixedNet({ zero: 0.5 }).spec, /node q_in \(Quant.*integer zero point/);
    rejects(fixedNet({ scale: -1 }).spec, /node q_in \(Quant.*positive/);
  });

  it('bit width 1 stays rejected (QONNX: Quant does not represent binary/bipolar)', () => {
    rejects(fixedNet({ bits: 1 }).spec, /node q_in \(Quant.*bit width 1.*BipolarQuant/);
  });

  it('arithmetic between the Quant and the MatMul, and a sign of the quantized input', () => {
    rejects(
      fixedNet({
        between: (extra) => {
          extra.push(f32('two', [], [2]));
          return [{ name: 'mul_q', opType: 'Mul', inputs: ['xq', 'two'], outputs: ['xm'] }];
        },
      }).spec,
      /node mul_q \(Mul\).*between the input Quant and the first MatMul/,
    );
    rejects(
      fixedNet({ between: () => [{ name: 'bq_q', opType: 'BipolarQuant', domain: Q, inputs: ['xq', 'one'], outputs: ['xm'] }] }).spec,
      /node bq_q \(BipolarQuant.*sign of the quantized input/,
    );
  });

  it('an 8-bit Quant on hidden activations (multi-bit activations between layers)', () => {
    rejects(
      fixedNet({
        firstAct: (extra) => {
          extra.push(f32('z8', [], [0]), f32('b8', [], [8]));
          return [{ name: 'q_hidden', opType: 'Quant', domain: Q, inputs: ['acc0', 'one', 'z8', 'b8'], outputs: ['h0'], attrs: { signed: int(1) } }];
        },
      }).spec,
      /node q_hidden \(Quant.*8-bit quantization of a layer's accumulator/,
    );
  });

  it('a one-layer network (the fixed-point layer has no sign activation)', () => {
    rejects(fixedNet({ hidden: [] }).spec, /node TopK.*fixed-point first layer must have a sign activation/);
  });

  it('--raw-bits that disagrees with the Quant bit width is IMPORT_INVALID', () => {
    const e = bnnErrorOf(() => importOnnx(encodeOnnx(fixedNet().spec), { rawBits: 4 }));
    expect(e.detail.code).toBe('IMPORT_INVALID');
    expect(e.message).toMatch(/node q_in quantizes the input to 8 bits, not 4/);
  });

  it('a threshold inside the float32 rounding spread of (q − zeropt)·scale is rejected (the graph bit is not a function of s)', () => {
    // scale 0.1 is not exact in float32; a threshold placed exactly at the MatMul value of one
    // input is crossed by other inputs with the same s whose per-element rounding differs.
    const scale = Math.fround(0.1);
    const { spec } = fixedNet({
      n: 4,
      hidden: [2],
      scale,
      firstAct: (extra) => {
        extra.push(f32('cth', [2], [Math.fround(scale * 300), Math.fround(scale * 301)]));
        return [
          { name: 'sub_th', opType: 'Sub', inputs: ['acc0', 'cth'], outputs: ['d0'] },
          { name: 'bq_h0', opType: 'BipolarQuant', domain: Q, inputs: ['d0', 'one'], outputs: ['h0'] },
        ];
      },
    });
    rejects(spec, /node bq_h0 \(BipolarQuant.*neuron \d: the graph's activation is not a function of s = Σ q·w alone/);
  });
});
