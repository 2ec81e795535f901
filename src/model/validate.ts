import { BnnError, describeValue } from '../errors.js';
import { hexToBits } from './bits.js';
import { isLegalName, NAME_RULE } from './names.js';
import { OUTPUT_RULES, type Activation, type ActivationQuant, type MultiThresholdActivation, type Conv2dLayer, type DenseLayer, type Direction, type InputSpec, type Layer, type MaxPool2dLayer, type Model, type OutputRule } from './types.js';
import { outputRuleProblem } from './output-rule.js';
import { convOutputSize } from './shapes.js';
import { activationElements, BINARY, elementRange, type ElementType } from './elements.js';
import { checkLimit, product } from '../limits.js';

/** Field-path-aware reader over an untyped document; every failure names file, field, expectation. */
class Reader {
  constructor(readonly file: string) {}

  fail(field: string, expected: string, got: unknown, message = 'invalid value'): never {
    throw new BnnError({ code: 'MODEL_INVALID', message, file: this.file, field, expected, got: describeValue(got) });
  }

  record(v: unknown, field: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, 'a mapping', v);
    return v as Record<string, unknown>;
  }

  list(v: unknown, field: string, length?: number): unknown[] {
    if (!Array.isArray(v)) this.fail(field, length === undefined ? 'a list' : `a list of ${length}`, v);
    if (length !== undefined && v.length !== length) this.fail(field, `a list of ${length}`, v, 'wrong length');
    return v;
  }

  finite(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'a finite number', v);
    return v;
  }

  int(v: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      this.fail(field, `an integer in [${min}, ${max}]`, v);
    return v;
  }

  name(v: unknown, field: string): string {
    if (typeof v !== 'string' || !isLegalName(v)) this.fail(field, `a name matching ${NAME_RULE}`, v);
    return v;
  }

  numbers(v: unknown, field: string, length: number): number[] {
    return this.list(v, field, length).map((x, i) => this.finite(x, `${field}[${i}]`));
  }

  literal<T extends string | number>(v: unknown, field: string, allowed: readonly T[]): T {
    if (!allowed.includes(v as T)) this.fail(field, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, v);
    return v as T;
  }
}

/** Validate a parsed document into a Model. `file` is used only for error messages. */
export function validateModel(doc: unknown, file: string): Model {
  const r = new Reader(file);
  const top = r.record(doc, '(top level)');
  r.literal(top.format, 'format', ['bnn-model'] as const);
  r.literal(top.version, 'version', [1] as const);
  const name = r.name(top.name, 'name');
  const metadata = top.metadata === undefined ? {} : r.record(top.metadata, 'metadata');
  const input = readInput(r, top.input);
  const layersDoc = r.list(top.layers, 'layers');
  if (layersDoc.length === 0) r.fail('layers', 'at least one layer', layersDoc);
  const layers: Layer[] = [];
  const seen = new Set<string>();
  let shape = input.shape;
  let elements: ElementType = input.encoding.kind === 'fixed' ? { kind: 'integer', bits: input.rawBits, signed: input.encoding.signed, scale: 1 } : BINARY;
  const weights = { total: 0 };
  layersDoc.forEach((ld, i) => {
    const field = `layers[${i}]`;
    const ctx: LayerContext = {
      weights,
      isLast: i === layersDoc.length - 1,
      shape,
      from: i === 0 ? 'the input shape' : "the previous layer's output shape",
      elements,
      afterEngine: i > 0 && layers[i - 1]!.kind !== 'maxpool2d',
    };
    const { layer, out } = readLayer(r, ld, field, ctx);
    if (seen.has(layer.name)) r.fail(`${field}.name`, 'a name unique in the model', layer.name, 'duplicate layer name');
    seen.add(layer.name);
    shape = out;
    if (layer.kind !== 'maxpool2d') elements = activationElements(layer.activation);
    layers.push(layer);
  });
  if (layers[layers.length - 1]!.kind === 'maxpool2d') r.fail(`layers[${layers.length - 1}].kind`, 'a dense or conv2d layer last', 'maxpool2d');
  let output: { kind: OutputRule } | undefined;
  if (top.output !== undefined) {
    const o = r.record(top.output, 'output');
    for (const k of Object.keys(o)) if (k !== 'kind') r.fail(`output.${k}`, 'only kind', k, 'unknown key');
    output = { kind: r.literal(o.kind, 'output.kind', OUTPUT_RULES) };
  }
  const model: Model = { format: 'bnn-model', version: 1, name, metadata, input, layers, ...(output ? { output } : {}), sourceFile: file };
  const problem = outputRuleProblem(model);
  if (problem) r.fail(problem.field, problem.expected, problem.got, problem.message);
  return model;
}

