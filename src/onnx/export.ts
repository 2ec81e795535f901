import { BnnError } from '../errors.js';
import { getBit } from '../model/bits.js';
import { layerInputElements } from '../model/elements.js';
import type { IntegerEngineLayer } from '../model/integer-model.js';
import { layerShapes } from '../model/shapes.js';
import type { Model } from '../model/types.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import type { AttrValue } from './read-onnx.js';
import { DataType } from './schema.js';
import { encodeOnnx, type ModelSpec, type NodeSpec, type TensorSpec } from './write-onnx.js';

/**
 * Model → QONNX, the graph FINN and the qonnx tools read (opset 13, custom ops in the domain
 * qonnx.custom_op.general, version 1):
 *
 *  - input: FLOAT, NCHW [1, C, H, W] for a convolutional model ([1, ...shape] for a dense one),
 *    annotated finn_datatype UINTk/INTk; a threshold encoding is MultiThreshold (one threshold T,
 *    out ±1), a fixed-point input the 2..16-bit Quant with scale 1, zero point 0 (q = x);
 *  - layers: Conv / MatMul on BipolarQuant(±1 weights) (a Pad of constant −1/+1 before a padded
 *    convolution of ±1 elements), MaxPool (kernel = strides), Transpose NCHW → NHWC + Reshape
 *    [1, −1] before the first dense layer after a convolution (so the weight rows are in the
 *    model's channels-last order);
 *  - activations: the integer thresholds of the folded model (foldThresholds), as MultiThreshold on
 *    the layer's output x (x = 2p − N for ±1 inputs, x = σ·s for integer inputs whose graph
 *    values are σ·u), with a per-channel Mul by −1 first for `le` neurons; one threshold with out
 *    {−1, +1} for a sign, T thresholds with out_scale σ, out_bias σ·outBias for A-bit elements;
 *  - output: TopK (k = 1) over the last layer's scores (or its ±1 outputs), the class index.
 *
 * The thresholds being the integer model's, the graph computes the integer model exactly: every
 * x is an integer (or σ times one, exact in float32), and x >= X(t) ⟺ acc >= t.
 */
export const QONNX_DOMAIN = 'qonnx.custom_op.general';
export const EXPORT_OPSET = 13;

export interface ExportResult {
  spec: ModelSpec;
  bytes: Uint8Array;
  /** One line per decision the user may want to know about. */
  notes: string[];
}

interface Cur {
  name: string;
  shape: number[];
  /** Graph value of an element u: σ·u (undefined: ±1 bits). */
  sigma?: number;
  /** NCHW output of a convolution or pool (the dense layer after it transposes). */
  nchw: boolean;
}

const f32 = (name: string, shape: number[], data: ArrayLike<number>): TensorSpec => ({ name, dtype: DataType.FLOAT, shape, data });
const i64 = (name: string, shape: number[], data: number[]): TensorSpec => ({ name, dtype: DataType.INT64, shape, data });
const int = (value: number): AttrValue => ({ type: 'int', value });
const ints = (value: number[]): AttrValue => ({ type: 'ints', value });
const float = (value: number): AttrValue => ({ type: 'float', value });
const str = (value: string): AttrValue => ({ type: 'string', value });

