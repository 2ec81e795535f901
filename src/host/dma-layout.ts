import { inAxisBits, outAxisBits } from '../emit/top-verilog.js';
import { decodeElems, encodeElems } from '../blocks/memory-image.js';
import { frameResults, type FrameResults } from '../plan/output-values.js';
import type { Plan } from '../plan/types.js';
import { frameBeats } from '../../sim/stimulus.js';

/**
 * The accelerator's AXI4-Stream beats as the bytes a DMA moves: each beat is tdata's bytes,
 * little-endian (byte lane 0 first), beat after beat. This is what the PYNQ driver
 * (src/boards/pynq/driver.ts) writes and reads; its test holds it to these functions.
 */
export function packInputBeats(plan: Plan, frames: ArrayLike<number>[]): Uint8Array {
  const w = inAxisBits(plan);
  const elemBits = plan.blocks[0]!.in.elemBits;
  const beats = frameBeats(plan, frames);
  const out = new Uint8Array((beats.length * w) / 8);
  beats.forEach((beat, k) => out.set(hexToBytes(encodeElems(beat, elemBits, w), w / 8), (k * w) / 8));
  return out;
}

/** A tdata hex word (MSB digit first) as its `n` bytes, byte lane 0 first. */
export function hexToBytes(hex: string, n: number): Uint8Array {
  let v = BigInt('0x' + hex);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** Classes and scores of whole frames from the output stream's bytes (the inverse layout of packInputBeats). */
export function unpackOutputBeats(plan: Plan, data: Uint8Array): FrameResults {
  const n = outAxisBits(plan) / 8;
  const last = plan.blocks[plan.blocks.length - 1]!;
  const signed = plan.output.stream === 'scores' && plan.output.values.signed;
  const beats: Int32Array[] = [];
  for (let k = 0; (k + 1) * n <= data.length; k++) {
    const hex = Array.from(data.subarray(k * n, (k + 1) * n), (b) => b.toString(16).padStart(2, '0')).reverse().join('');
    beats.push(decodeElems(hex, last.out.elems, last.out.elemBits, signed)!);
  }
  return frameResults(plan, beats);
}
