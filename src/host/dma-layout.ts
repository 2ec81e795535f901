import { inAxisBits, outAxisBits } from '../emit/top-verilog.js';
import { frameResults, type FrameResults } from '../plan/output-values.js';
import type { Plan } from '../plan/types.js';
import { frameBeats } from '../../sim/stimulus.js';

/**
 * The accelerator's AXI4-Stream beats as the bytes a DMA moves: each beat is tdata's bytes,
 * little-endian (byte lane 0 first), beat after beat. This is what the PYNQ driver
 * (src/boards/pynq/driver.ts) writes and reads; its test holds it to these functions.
 */
export function packInputBeats(plan: Plan, frames: ArrayLike<number>[]): Uint8Array {
  const bytes = inAxisBits(plan) / 8;
  const elemBits = plan.blocks[0]!.in.elemBits;
  const beats = frameBeats(plan, frames);
  const out = new Uint8Array(beats.length * bytes);
  beats.forEach((beat, k) => {
    let v = 0n;
    for (let e = beat.length - 1; e >= 0; e--) v = (v << BigInt(elemBits)) | BigInt(beat[e]! & (2 ** elemBits - 1));
    for (let i = 0; i < bytes; i++, v >>= 8n) out[k * bytes + i] = Number(v & 0xffn);
  });
  return out;
}

/** Classes and scores of whole frames from the output stream's bytes (the inverse layout of packInputBeats). */
export function unpackOutputBeats(plan: Plan, data: Uint8Array): FrameResults {
  const bytes = outAxisBits(plan) / 8;
  const last = plan.blocks[plan.blocks.length - 1]!;
  const signed = plan.output.stream === 'scores' && plan.output.values.signed;
  const beats: Int32Array[] = [];
  for (let k = 0; (k + 1) * bytes <= data.length; k++) {
    let v = 0n;
    for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[k * bytes + i]!);
    const beat = new Int32Array(last.out.elems);
    for (let e = 0; e < beat.length; e++, v >>= BigInt(last.out.elemBits)) {
      const x = Number(v & ((1n << BigInt(last.out.elemBits)) - 1n));
      beat[e] = signed && x >= 2 ** (last.out.elemBits - 1) ? x - 2 ** last.out.elemBits : x;
    }
    beats.push(beat);
  }
  return frameResults(plan, beats);
}