export function exportQonnx(model: Model): ExportResult {
  const im = foldThresholds(model);
  if (im.output === 'highest-set-bit')
    throw new BnnError({
      code: 'EXPORT_UNSUPPORTED',
      message: 'output rule highest-set-bit has no QONNX form (TopK gives the lowest index on a tie)',
      file: model.sourceFile,
      field: 'output.kind',
      expected: 'argmax or lowest-set-bit',
      got: im.output,
    });
  const shapes = layerShapes(model);
  const elements = layerInputElements(model);
  const nodes: NodeSpec[] = [];
  const inits: TensorSpec[] = [f32('one', [], [1]), i64('k1', [1], [1])];
  const notes: string[] = [];
  const add = (n: NodeSpec) => nodes.push(n);

  const enc = model.input.encoding;
  const conv = model.layers[0]!.kind === 'conv2d';
  const s0 = model.input.shape;
  const inShape = conv ? [1, s0[2]!, s0[0]!, s0[1]!] : [1, ...s0];
  const inType = enc.kind === 'fixed' && enc.signed ? `INT${model.input.rawBits}` : `UINT${model.input.rawBits}`;
  let cur: Cur;
  if (enc.kind === 'threshold') {
    inits.push(f32('input_threshold', [1, 1], [enc.threshold]));
    add({ name: 'input_sign', opType: 'MultiThreshold', domain: QONNX_DOMAIN, inputs: ['global_in', 'input_threshold'], outputs: ['input_bits'], attrs: { out_dtype: str('BIPOLAR'), out_scale: float(2), out_bias: float(-1) } });
    cur = { name: 'input_bits', shape: inShape, nchw: conv };
  } else {
    inits.push(f32('input_scale', [], [1]), f32('input_zeropt', [], [0]), f32('input_bitwidth', [], [model.input.rawBits]));
    add({
      name: 'input_quant', opType: 'Quant', domain: QONNX_DOMAIN, inputs: ['global_in', 'input_scale', 'input_zeropt', 'input_bitwidth'], outputs: ['input_q'],
      attrs: { signed: int(enc.signed ? 1 : 0), narrow: int(0), rounding_mode: str('ROUND') },
    });
    cur = { name: 'input_q', shape: inShape, sigma: 1, nchw: conv };
  }

  model.layers.forEach((l, li) => {
    const il = im.layers[li]!;
    // Tensor and helper-node names are the layer's name, '/', a role ('/' never occurs in a model
    // name, so they cannot collide); the layer's own node carries the layer's name, which import keeps.
    const p = l.name;
    if (l.kind === 'maxpool2d') {
      const [h, w, c] = shapes[li]!.out as [number, number, number];
      add({ name: l.name, opType: 'MaxPool', inputs: [cur.name], outputs: [`${p}/out`], attrs: { kernel_shape: ints([l.kernel, l.kernel]), strides: ints([l.kernel, l.kernel]) } });
      cur = { ...cur, name: `${p}/out`, shape: [1, c, h, w] };
      return;
    }
    const e = il as IntegerEngineLayer;
    const binaryIn = elements[li]!.kind === 'binary';
    if (l.kind === 'conv2d') {
      const k = l.kernel;
      const c = l.inChannels;
      let input = cur.name;
      let pads = [l.padding, l.padding, l.padding, l.padding];
      if (l.padding > 0 && binaryIn) {
        // ONNX Conv pads with 0, which is no ±1 value: an explicit Pad with the model's padValue.
        const q = l.padding;
        inits.push(i64(`${p}/pads`, [8], [0, 0, q, q, 0, 0, q, q]), f32(`${p}/padvalue`, [], [l.padValue]));
        add({ name: `${p}/pad`, opType: 'Pad', inputs: [cur.name, `${p}/pads`, `${p}/padvalue`], outputs: [`${p}/padded`], attrs: { mode: str('constant') } });
        input = `${p}/padded`;
        pads = [0, 0, 0, 0];
      }
      const m = l.outChannels;
      const wdata = new Float64Array(m * c * k * k);
      for (let j = 0; j < m; j++)
        for (let ch = 0; ch < c; ch++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) wdata[((j * c + ch) * k + ky) * k + kx] = getBit(l.weights[j]!, (ky * k + kx) * c + ch) ? 1 : -1;
      inits.push(f32(`${p}/W`, [m, c, k, k], wdata));
      add({ name: `${p}/wquant`, opType: 'BipolarQuant', domain: QONNX_DOMAIN, inputs: [`${p}/W`, 'one'], outputs: [`${p}/Wq`] });
      add({
        name: l.name, opType: 'Conv', inputs: [input, `${p}/Wq`], outputs: [`${p}/acc`],
        attrs: { kernel_shape: ints([k, k]), strides: ints([l.stride, l.stride]), pads: ints(pads), dilations: ints([1, 1]), group: int(1) },
      });
      const [oh, ow] = shapes[li]!.out as [number, number, number];
      cur = { ...cur, name: `${p}/acc`, shape: [1, m, oh, ow], nchw: true };
    } else {
      let input = cur.name;
      if (cur.nchw && cur.shape.length === 4) {
        // NCHW → NHWC, then flat: element (h·W + w)·C + c, the model's channels-last order.
        add({ name: `${p}/nhwc`, opType: 'Transpose', inputs: [input], outputs: [`${p}/nhwc_out`], attrs: { perm: ints([0, 2, 3, 1]) } });
        inits.push(i64(`${p}/flat_shape`, [2], [1, -1]));
        add({ name: `${p}/flatten`, opType: 'Reshape', inputs: [`${p}/nhwc_out`, `${p}/flat_shape`], outputs: [`${p}/flat`] });
        input = `${p}/flat`;
      } else if (cur.shape.length !== 2) {
        add({ name: `${p}/flatten`, opType: 'Flatten', inputs: [input], outputs: [`${p}/flat`], attrs: { axis: int(1) } });
        input = `${p}/flat`;
      }
      const n = l.inputs;
      const m = l.outputs;
      const wdata = new Float64Array(n * m);
      for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) wdata[i * m + j] = getBit(l.weights[j]!, i) ? 1 : -1;
      inits.push(f32(`${p}/W`, [n, m], wdata));
      add({ name: `${p}/wquant`, opType: 'BipolarQuant', domain: QONNX_DOMAIN, inputs: [`${p}/W`, 'one'], outputs: [`${p}/Wq`] });
      add({ name: l.name, opType: 'MatMul', inputs: [input, `${p}/Wq`], outputs: [`${p}/acc`] });
      cur = { ...cur, name: `${p}/acc`, shape: [1, m], nchw: false };
    }
    if (!e.thresholds) return;
    cur = activationNodes(l.name, e, cur, binaryIn, model, li, inits, add, notes);
  });

  add({ name: 'top_class', opType: 'TopK', inputs: [cur.name, 'k1'], outputs: ['top_value', 'global_out'], attrs: { axis: int(-1), largest: int(1), sorted: int(1) } });
  const spec: ModelSpec = {
    irVersion: 7,
    producerName: 'bnn',
    opsets: [{ domain: '', version: EXPORT_OPSET }, { domain: QONNX_DOMAIN, version: 1 }],
    graph: {
      name: model.name,
      nodes,
      initializers: inits,
      inputs: [{ name: 'global_in', elemType: DataType.FLOAT, shape: inShape }],
      outputs: [{ name: 'global_out', elemType: DataType.INT64, shape: [1, 1] }],
      annotations: { global_in: { finn_datatype: inType } },
    },
  };
  return { spec, bytes: encodeOnnx(spec), notes };
}

