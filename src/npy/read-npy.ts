import { readFileSync } from 'node:fs';
import { BnnError } from '../errors.js';

/**
 * A reader for NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): little- or big-endian
 * uint8/16/32, int8/16/32/64, float32 and float64 arrays in C order. Every element is returned as a double in a
 * Float64Array (int64 values beyond ±(2^53 − 1) are rejected rather than rounded). Fortran order,
 * object arrays and every other dtype are rejected with an error naming the file and the field.
 */
export type NpyDtype = 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64' | 'int64';

/** Unsigned integer dtypes: for a signed model input they hold the two's complement bit pattern. */
export function isUnsignedDtype(d: NpyDtype): boolean {
  return d === 'uint8' || d === 'uint16' || d === 'uint32';
}

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** C-order elements. */
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DTYPES: Record<string, { dtype: NpyDtype; size: number }> = {
  u1: { dtype: 'uint8', size: 1 },
  u2: { dtype: 'uint16', size: 2 },
  u4: { dtype: 'uint32', size: 4 },
  i1: { dtype: 'int8', size: 1 },
  i2: { dtype: 'int16', size: 2 },
  i4: { dtype: 'int32', size: 4 },
  f4: { dtype: 'float32', size: 4 },
  f8: { dtype: 'float64', size: 8 },
  i8: { dtype: 'int64', size: 8 },
};

export function readNpy(file: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new BnnError({ code: 'INPUT_INVALID', message: `cannot read .npy file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file });
  }
  return parseNpy(bytes, file);
}

export function parseNpy(bytes: Uint8Array, file?: string): NpyArray {
  const fail = (message: string, field?: string, expected?: string, got?: string): never => {
    throw new BnnError({ code: 'INPUT_INVALID', message, file, field, expected, got });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a NumPy .npy file', 'magic', '\\x93NUMPY');
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated header', 'header');
    headerLen = dv.getUint32(8, true);
    headerStart = 12;
  } else return fail('unsupported .npy format version', 'version', '1, 2 or 3', String(major));
  if (headerStart + headerLen > bytes.length) fail('truncated header', 'header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));

  const descrM = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  if (!descrM) return fail('header has no descr', 'header.descr', 'a dtype string such as "<f4"', header.trim());
  const descr = descrM[1]!;
  const fortM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  if (!fortM) fail('header has no fortran_order', 'header.fortran_order', 'True or False');
  if (fortM![1] === 'True') fail('Fortran-order arrays are not supported', 'header.fortran_order', 'False (C order)', 'True');
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!shapeM) return fail('header has no shape', 'header.shape', 'a tuple of integers');
  const shape = shapeM[1]!
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+$/.test(s)) fail('bad shape', 'header.shape', 'non-negative integers', shapeM[1]);
      return Number(s);
    });

  const endian = descr[0];
  const code = descr.slice(1);
  const dt = DTYPES[code];
  if (!dt || !(endian === '<' || endian === '>' || endian === '|' || endian === '='))
    return fail('unsupported dtype', 'header.descr', 'uint8/16/32 (|u1, <u2, <u4), int8/16/32/64 (|i1, <i2, <i4, <i8), float32 (<f4) or float64 (<f8)', descr);
  if (dt.size > 1 && endian === '|') fail('unsupported dtype', 'header.descr', 'an explicit byte order', descr);
  const little = endian !== '>';

  let n = 1;
  for (const d of shape) n *= d;
  const dataStart = headerStart + headerLen;
  const need = n * dt.size;
  if (bytes.length - dataStart !== need)
    fail('data size does not match the header', 'data', `${need} bytes (${n} × ${dt.size})`, `${bytes.length - dataStart}`);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = dataStart + i * dt.size;
    switch (dt.dtype) {
      case 'uint8': data[i] = bytes[o]!; break;
      case 'uint16': data[i] = dv.getUint16(o, little); break;
      case 'uint32': data[i] = dv.getUint32(o, little); break;
      case 'int8': data[i] = dv.getInt8(o); break;
      case 'int16': data[i] = dv.getInt16(o, little); break;
      case 'int32': data[i] = dv.getInt32(o, little); break;
      case 'float32': data[i] = dv.getFloat32(o, little); break;
      case 'float64': data[i] = dv.getFloat64(o, little); break;
      case 'int64': {
        const v = dv.getBigInt64(o, little);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
          fail('int64 value too large to convert exactly', `data[${i}]`, '|value| <= 2^53 - 1', v.toString());
        data[i] = Number(v);
        break;
      }
    }
  }
  return { dtype: dt.dtype, shape, data };
}

/** Write a C-order .npy (version 1.0), for tests and tools. */
export function encodeNpy(dtype: NpyDtype, shape: number[], values: ArrayLike<number>): Uint8Array {
  const code = { uint8: '|u1', uint16: '<u2', uint32: '<u4', int8: '|i1', int16: '<i2', int32: '<i4', float32: '<f4', float64: '<f8', int64: '<i8' }[dtype];
  const size = DTYPES[code.slice(1)]!.size;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${code}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  dv.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const base = 10 + header.length;
  for (let i = 0; i < values.length; i++) {
    const o = base + i * size;
    const v = values[i]!;
    if (dtype === 'uint8') out[o] = v;
    else if (dtype === 'uint16') dv.setUint16(o, v, true);
    else if (dtype === 'uint32') dv.setUint32(o, v, true);
    else if (dtype === 'int8') dv.setInt8(o, v);
    else if (dtype === 'int16') dv.setInt16(o, v, true);
    else if (dtype === 'int32') dv.setInt32(o, v, true);
    else if (dtype === 'float32') dv.setFloat32(o, v, true);
    else if (dtype === 'float64') dv.setFloat64(o, v, true);
    else dv.setBigInt64(o, BigInt(v), true);
  }
  return out;
}
