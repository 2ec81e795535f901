import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BnnError } from '../errors.js';
import { encodeNpy, parseNpy, readNpy } from './read-npy.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.resolve(projectRoot, '../shared/fixtures/finn-tfc-w1a1');

const errorOf = bnnErrorOf;

function withHeader(header: string, body: Uint8Array = new Uint8Array()): Uint8Array {
  const h = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + h.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
  out.set(body, 10 + h.length);
  return out;
}

describe('readNpy', () => {
  it('reads the fixture input (float32 [4,1,28,28]) and expected output (int64 [4])', () => {
    const x = readNpy(path.join(fixture, 'input.npy'));
    expect(x.dtype).toBe('float32');
    expect(x.shape).toEqual([4, 1, 28, 28]);
    expect(x.data.length).toBe(4 * 784);
    expect(x.data.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    const y = readNpy(path.join(fixture, 'expected_output.npy'));
    expect(y.dtype).toBe('int64');
    expect(Array.from(y.data)).toEqual([7, 2, 1, 0]);
  });

  it('round-trips uint8/16/32, int8/16/32/64, float32 and float64 in C order', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'npy-'));
    const cases = [
      ['uint8', [2, 3], [0, 1, 2, 253, 254, 255]],
      ['float32', [3], [1.5, -0.25, 1e10]],
      ['float64', [1, 2], [Math.PI, -1e-300]],
      ['int64', [2], [-(2 ** 53) + 1, 2 ** 53 - 1]],
      ['int8', [4], [-128, -1, 0, 127]],
      ['int16', [2], [-32768, 32767]],
      ['int32', [2], [-(2 ** 31), 2 ** 31 - 1]],
      ['uint16', [2], [0, 65535]],
      ['uint32', [2], [0, 2 ** 32 - 1]],
    ] as const;
    for (const [dtype, shape, values] of cases) {
      const f = path.join(dir, `${dtype}.npy`);
      writeFileSync(f, encodeNpy(dtype, [...shape], values));
      const a = readNpy(f);
      expect(a.dtype).toBe(dtype);
      expect(a.shape).toEqual(shape);
      expect(Array.from(a.data)).toEqual(values.map((v) => (dtype === 'float32' ? Math.fround(v) : v)));
    }
  });

  it('reads big-endian data and a scalar shape ()', () => {
    const body = new Uint8Array(4);
    new DataView(body.buffer).setFloat32(0, 2.5, false);
    const a = parseNpy(withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (), }", body));
    expect(a.shape).toEqual([]);
    expect(Array.from(a.data)).toEqual([2.5]);
  });

  it('rejects Fortran order, other dtypes, bad magic, size mismatch and int64 beyond 2^53, naming the field', () => {
    let e = errorOf(() => parseNpy(withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new Uint8Array(16)), 'x.npy'));
    expect(e.detail).toMatchObject({ code: 'INPUT_INVALID', file: 'x.npy', field: 'header.fortran_order' });
    e = errorOf(() => parseNpy(withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(16))));
    expect(e.detail).toMatchObject({ field: 'header.descr', got: '<c8' });
    e = errorOf(() => parseNpy(withHeader("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(16))));
    expect(e.detail.field).toBe('header.descr');
    e = errorOf(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])));
    expect(e.detail.field).toBe('magic');
    e = errorOf(() => parseNpy(withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }", new Uint8Array(4))));
    expect(e.message).toMatch(/data size/);
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 60n, true);
    e = errorOf(() => parseNpy(withHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", big)));
    expect(e.message).toMatch(/too large/);
    e = errorOf(() => readNpy('/nonexistent/file.npy'));
    expect(e.detail.code).toBe('INPUT_INVALID');
  });
});