/**
 * The MultiThreshold of a layer: thresholds X(t) on the graph value x of the accumulator
 * (x = 2p − N, or σ·s), `le` neurons negated first (acc <= t ⟺ −x >= −X(t)).
 */
function activationNodes(name: string, e: IntegerEngineLayer, cur: Cur, binaryIn: boolean, model: Model, li: number, inits: TensorSpec[], add: (n: NodeSpec) => void, notes: string[]): Cur {
  const t = e.thresholds!;
  const m = e.outputs;
  const n = e.inputs;
  const sigma = cur.sigma ?? 1;
  const X = (v: number) => (binaryIn ? 2 * v - n : Math.fround(sigma * v));
  const conv = cur.shape.length === 4;
  let input = cur.name;
  const le = t.direction.map((d) => d === 'le');
  if (le.some(Boolean)) {
    inits.push(f32(`${name}/dir`, conv ? [1, m, 1, 1] : [1, m], le.map((x) => (x ? -1 : 1))));
    add({ name: `${name}/direction`, opType: 'Mul', inputs: [cur.name, `${name}/dir`], outputs: [`${name}/signed`] });
    input = `${name}/signed`;
  }
  const th = new Float64Array(m * t.count);
  for (let j = 0; j < m; j++) for (let k = 0; k < t.count; k++) th[j * t.count + k] = le[j] ? -X(t.value[j * t.count + k]!) : X(t.value[j * t.count + k]!);
  inits.push(f32(`${name}/thresholds`, [m, t.count], th));
  let attrs: Record<string, AttrValue>;
  let sigmaOut: number | undefined;
  if (t.outBits === 1) attrs = { out_dtype: str('BIPOLAR'), out_scale: float(2), out_bias: float(-1) };
  else {
    const a = model.layers[li]!;
    const nominal = a.kind !== 'maxpool2d' && a.activation.kind === 'multithreshold' ? a.activation.outScale : a.kind !== 'maxpool2d' && a.activation.kind === 'batchnorm' ? a.activation.quant!.outScale : 1;
    const s = exactLevelScale(nominal, t.outBias, t.count, nextFanIn(model, li) * Math.max(Math.abs(t.outBias), Math.abs(t.outBias + t.count)));
    if (s !== nominal) notes.push(`layer ${name}: out_scale 1 instead of the model's outScale ${nominal} (its levels are not exact in float32; the integer thresholds, and so the network, are unchanged)`);
    sigmaOut = s;
    attrs = { out_dtype: str(`${t.outBias < 0 ? 'INT' : 'UINT'}${t.outBits}`), out_scale: float(s), out_bias: float(Math.fround(s * t.outBias)) };
  }
  if (conv) attrs.data_layout = str('NCHW');
  add({ name: `${name}/act`, opType: 'MultiThreshold', domain: QONNX_DOMAIN, inputs: [input, `${name}/thresholds`], outputs: [`${name}/out`], attrs });
  return { ...cur, name: `${name}/out`, ...(sigmaOut !== undefined ? { sigma: sigmaOut } : { sigma: undefined }) };
}

/**
 * The model's level scale σ when every MultiThreshold output fround(code·σ + fround(σ·outBias))
 * is exactly σ·(code + outBias), and σ·s stays exact in float32 for every sum |s| <= sMax of the
 * next layer (so its x is σ·s exactly and x >= fround(σ·t) ⟺ s >= t); else 1.
 */
function exactLevelScale(scale: number, outBias: number, count: number, sMax: number): number {
  const s = Math.fround(scale);
  if (s !== scale || !(s > 0)) return 1;
  const bias = Math.fround(s * outBias);
  for (let c = 0; c <= count; c++) if (Math.fround(c * s + bias) !== s * (c + outBias)) return 1;
  if (significandBits(s) + Math.ceil(Math.log2(sMax + 2)) > 24) return 1;
  return s;
}

/** Significant bits of a positive float32 (1 for a power of two). */
function significandBits(x: number): number {
  let m = x / 2 ** Math.floor(Math.log2(x));
  let b = 1;
  while (!Number.isInteger(m) && b < 60) {
    m *= 2;
    b++;
  }
  return b;
}

/** Fan-in of the engine layer after layer li (pools pass elements through). */
function nextFanIn(model: Model, li: number): number {
  for (const l of model.layers.slice(li + 1)) {
    if (l.kind === 'dense') return l.inputs;
    if (l.kind === 'conv2d') return l.kernel * l.kernel * l.inChannels;
  }
  return 1;
}