function readInput(r: Reader, v: unknown): InputSpec {
  const d = r.record(v, 'input');
  const shape = r.list(d.shape, 'input.shape').map((x, i) => r.int(x, `input.shape[${i}]`, 1, 1 << 24));
  if (shape.length === 0) r.fail('input.shape', 'a non-empty list', d.shape);
  checkLimit('inputElements', product(shape), { file: r.file, field: 'input.shape', what: `an input frame of ${shape.join(' × ')} elements` });
  const rawBits = d.rawBits === undefined ? 8 : r.int(d.rawBits, 'input.rawBits', 1, 16);
  const enc = r.record(d.encoding, 'input.encoding');
  const kind = r.literal(enc.kind, 'input.encoding.kind', ['threshold', 'fixed'] as const);
  if (shape.length !== 1 && shape.length !== 3) r.fail('input.shape', '[N] or [H, W, C] (channels last)', d.shape);
  if (kind === 'fixed') {
    const signed = enc.signed === undefined ? false : enc.signed;
    if (typeof signed !== 'boolean') r.fail('input.encoding.signed', 'true or false', signed);
    return { shape, rawBits, encoding: { kind, signed } };
  }
  const threshold = r.int(enc.threshold, 'input.encoding.threshold', 0, 2 ** rawBits);
  return { shape, rawBits, encoding: { kind: 'threshold', threshold } };
}

interface LayerContext {
  isLast: boolean;
  /** The incoming shape: [N] or [H, W, C]. */
  shape: number[];
  from: string;
  /** What the layer reads: ±1 bits, or integers (raw fixed-point inputs, multi-bit activations). */
  elements: ElementType;
  /** The previous layer is a dense or conv2d layer (a pool cannot follow a pool). */
  afterEngine: boolean;
  /** Weights of the layers read so far, checked against the limit before the next layer's are decoded. */
  weights: { total: number };
}

function countWeights(r: Reader, ctx: LayerContext, field: string, n: number): void {
  ctx.weights.total += n;
  checkLimit('weights', ctx.weights.total, { file: r.file, field, what: `a model with ${ctx.weights.total.toLocaleString('en-US')} weights up to this layer` });
}

function readLayer(r: Reader, v: unknown, field: string, ctx: LayerContext): { layer: Layer; out: number[] } {
  const d = r.record(v, field);
  const kind = r.literal(d.kind, `${field}.kind`, ['dense', 'conv2d', 'maxpool2d'] as const);
  if (kind === 'dense') return readDense(r, d, field, ctx);
  if (kind === 'conv2d') return readConv(r, d, field, ctx);
  return readPool(r, d, field, ctx);
}

function readRows(r: Reader, v: unknown, field: string, rowsN: number, bitsN: number): Uint32Array[] {
  const w = r.record(v, field);
  r.literal(w.encoding, `${field}.encoding`, ['hex'] as const);
  return r.list(w.rows, `${field}.rows`, rowsN).map((row, j) => {
    const f = `${field}.rows[${j}]`;
    const bits = typeof row === 'string' ? hexToBits(row, bitsN) : undefined;
    if (!bits) r.fail(f, `${Math.ceil(bitsN / 4)} hex digits holding ${bitsN} bits (unused high bits zero)`, row);
    return bits;
  });
}

function readDense(r: Reader, d: Record<string, unknown>, field: string, ctx: LayerContext): { layer: DenseLayer; out: number[] } {
  const name = r.name(d.name, `${field}.name`);
  const inputs = r.int(d.inputs, `${field}.inputs`, 1, 1 << 20);
  const fanIn = ctx.shape.reduce((a, b) => a * b, 1);
  if (inputs !== fanIn) r.fail(`${field}.inputs`, `${fanIn} (${ctx.from} [${ctx.shape.join(', ')}], flattened channels last)`, inputs, 'shape mismatch');
  const outputs = r.int(d.outputs, `${field}.outputs`, 1, 1 << 16);
  countWeights(r, ctx, `${field}.outputs`, outputs * inputs);
  const weights = readRows(r, d.weights, `${field}.weights`, outputs, inputs);
  const activation = readActivation(r, d.activation, `${field}.activation`, outputs, ctx.isLast);
  return { layer: { kind: 'dense', name, inputs, outputs, weights, activation }, out: [outputs] };
}

