import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BnnError } from '../errors.js';
import { parseFinnFolding, readFinnFolding } from './finn-folding.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.resolve(projectRoot, '../shared/fixtures/finn-tfc-w1a1/folding_config.json');
const tfc = [
  { name: 'MatMul_0', inputs: 784, outputs: 64 },
  { name: 'MatMul_1', inputs: 64, outputs: 64 },
  { name: 'MatMul_2', inputs: 64, outputs: 64 },
  { name: 'MatMul_3', inputs: 64, outputs: 10 },
];

const errorOf = bnnErrorOf;

describe('FINN folding_config.json', () => {
  it('maps the fixture MVAU/MVA entries onto the four TFC layers in graph order', () => {
    const f = readFinnFolding(fixture, tfc);
    expect(f.layers).toEqual([
      { pe: 16, simd: 49 },
      { pe: 8, simd: 8 },
      { pe: 8, simd: 8 },
      { pe: 10, simd: 8 },
    ]);
    expect(f.nodes).toEqual(['MVAU_hls_0', 'MVAU_hls_1', 'MVAU_hls_2', 'MVA_hls_3']);
    expect(f.notes.some((n) => n.startsWith('Thresholding_rtl_0 ignored'))).toBe(true);
    expect(f.notes.some((n) => n.startsWith('LabelSelect_hls_0 ignored'))).toBe(true);
  });

  it('rejects a count of MVAU entries different from the layer count (ambiguous mapping)', () => {
    const e = errorOf(() => readFinnFolding(fixture, tfc.slice(0, 3)));
    expect(e.detail.code).toBe('FOLD_INVALID');
    expect(e.message).toMatch(/4 matrix-vector units .* for 3 dense layers/);
  });

  it('rejects PE/SIMD that do not divide the layer they map to', () => {
    const text = JSON.stringify({ MVAU_hls_0: { PE: 16, SIMD: 49 }, MVAU_hls_1: { PE: 8, SIMD: 8 }, MVAU_hls_2: { PE: 8, SIMD: 8 }, MVAU_hls_3: { PE: 8, SIMD: 8 } });
    const e = errorOf(() => parseFinnFolding(text, 'f.json', tfc));
    expect(e.detail).toMatchObject({ code: 'FOLD_INVALID', field: 'MVAU_hls_3.PE', got: '8' });
  });

  it('rejects missing PE/SIMD, unknown nodes with PE, default PE/SIMD and bad JSON', () => {
    expect(errorOf(() => parseFinnFolding('{"MVAU_hls_0": {"PE": 2}}', 'f.json')).detail.field).toBe('MVAU_hls_0.SIMD');
    expect(errorOf(() => parseFinnFolding('{"VVAU_hls_0": {"PE": 2, "SIMD": 3}}', 'f.json')).detail.field).toBe('VVAU_hls_0');
    expect(errorOf(() => parseFinnFolding('{"Defaults": {"PE": [2, ["MVAU_hls"]]}}', 'f.json')).detail.field).toBe('Defaults.PE');
    expect(errorOf(() => parseFinnFolding('{', 'f.json')).message).toMatch(/not valid JSON/);
  });

  it('without layers, returns every MVAU entry in document order', () => {
    const f = parseFinnFolding('{"StreamingFIFO_0": {"depth": 32}, "MatrixVectorActivation_1": {"PE": 1, "SIMD": 2}, "MVAU_rtl_0": {"PE": 4, "SIMD": 4}}', 'f.json');
    expect(f.layers).toEqual([{ pe: 1, simd: 2 }, { pe: 4, simd: 4 }]);
  });
});
