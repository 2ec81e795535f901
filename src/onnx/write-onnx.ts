import { AttributeType, DataType, modelType } from './schema.js';
import type { AttrValue, OnnxValueInfo } from './read-onnx.js';

/**
 * A small ONNX writer over the same schema subset as the reader: `bnn export` writes its QONNX
 * graphs with it (export.ts), and the tests build their QONNX and FINN-style graphs in code, so
 * that every test states the graph it checks. It writes what it is given; it checks nothing.
 */
export interface TensorSpec {
  name: string;
  dtype: number;
  shape: number[];
  data: ArrayLike<number> | readonly bigint[];
  /** Store as little-endian raw_data (default) or in the typed repeated field. */
  raw?: boolean;
}

export interface NodeSpec {
  opType: string;
  name?: string;
  domain?: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue | { type: 'tensor'; value: TensorSpec }>;
}

export interface GraphSpec {
  name?: string;
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** tensor name → quantization annotation entries (e.g. { finn_datatype: 'BIPOLAR' }). */
  annotations?: Record<string, Record<string, string>>;
}

export interface ModelSpec {
  irVersion?: number;
  producerName?: string;
  opsets?: Array<{ domain: string; version: number }>;
  graph: GraphSpec;
}

type Obj = Record<string, unknown>;

const RAW_WRITERS: Record<number, [number, (dv: DataView, o: number, v: number | bigint) => void]> = {
  [DataType.FLOAT]: [4, (dv, o, v) => dv.setFloat32(o, Number(v), true)],
  [DataType.DOUBLE]: [8, (dv, o, v) => dv.setFloat64(o, Number(v), true)],
  [DataType.UINT8]: [1, (dv, o, v) => dv.setUint8(o, Number(v))],
  [DataType.BOOL]: [1, (dv, o, v) => dv.setUint8(o, Number(v))],
  [DataType.INT8]: [1, (dv, o, v) => dv.setInt8(o, Number(v))],
  [DataType.INT32]: [4, (dv, o, v) => dv.setInt32(o, Number(v), true)],
  [DataType.INT64]: [8, (dv, o, v) => dv.setBigInt64(o, BigInt(v), true)],
};

export function tensorProto(t: TensorSpec): Obj {
  const out: Obj = { name: t.name, dataType: t.dtype, dims: t.shape };
  const values = Array.from(t.data as ArrayLike<number | bigint>);
  if (t.raw !== false) {
    const w = RAW_WRITERS[t.dtype];
    if (!w) throw new Error(`write-onnx: no raw writer for data_type ${t.dtype}`);
    const buf = new Uint8Array(values.length * w[0]);
    const dv = new DataView(buf.buffer);
    values.forEach((v, i) => w[1](dv, i * w[0], v));
    out.rawData = buf;
    return out;
  }
  switch (t.dtype) {
    case DataType.FLOAT: out.floatData = values.map(Number); break;
    case DataType.DOUBLE: out.doubleData = values.map(Number); break;
    case DataType.INT64: out.int64Data = values.map((v) => String(v)); break;
    case DataType.UINT64: case DataType.UINT32: out.uint64Data = values.map((v) => String(v)); break;
    default: out.int32Data = values.map(Number);
  }
  return out;
}

function attrProto(name: string, a: AttrValue | { type: 'tensor'; value: TensorSpec }): Obj {
  const enc = new TextEncoder();
  switch (a.type) {
    case 'float': return { name, type: AttributeType.FLOAT, f: a.value };
    case 'int': return { name, type: AttributeType.INT, i: a.value };
    case 'string': return { name, type: AttributeType.STRING, s: enc.encode(a.value) };
    case 'floats': return { name, type: AttributeType.FLOATS, floats: a.value };
    case 'ints': return { name, type: AttributeType.INTS, ints: a.value };
    case 'strings': return { name, type: AttributeType.STRINGS, strings: a.value.map((s) => enc.encode(s)) };
    case 'tensor': {
      const v = a.value as TensorSpec;
      return { name, type: AttributeType.TENSOR, t: tensorProto({ ...v, data: Array.from(v.data as ArrayLike<number>) }) };
    }
    case 'unsupported': throw new Error('write-onnx: cannot write an unsupported attribute');
  }
}

function valueInfoProto(v: OnnxValueInfo): Obj {
  const out: Obj = { name: v.name };
  if (v.elemType !== undefined) {
    const tt: Obj = { elemType: v.elemType };
    if (v.shape) tt.shape = { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : d === undefined ? {} : { dimParam: d })) };
    out.type = { tensorType: tt };
  }
  return out;
}

export function encodeOnnx(m: ModelSpec): Uint8Array {
  const g = m.graph;
  const obj: Obj = {
    irVersion: m.irVersion ?? 7,
    producerName: m.producerName ?? 'bnn-test-writer',
    opsetImport: (m.opsets ?? [{ domain: '', version: 13 }]).map((o) => ({ domain: o.domain, version: o.version })),
    graph: {
      name: g.name ?? 'graph',
      node: g.nodes.map((n, i) => ({
        name: n.name ?? `${n.opType}_${i}`,
        opType: n.opType,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attrProto(k, v)),
      })),
      initializer: (g.initializers ?? []).map(tensorProto),
      input: g.inputs.map(valueInfoProto),
      output: g.outputs.map(valueInfoProto),
      quantizationAnnotation: Object.entries(g.annotations ?? {}).map(([tensorName, kv]) => ({
        tensorName,
        quantParameterTensorNames: Object.entries(kv).map(([key, value]) => ({ key, value })),
      })),
    },
  };
  const T = modelType();
  return T.encode(T.fromObject(obj)).finish();
}