function readConv(r: Reader, d: Record<string, unknown>, field: string, ctx: LayerContext): { layer: Conv2dLayer; out: number[] } {
  const name = r.name(d.name, `${field}.name`);
  if (ctx.shape.length !== 3) r.fail(`${field}.kind`, `a [H, W, C] input for conv2d (${ctx.from} is [${ctx.shape.join(', ')}])`, 'conv2d', 'shape mismatch');
  const [h, w, c] = ctx.shape as [number, number, number];
  const inChannels = r.int(d.inChannels, `${field}.inChannels`, 1, 1 << 16);
  if (inChannels !== c) r.fail(`${field}.inChannels`, `${c} (the channels of ${ctx.from})`, inChannels, 'shape mismatch');
  const outChannels = r.int(d.outChannels, `${field}.outChannels`, 1, 1 << 16);
  const kernel = r.int(d.kernel, `${field}.kernel`, 1, 15);
  const stride = r.int(d.stride ?? 1, `${field}.stride`, 1, 15);
  const padding = r.int(d.padding ?? 0, `${field}.padding`, 0, kernel - 1);
  const padValue = ctx.elements.kind === 'integer'
    ? r.literal(d.padValue ?? 0, `${field}.padValue`, [0] as const)
    : r.literal(d.padValue ?? -1, `${field}.padValue`, [-1, 1] as const);
  const oh = convOutputSize(h, kernel, stride, padding);
  const ow = convOutputSize(w, kernel, stride, padding);
  if (oh < 1 || ow < 1) r.fail(`${field}.kernel`, `a kernel that fits the ${h}x${w} input with padding ${padding}`, kernel);
  const n = kernel * kernel * inChannels;
  countWeights(r, ctx, `${field}.outChannels`, outChannels * n);
  const weights = readRows(r, d.weights, `${field}.weights`, outChannels, n);
  const activation = readActivation(r, d.activation, `${field}.activation`, outChannels, false);
  return { layer: { kind: 'conv2d', name, inChannels, outChannels, kernel, stride, padding, padValue, weights, activation }, out: [oh, ow, outChannels] };
}

function readPool(r: Reader, d: Record<string, unknown>, field: string, ctx: LayerContext): { layer: MaxPool2dLayer; out: number[] } {
  const name = r.name(d.name, `${field}.name`);
  if (ctx.shape.length !== 3) r.fail(`${field}.kind`, `a [H, W, C] input for maxpool2d (${ctx.from} is [${ctx.shape.join(', ')}])`, 'maxpool2d', 'shape mismatch');
  if (!ctx.afterEngine) r.fail(`${field}.kind`, 'maxpool2d after a thresholded dense or conv2d layer', 'maxpool2d');
  const kernel = r.int(d.kernel, `${field}.kernel`, 2, 15);
  const stride = r.int(d.stride ?? kernel, `${field}.stride`, kernel, kernel);
  const [h, w, c] = ctx.shape as [number, number, number];
  if (h < kernel || w < kernel) r.fail(`${field}.kernel`, `at most the input size ${h}x${w}`, kernel);
  return { layer: { kind: 'maxpool2d', name, kernel, stride }, out: [Math.floor(h / kernel), Math.floor(w / kernel), c] };
}

function readActivation(r: Reader, v: unknown, field: string, m: number, isLast: boolean): Activation {
  const d = r.record(v, field);
  const kind = r.literal(d.kind, `${field}.kind`, isLast ? (['batchnorm', 'threshold', 'none'] as const) : (['batchnorm', 'threshold', 'multithreshold'] as const));
  if (kind === 'none') {
    const scale = d.scale === undefined ? undefined : r.finite(d.scale, `${field}.scale`);
    if (scale !== undefined && !(scale > 0)) r.fail(`${field}.scale`, 'a positive number', scale);
    return scale === undefined ? { kind } : { kind, scale };
  }
  if (kind === 'threshold') {
    const thresholds = r.list(d.thresholds, `${field}.thresholds`, m).map((t, j) => r.int(t, `${field}.thresholds[${j}]`, -(1 << 30), 1 << 30));
    const dir = d.direction;
    const direction: Direction[] = Array.isArray(dir)
      ? r.list(dir, `${field}.direction`, m).map((x, j) => r.literal(x, `${field}.direction[${j}]`, ['ge', 'le'] as const))
      : new Array<Direction>(m).fill(r.literal(dir, `${field}.direction`, ['ge', 'le'] as const));
    return { kind, thresholds, direction };
  }
  if (kind === 'multithreshold') return readMultiThreshold(r, d, field, m);
  const gamma = r.numbers(d.gamma, `${field}.gamma`, m);
  const beta = r.numbers(d.beta, `${field}.beta`, m);
  const mean = r.numbers(d.mean, `${field}.mean`, m);
  const variance = r.numbers(d.var, `${field}.var`, m);
  const eps = r.finite(d.eps ?? 1e-5, `${field}.eps`);
  if (eps < 0) r.fail(`${field}.eps`, 'a number >= 0', eps);
  variance.forEach((x, j) => {
    if (!(x + eps > 0)) r.fail(`${field}.var[${j}]`, 'var + eps > 0', x);
  });
  const bias = d.bias === undefined ? undefined : r.numbers(d.bias, `${field}.bias`, m);
  let quant: ActivationQuant | undefined;
  if (d.quant !== undefined) {
    // A score layer's values are its accumulators: quantizing them is not an activation the last layer may have.
    if (isLast) r.fail(`${field}.quant`, 'no quant on the last layer (it outputs scores or bits)', d.quant);
    const q = r.record(d.quant, `${field}.quant`);
    for (const k of Object.keys(q)) if (!['bits', 'levels', 'outBias', 'outScale'].includes(k)) r.fail(`${field}.quant.${k}`, 'only bits, levels, outBias, outScale', k, 'unknown key');
    const bits = r.int(q.bits, `${field}.quant.bits`, MIN_ACT_BITS, MAX_ACT_BITS);
    const levels = r.int(q.levels ?? 2 ** bits, `${field}.quant.levels`, 2, 2 ** bits);
    const { outBias, outScale } = readLevels(r, q, `${field}.quant`, bits, levels - 1);
    quant = { bits, levels, outBias, outScale };
  }
  return { kind, gamma, beta, mean, var: variance, eps, ...(bias ? { bias } : {}), ...(quant ? { quant } : {}) };
}

