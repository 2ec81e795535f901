import { BnnError } from '../errors.js';
import type { Plan } from '../plan/types.js';

/**
 * The host side of the board's frame protocol (rtl-templates/uart_link.v, docs/boards.md).
 * Every backend goes through packFrames and ResponseParser, so the bytes a real board sees
 * are the bytes every simulated backend is checked with.
 */
export const SYNC = [0xa5, 0x5a] as const;
export const RESPONSE = 0xc3;
/** Version 2: a result carries the last layer's values (version 1 sent a score count of 0). */
export const PROTOCOL_VERSION = 2;
/** Bytes around the payload: sync (2), length (2), checksum (1). */
export const FRAME_OVERHEAD = 5;
export const RESPONSE_HEADER = 4;

export const STATUS = { ok: 0, badLength: 1, badChecksum: 2, timeout: 3, overrun: 4 } as const;
export type StatusName = keyof typeof STATUS;
const STATUS_NAMES = Object.keys(STATUS) as StatusName[];

export interface FrameLayout {
  /** Payload bytes per frame: one per raw input element. */
  elements: number;
  /** Bits of each element the board keeps (the low ones). */
  elemBits: number;
  classes: number;
  /** Bytes per score in a response: ceil(bits/8) of the last layer's values, little-endian. */
  scoreBytes: number;
  /** Scores are two's complement (sign-extended to scoreBytes), else zero-extended. */
  scoreSigned: boolean;
}

export function frameLayout(plan: Plan): FrameLayout {
  const v = plan.output.values;
  return { elements: plan.input.elements, elemBits: plan.input.rawBits, classes: plan.output.classes, scoreBytes: Math.ceil(v.bits / 8), scoreSigned: v.signed };
}

export function xorBytes(b: ArrayLike<number>, from = 0, to = b.length): number {
  let x = 0;
  for (let i = from; i < to; i++) x ^= b[i]!;
  return x;
}

/** Byte order of the length field; 'big' exists only to show that co-verification catches it. */
export type ByteOrder = 'little' | 'big';

/** One request for a batch of frames, back to back. */
export function packFrames(layout: FrameLayout, frames: ArrayLike<number>[], order: ByteOrder = 'little'): Uint8Array {
  const n = layout.elements;
  const out = new Uint8Array(frames.length * (n + FRAME_OVERHEAD));
  const max = 2 ** layout.elemBits - 1;
  frames.forEach((f, k) => {
    if (f.length !== n)
      throw new BnnError({ code: 'INPUT_INVALID', message: 'frame has the wrong number of elements', field: `frame ${k}`, expected: String(n), got: String(f.length) });
    const o = k * (n + FRAME_OVERHEAD);
    out[o] = SYNC[0];
    out[o + 1] = SYNC[1];
    const lo = n & 0xff;
    const hi = n >>> 8;
    out[o + 2] = order === 'little' ? lo : hi;
    out[o + 3] = order === 'little' ? hi : lo;
    for (let i = 0; i < n; i++) {
      const v = f[i]!;
      if (!Number.isInteger(v) || v < 0 || v > max)
        throw new BnnError({ code: 'INPUT_INVALID', message: 'input element outside the raw input range', field: `frame ${k}, element ${i}`, expected: `a whole number in [0, ${max}]`, got: String(v) });
      out[o + 4 + i] = v;
    }
    out[o + 4 + n] = xorBytes(out, o + 4, o + 4 + n);
  });
  return out;
}

export interface Response {
  status: StatusName;
  /** The class, when status is ok. */
  class: number | null;
  /** Per-class scores (the last layer's values), when the device sends them. */
  scores: number[] | null;
}

export function encodeResponse(layout: Pick<FrameLayout, 'scoreBytes'>, status: StatusName, cls: number | null, scores: ArrayLike<number> | null): Uint8Array {
  const ns = scores ? scores.length : 0;
  const w = layout.scoreBytes;
  if (ns > 255) throw new Error(`internal: ${ns} scores do not fit the response's count byte`);
  const out = new Uint8Array(RESPONSE_HEADER + w * ns);
  out[0] = RESPONSE;
  out[1] = STATUS[status];
  out[2] = status === 'ok' ? (cls ?? 0) : 0;
  out[3] = ns;
  for (let j = 0; j < ns; j++) {
    let v = BigInt(scores![j]!);
    for (let b = 0; b < w; b++, v >>= 8n) out[RESPONSE_HEADER + w * j + b] = Number(v & 0xffn);
  }
  return out;
}

/** Score j of a response body: scoreBytes little-endian bytes, sign- or zero-extended. */
function decodeScore(layout: Pick<FrameLayout, 'scoreBytes' | 'scoreSigned'>, buf: number[], at: number): number {
  let v = 0n;
  for (let b = layout.scoreBytes - 1; b >= 0; b--) v = (v << 8n) | BigInt(buf[at + b]!);
  return Number(layout.scoreSigned ? BigInt.asIntN(8 * layout.scoreBytes, v) : v);
}

/**
 * Responses out of a byte stream that may arrive in pieces. Bytes before a response marker are
 * skipped (counted in `skipped`), so line noise before a response cannot shift the next ones.
 */
export class ResponseParser {
  private buf: number[] = [];
  constructor(private readonly layout: Pick<FrameLayout, 'scoreBytes' | 'scoreSigned'>) {}
  readonly responses: Response[] = [];
  skipped = 0;

  push(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.buf.push(bytes[i]!);
    for (;;) {
      while (this.buf.length && this.buf[0] !== RESPONSE) {
        this.buf.shift();
        this.skipped++;
      }
      if (this.buf.length < RESPONSE_HEADER) return;
      const ns = this.buf[3]!;
      const w = this.layout.scoreBytes;
      if (this.buf.length < RESPONSE_HEADER + w * ns) return;
      const code = this.buf[1]!;
      const status = STATUS_NAMES[code];
      if (status === undefined)
        throw new BnnError({ code: 'TOOL_FAILED', message: 'the device sent an unknown status', field: 'response status', expected: `0..${STATUS_NAMES.length - 1}`, got: String(code) });
      const scores = ns ? Array.from({ length: ns }, (_, j) => decodeScore(this.layout, this.buf, RESPONSE_HEADER + w * j)) : null;
      this.responses.push({ status, class: status === 'ok' ? this.buf[2]! : null, scores });
      this.buf.splice(0, RESPONSE_HEADER + w * ns);
    }
  }

  /** Bytes still waiting for the rest of a response. */
  get pending(): number {
    return this.buf.length;
  }
}

/** Frames per second the UART carries (requests are the long direction; 10 line bits per byte). */
export function uartFramesPerSecond(plan: Plan, baud: number): number {
  return baud / (10 * (plan.input.elements + FRAME_OVERHEAD));
}
