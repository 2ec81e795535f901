import { describe, expect, it } from 'vitest';
import { answer, deviceEvents } from './device-model.js';
import { encodeResponse, packFrames, ResponseParser, type FrameLayout } from './protocol.js';

const layout: FrameLayout = { elements: 6, elemBits: 8, classes: 4, scoreBytes: 2, scoreSigned: true };
const f1 = [1, 2, 3, 250, 0, 9];
const f2 = [7, 7, 7, 7, 7, 165];

describe('frame protocol', () => {
  it('packs sync, little-endian length, payload and XOR checksum', () => {
    const b = packFrames(layout, [f1]);
    expect(Array.from(b)).toEqual([0xa5, 0x5a, 6, 0, ...f1, 1 ^ 2 ^ 3 ^ 250 ^ 0 ^ 9]);
  });

  it('rejects frames of the wrong size or out-of-range elements before sending', () => {
    expect(() => packFrames(layout, [[1, 2]])).toThrow(/wrong number of elements/);
    expect(() => packFrames({ ...layout, elemBits: 4 }, [[16, 0, 0, 0, 0, 0]])).toThrow(/\[0, 15\]/);
  });

  it('parses responses split at any byte, skipping noise before a marker', () => {
    const bytes = [0x00, 0x17, ...encodeResponse(layout, 'ok', 3, [5, -2, 300, 0]), ...encodeResponse(layout, 'badChecksum', null, null)];
    for (let cut = 0; cut <= bytes.length; cut++) {
      const p = new ResponseParser(layout);
      p.push(bytes.slice(0, cut));
      p.push(bytes.slice(cut));
      expect(p.responses).toEqual([
        { status: 'ok', class: 3, scores: [5, -2, 300, 0] },
        { status: 'badChecksum', class: null, scores: null },
      ]);
      expect(p.skipped).toBe(2);
    }
  });

  it('scores take ceil(bits/8) bytes, sign- or zero-extended as the layout says', () => {
    const u8 = { scoreBytes: 1, scoreSigned: false };
    expect(Array.from(encodeResponse(u8, 'ok', 1, [200, 7]))).toEqual([0xc3, 0, 1, 2, 200, 7]);
    const p = new ResponseParser(u8);
    p.push(encodeResponse(u8, 'ok', 1, [200, 7]));
    expect(p.responses[0]!.scores).toEqual([200, 7]);
    const s3 = { scoreBytes: 3, scoreSigned: true };
    expect(Array.from(encodeResponse(s3, 'ok', 0, [-70000]))).toEqual([0xc3, 0, 0, 1, 0x90, 0xee, 0xfe]);
    const q = new ResponseParser(s3);
    q.push(encodeResponse(s3, 'ok', 0, [-70000, 70000]));
    expect(q.responses[0]!.scores).toEqual([-70000, 70000]);
  });

  it('the device model finds frames after noise and rejects bad lengths and checksums', () => {
    const good = packFrames(layout, [f1, f2]);
    const badSum = packFrames(layout, [f2]);
    badSum[badSum.length - 1]! ^= 0x40;
    const badLen = Uint8Array.from([0xa5, 0x5a, 7, 0]);
    const req = Uint8Array.from([0x11, 0xa5, 0x00, ...badLen, ...badSum, 0xa5, ...good, 0x5a]);
    expect(deviceEvents(layout, req)).toEqual([
      { kind: 'reject', status: 'badLength' },
      { kind: 'reject', status: 'badChecksum' },
      { kind: 'frame', elements: f1 },
      { kind: 'frame', elements: f2 },
    ]);
  });

  it('answers one response per event, in order', async () => {
    const req = Uint8Array.from([...packFrames(layout, [f1]), 0xa5, 0x5a, 1, 1, ...packFrames(layout, [f2])]);
    const bytes = await answer(layout, req, async (frames) => ({ classes: frames.map((f) => f[0]! % 4), scores: frames.map(() => null) }));
    const p = new ResponseParser(layout);
    p.push(bytes);
    expect(p.responses.map((r) => [r.status, r.class])).toEqual([['ok', 1], ['badLength', null], ['ok', 3]]);
  });
});
