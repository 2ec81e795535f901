import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { BnnError } from '../errors.js';

/**
 * The IDX format (as used by MNIST and Fashion-MNIST): a big-endian header
 * `0x00 0x00 <type> <ndim>`, then `ndim` big-endian uint32 dimensions, then the data.
 * Only unsigned bytes (type 0x08) occur in these datasets and only they are accepted.
 * Files may be gzip-compressed (detected by the gzip magic, not by the name).
 */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

function invalid(file: string, message: string, expected?: string, got?: string): BnnError {
  return new BnnError({ code: 'DATASET_INVALID', message, file, expected, got });
}

/** Parse IDX bytes (already read from `file`, which is used only for error messages). */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  let buf = bytes;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw invalid(file, `corrupt or truncated gzip stream (${(e as Error).message})`, 'a complete gzip file');
    }
  }
  if (buf.length < 4) throw invalid(file, 'file too short for an IDX header', 'at least 4 bytes', `${buf.length} bytes`);
  if (buf[0] !== 0 || buf[1] !== 0)
    throw invalid(file, 'bad IDX magic number', 'first two bytes 0x00 0x00', `0x${hex2(buf[0]!)} 0x${hex2(buf[1]!)}`);
  const type = buf[2]!;
  if (type !== 0x08) throw invalid(file, 'unsupported IDX element type', 'type 0x08 (unsigned byte)', `0x${hex2(type)}`);
  const ndim = buf[3]!;
  if (ndim < 1 || ndim > 4) throw invalid(file, 'unsupported IDX dimension count', '1 to 4 dimensions', String(ndim));
  const headerLen = 4 + 4 * ndim;
  if (buf.length < headerLen)
    throw invalid(file, 'truncated IDX header', `${headerLen} header bytes`, `${buf.length} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const n = view.getUint32(4 + 4 * d, false);
    dims.push(n);
    count *= n;
  }
  const expectedLen = headerLen + count;
  if (buf.length < expectedLen)
    throw invalid(
      file,
      `truncated IDX data (dimensions ${dims.join('x')})`,
      `${expectedLen} bytes`,
      `${buf.length} bytes`,
    );
  if (buf.length > expectedLen)
    throw invalid(
      file,
      `trailing bytes after IDX data (dimensions ${dims.join('x')})`,
      `${expectedLen} bytes`,
      `${buf.length} bytes`,
    );
  return { dims, data: buf.subarray(headerLen, expectedLen) };
}

export function readIdx(file: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new BnnError({
      code: 'DATASET_MISSING',
      message: `cannot read dataset file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      file,
    });
  }
  return parseIdx(bytes, file);
}

/** Encode an IDX byte array (used by tests and to write small fixtures). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}
