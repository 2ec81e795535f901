import { BnnError, describeValue } from '../errors.js';
import { hexToBits } from './bits.js';
import type { Activation, DenseLayer, Direction, InputSpec, Layer, Model } from './types.js';

const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

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
    if (typeof v !== 'string' || !NAME_RE.test(v)) this.fail(field, 'a name matching [A-Za-z0-9_.-]{1,64}', v);
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
  let fanIn = input.shape.reduce((a, b) => a * b, 1);
  layersDoc.forEach((ld, i) => {
    const field = `layers[${i}]`;
    const layer = readLayer(r, ld, field, i === layersDoc.length - 1, fanIn, i === 0 ? 'the input size' : "the previous layer's outputs");
    if (seen.has(layer.name)) r.fail(`${field}.name`, 'a name unique in the model', layer.name, 'duplicate layer name');
    seen.add(layer.name);
    fanIn = layer.outputs;
    layers.push(layer);
  });
  return { format: 'bnn-model', version: 1, name, metadata, input, layers, sourceFile: file };
}

function readInput(r: Reader, v: unknown): InputSpec {
  const d = r.record(v, 'input');
  const shape = r.list(d.shape, 'input.shape').map((x, i) => r.int(x, `input.shape[${i}]`, 1, 1 << 24));
  if (shape.length === 0) r.fail('input.shape', 'a non-empty list', d.shape);
  const rawBits = d.rawBits === undefined ? 8 : r.int(d.rawBits, 'input.rawBits', 1, 16);
  const enc = r.record(d.encoding, 'input.encoding');
  r.literal(enc.kind, 'input.encoding.kind', ['threshold'] as const);
  const threshold = r.int(enc.threshold, 'input.encoding.threshold', 0, 2 ** rawBits);
  return { shape, rawBits, encoding: { kind: 'threshold', threshold } };
}

function readLayer(r: Reader, v: unknown, field: string, isLast: boolean, fanIn: number, fanInFrom: string): Layer {
  const d = r.record(v, field);
  r.literal(d.kind, `${field}.kind`, ['dense'] as const);
  return readDense(r, d, field, isLast, fanIn, fanInFrom);
}

function readDense(r: Reader, d: Record<string, unknown>, field: string, isLast: boolean, fanIn: number, fanInFrom: string): DenseLayer {
  const name = r.name(d.name, `${field}.name`);
  const inputs = r.int(d.inputs, `${field}.inputs`, 1, 1 << 20);
  if (inputs !== fanIn) r.fail(`${field}.inputs`, `${fanIn} (${fanInFrom})`, inputs, 'shape mismatch');
  const outputs = r.int(d.outputs, `${field}.outputs`, 1, 1 << 16);
  const w = r.record(d.weights, `${field}.weights`);
  r.literal(w.encoding, `${field}.weights.encoding`, ['hex'] as const);
  const rows = r.list(w.rows, `${field}.weights.rows`, outputs).map((row, j) => {
    const f = `${field}.weights.rows[${j}]`;
    const bits = typeof row === 'string' ? hexToBits(row, inputs) : undefined;
    if (!bits) r.fail(f, `${Math.ceil(inputs / 4)} hex digits holding ${inputs} bits (unused high bits zero)`, row);
    return bits;
  });
  const activation = readActivation(r, d.activation, `${field}.activation`, outputs, inputs, isLast);
  return { kind: 'dense', name, inputs, outputs, weights: rows, activation };
}

function readActivation(r: Reader, v: unknown, field: string, m: number, n: number, isLast: boolean): Activation {
  const d = r.record(v, field);
  const kind = r.literal(d.kind, `${field}.kind`, isLast ? (['batchnorm', 'threshold', 'none'] as const) : (['batchnorm', 'threshold'] as const));
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
  void n;
  return { kind, gamma, beta, mean, var: variance, eps, ...(bias ? { bias } : {}) };
}
