import { readFileSync } from 'node:fs';
import { BnnError } from '../errors.js';
import { AttributeType, DATA_TYPE_NAMES, DataType, modelType } from './schema.js';
import { safeInteger, type Tensor } from './tensor.js';
import { checkLimit, product } from '../limits.js';

/** An ONNX model reduced to what the importer uses (see schema.ts for the wire subset). */
export interface OnnxModel {
  irVersion: number;
  producerName: string;
  opsets: Array<{ domain: string; version: number }>;
  graph: OnnxGraph;
}

export interface OnnxValueInfo {
  name: string;
  elemType?: number;
  /** Each dimension: a number, or a symbolic name (dim_param), or undefined when unknown. */
  shape?: Array<number | string | undefined>;
}

export type AttrValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: Tensor }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'unsupported'; value: string };

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, AttrValue>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: Map<string, Tensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: Map<string, OnnxValueInfo>;
  /** graph.quantization_annotation: tensor name → { key: value } (e.g. finn_datatype: BIPOLAR). */
  annotations: Map<string, Record<string, string>>;
}

type Obj = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8');

export function readOnnxFile(file: string): OnnxModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new BnnError({ code: 'IMPORT_INVALID', message: `cannot read ONNX file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file });
  }
  return readOnnx(bytes, file);
}

/** Decode an ONNX ModelProto. `file` is used only for error messages. */
export function readOnnx(bytes: Uint8Array, file?: string): OnnxModel {
  const T = modelType();
  let obj: Obj;
  try {
    obj = T.toObject(T.decode(bytes), { longs: String, enums: Number, defaults: false }) as Obj;
  } catch (e) {
    throw new BnnError({
      code: 'IMPORT_INVALID',
      message: `not an ONNX model: protobuf decoding failed (${(e as Error).message})`,
      file,
      expected: 'a binary ONNX ModelProto',
    });
  }
  const g = obj.graph as Obj | undefined;
  if (!g) throw new BnnError({ code: 'IMPORT_INVALID', message: 'the model has no graph', file, field: 'graph', expected: 'a GraphProto' });
  const opsets = ((obj.opsetImport as Obj[] | undefined) ?? []).map((o, i) => ({
    domain: (o.domain as string | undefined) ?? '',
    version: safeInteger(o.version ?? 0, { file, field: `opset_import[${i}].version` }),
  }));
  return {
    irVersion: safeInteger(obj.irVersion ?? 0, { file, field: 'ir_version' }),
    producerName: (obj.producerName as string | undefined) ?? '',
    opsets,
    graph: readGraph(g, file),
  };
}

function readGraph(g: Obj, file?: string): OnnxGraph {
  if (((g.sparseInitializer as unknown[] | undefined) ?? []).length > 0)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'sparse initializers are not supported', file, field: 'graph.sparse_initializer' });
  const initializers = new Map<string, Tensor>();
  ((g.initializer as Obj[] | undefined) ?? []).forEach((t, i) => {
    const name = (t.name as string | undefined) ?? '';
    initializers.set(name, readTensor(t, file, `graph.initializer[${i}] (${name})`));
  });
  const nodes = ((g.node as Obj[] | undefined) ?? []).map((n, i) => readNode(n, i, file));
  const annotations = new Map<string, Record<string, string>>();
  for (const a of (g.quantizationAnnotation as Obj[] | undefined) ?? []) {
    const rec: Record<string, string> = {};
    for (const kv of (a.quantParameterTensorNames as Obj[] | undefined) ?? []) rec[(kv.key as string) ?? ''] = (kv.value as string) ?? '';
    annotations.set((a.tensorName as string) ?? '', rec);
  }
  const vi = (list: unknown, field: string) =>
    ((list as Obj[] | undefined) ?? []).map((v, i) => readValueInfo(v, file, `${field}[${i}]`));
  const valueInfo = new Map<string, OnnxValueInfo>();
  for (const v of vi(g.valueInfo, 'graph.value_info')) valueInfo.set(v.name, v);
  return {
    name: (g.name as string | undefined) ?? '',
    nodes,
    initializers,
    inputs: vi(g.input, 'graph.input'),
    outputs: vi(g.output, 'graph.output'),
    valueInfo,
    annotations,
  };
}

function readValueInfo(v: Obj, file: string | undefined, field: string): OnnxValueInfo {
  const name = (v.name as string | undefined) ?? '';
  const tt = ((v.type as Obj | undefined)?.tensorType as Obj | undefined) ?? undefined;
  if (!tt) return { name };
  const shapeObj = tt.shape as Obj | undefined;
  const shape = shapeObj
    ? ((shapeObj.dim as Obj[] | undefined) ?? []).map((d, k) =>
        d.dimValue !== undefined
          ? safeInteger(d.dimValue, { file, field: `${field}.type.shape.dim[${k}]` })
          : (d.dimParam as string | undefined),
      )
    : undefined;
  return { name, elemType: tt.elemType as number | undefined, shape };
}

function readNode(n: Obj, index: number, file?: string): OnnxNode {
  const opType = (n.opType as string | undefined) ?? '';
  const name = (n.name as string | undefined) || `${opType}#${index}`;
  const attrs = new Map<string, AttrValue>();
  for (const a of (n.attribute as Obj[] | undefined) ?? []) {
    const an = (a.name as string | undefined) ?? '';
    attrs.set(an, readAttr(a, file, `node ${name}.attribute ${an}`));
  }
  return {
    name,
    opType,
    domain: (n.domain as string | undefined) ?? '',
    inputs: (n.input as string[] | undefined) ?? [],
    outputs: (n.output as string[] | undefined) ?? [],
    attrs,
  };
}

function readAttr(a: Obj, file: string | undefined, field: string): AttrValue {
  let type = a.type as number | undefined;
  // IR versions before 3 omit `type`; infer it from the field that is present.
  if (type === undefined || type === AttributeType.UNDEFINED) {
    if (a.f !== undefined) type = AttributeType.FLOAT;
    else if (a.i !== undefined) type = AttributeType.INT;
    else if (a.s !== undefined) type = AttributeType.STRING;
    else if (a.t !== undefined) type = AttributeType.TENSOR;
    else if (a.floats !== undefined) type = AttributeType.FLOATS;
    else if (a.ints !== undefined) type = AttributeType.INTS;
    else if (a.strings !== undefined) type = AttributeType.STRINGS;
  }
  switch (type) {
    case AttributeType.FLOAT:
      return { type: 'float', value: (a.f as number | undefined) ?? 0 };
    case AttributeType.INT:
      return { type: 'int', value: safeInteger(a.i ?? 0, { file, field }) };
    case AttributeType.STRING:
      return { type: 'string', value: utf8.decode((a.s as Uint8Array | undefined) ?? new Uint8Array()) };
    case AttributeType.TENSOR:
      return { type: 'tensor', value: readTensor(a.t as Obj, file, field) };
    case AttributeType.FLOATS:
      return { type: 'floats', value: [...((a.floats as number[] | undefined) ?? [])] };
    case AttributeType.INTS:
      return { type: 'ints', value: ((a.ints as unknown[] | undefined) ?? []).map((v, k) => safeInteger(v, { file, field: `${field}[${k}]` })) };
    case AttributeType.STRINGS:
      return { type: 'strings', value: ((a.strings as Uint8Array[] | undefined) ?? []).map((s) => utf8.decode(s)) };
    default:
      return { type: 'unsupported', value: `attribute type ${String(type)}` };
  }
}

const RAW_SIZE: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
};