/** Multi-bit activations: 2..4 bits (1 bit is the `threshold`/`batchnorm` sign activation). */
export const MIN_ACT_BITS = 2;
export const MAX_ACT_BITS = 4;

/** outBias and outScale, with every element outBias..outBias+T representable in `bits` bits (signed iff outBias < 0). */
function readLevels(r: Reader, q: Record<string, unknown>, field: string, bits: number, t: number): { outBias: number; outScale: number } {
  const outBias = r.int(q.outBias ?? 0, `${field}.outBias`, -(2 ** (bits - 1)), 2 ** bits - 1);
  const range = elementRange(bits, outBias < 0);
  if (outBias + t > range.max)
    r.fail(`${field}.outBias`, `outBias + ${t} (the top level) <= ${range.max}: the elements are ${outBias < 0 ? 'signed' : 'unsigned'} ${bits}-bit integers`, outBias, 'levels do not fit the bits');
  const outScale = r.finite(q.outScale ?? 1, `${field}.outScale`);
  if (!(outScale > 0)) r.fail(`${field}.outScale`, 'a positive number (the value of one level step)', outScale);
  return { outBias, outScale };
}

function readMultiThreshold(r: Reader, d: Record<string, unknown>, field: string, m: number): MultiThresholdActivation {
  const bits = r.int(d.bits, `${field}.bits`, MIN_ACT_BITS, MAX_ACT_BITS);
  const rows = r.list(d.thresholds, `${field}.thresholds`, m);
  const t = r.list(rows[0], `${field}.thresholds[0]`).length;
  if (t < 1 || t > 2 ** bits - 1) r.fail(`${field}.thresholds[0]`, `a list of 1..${2 ** bits - 1} integers (at most 2^bits − 1 thresholds)`, rows[0]);
  const dir = d.direction;
  const direction: Direction[] = Array.isArray(dir)
    ? r.list(dir, `${field}.direction`, m).map((x, j) => r.literal(x, `${field}.direction[${j}]`, ['ge', 'le'] as const))
    : new Array<Direction>(m).fill(r.literal(dir, `${field}.direction`, ['ge', 'le'] as const));
  const thresholds = rows.map((row, j) => {
    const f = `${field}.thresholds[${j}]`;
    const list = r.list(row, f, t).map((x, k) => r.int(x, `${f}[${k}]`, -(1 << 30), 1 << 30));
    for (let k = 1; k < t; k++) {
      const ok = direction[j] === 'ge' ? list[k]! >= list[k - 1]! : list[k]! <= list[k - 1]!;
      if (!ok) r.fail(`${f}[${k}]`, direction[j] === 'ge' ? `>= ${list[k - 1]} (a 'ge' neuron's thresholds are non-decreasing)` : `<= ${list[k - 1]} (an 'le' neuron's thresholds are non-increasing)`, list[k], 'thresholds not sorted');
    }
    return list;
  });
  const { outBias, outScale } = readLevels(r, d, field, bits, t);
  for (const k of Object.keys(d)) if (!['kind', 'bits', 'thresholds', 'direction', 'outBias', 'outScale'].includes(k)) r.fail(`${field}.${k}`, 'only kind, bits, thresholds, direction, outBias, outScale', k, 'unknown key');
  return { kind: 'multithreshold', bits, outBias, outScale, thresholds, direction };
}
