import { encodeResponse, SYNC, xorBytes, type FrameLayout, type StatusName } from './protocol.js';

/** One thing the board does with a request: run a frame, or reject a header. */
export type DeviceEvent = { kind: 'frame'; elements: number[] } | { kind: 'reject'; status: StatusName };

/**
 * What bnn_uart_link makes of a byte string that arrives without pauses (no timeouts): the
 * same header hunt, length and checksum checks. The golden, sim and verilator backends answer
 * through it, so they see the host's bytes exactly as the board would.
 */
export function deviceEvents(layout: FrameLayout, bytes: Uint8Array): DeviceEvent[] {
  const ev: DeviceEvent[] = [];
  const mask = 2 ** layout.elemBits - 1;
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== SYNC[0]) {
      i++;
      continue;
    }
    // A5 A5 … 5A: the link stays in SYNC1 while it sees A5.
    let j = i + 1;
    while (j < bytes.length && bytes[j] === SYNC[0]) j++;
    if (j >= bytes.length) break;
    if (bytes[j] !== SYNC[1]) {
      i = j;
      continue;
    }
    if (j + 2 >= bytes.length) break;
    const len = bytes[j + 1]! | (bytes[j + 2]! << 8);
    if (len !== layout.elements) {
      ev.push({ kind: 'reject', status: 'badLength' });
      i = j + 3;
      continue;
    }
    const start = j + 3;
    if (start + len >= bytes.length) break;
    const sum = xorBytes(bytes, start, start + len);
    if (sum !== bytes[start + len]) ev.push({ kind: 'reject', status: 'badChecksum' });
    else ev.push({ kind: 'frame', elements: Array.from(bytes.subarray(start, start + len), (b) => b & mask) });
    i = start + len + 1;
  }
  return ev;
}

/** Answer a request: classify its frames in one batch, encode one response per event. */
export async function answer(
  layout: FrameLayout, request: Uint8Array,
  classify: (frames: number[][]) => Promise<{ classes: number[]; scores: (ArrayLike<number> | null)[] }>,
): Promise<Uint8Array> {
  const ev = deviceEvents(layout, request);
  const frames = ev.flatMap((e) => (e.kind === 'frame' ? [e.elements] : []));
  const r = frames.length ? await classify(frames) : { classes: [], scores: [] };
  const parts: Uint8Array[] = [];
  let k = 0;
  for (const e of ev) {
    if (e.kind === 'reject') parts.push(encodeResponse(layout, e.status, null, null));
    else {
      parts.push(encodeResponse(layout, 'ok', r.classes[k]!, r.scores[k] ?? null));
      k++;
    }
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