/** Decode a TensorProto (raw_data little-endian, or the typed repeated field for its data_type). */
export function readTensor(t: Obj, file: string | undefined, field: string): Tensor {
  const dtype = (t.dataType as number | undefined) ?? 0;
  const shape = ((t.dims as unknown[] | undefined) ?? []).map((d, k) => {
    const v = safeInteger(d, { file, field: `${field}.dims[${k}]` });
    if (v < 0) throw new BnnError({ code: 'IMPORT_INVALID', message: 'negative tensor dimension', file, field: `${field}.dims[${k}]`, got: String(v) });
    return v;
  });
  const n = product(shape);
  checkLimit('onnxTensorElements', n, { file, field: `${field}.dims`, what: `a tensor of ${shape.join(' × ')} elements` });
  const bad = (message: string, expected?: string, got?: string): never => {
    throw new BnnError({ code: 'IMPORT_INVALID', message, file, field, expected, got });
  };
  if (((t.dataLocation as number | undefined) ?? 0) === 1 || ((t.externalData as unknown[] | undefined) ?? []).length > 0)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'tensor data stored outside the .onnx file (external data) is not supported', file, field });
  const size = RAW_SIZE[dtype];
  if (size === undefined)
    throw new BnnError({
      code: 'IMPORT_UNSUPPORTED',
      message: 'tensor element type not supported',
      file,
      field,
      expected: 'FLOAT, DOUBLE, (U)INT8/16/32/64 or BOOL',
      got: DATA_TYPE_NAMES[dtype] ?? `data_type ${dtype}`,
    });
  const raw = t.rawData as Uint8Array | undefined;
  if (raw !== undefined && raw.length > 0) {
    if (raw.length !== n * size) bad('raw_data has the wrong length', `${n * size} bytes (${n} × ${size})`, `${raw.length}`);
    const data = new Float64Array(n);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      const o = i * size;
      switch (dtype) {
        case DataType.FLOAT: data[i] = dv.getFloat32(o, true); break;
        case DataType.DOUBLE: data[i] = dv.getFloat64(o, true); break;
        case DataType.UINT8: case DataType.BOOL: data[i] = dv.getUint8(o); break;
        case DataType.INT8: data[i] = dv.getInt8(o); break;
        case DataType.UINT16: data[i] = dv.getUint16(o, true); break;
        case DataType.INT16: data[i] = dv.getInt16(o, true); break;
        case DataType.INT32: data[i] = dv.getInt32(o, true); break;
        case DataType.UINT32: data[i] = dv.getUint32(o, true); break;
        case DataType.INT64: data[i] = safeInteger(dv.getBigInt64(o, true), { file, field: `${field}.raw_data[${i}]` }); break;
        case DataType.UINT64: data[i] = safeInteger(dv.getBigUint64(o, true), { file, field: `${field}.raw_data[${i}]` }); break;
      }
    }
    return { dtype, shape, data };
  }
  let src: unknown[] | undefined;
  let fieldName = '';
  switch (dtype) {
    case DataType.FLOAT: src = t.floatData as number[] | undefined; fieldName = 'float_data'; break;
    case DataType.DOUBLE: src = t.doubleData as number[] | undefined; fieldName = 'double_data'; break;
    case DataType.INT64: src = t.int64Data as unknown[] | undefined; fieldName = 'int64_data'; break;
    case DataType.UINT32: case DataType.UINT64: src = t.uint64Data as unknown[] | undefined; fieldName = 'uint64_data'; break;
    default: src = t.int32Data as number[] | undefined; fieldName = 'int32_data'; break;
  }
  src ??= [];
  if (src.length !== n) bad(`${fieldName} has the wrong number of elements`, `${n}`, `${src.length}`);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    data[i] = typeof v === 'number' ? v : safeInteger(v, { file, field: `${field}.${fieldName}[${i}]` });
  }
  return { dtype, shape, data };
}
