/**
 * Streams and the fields every block shares. Blocks (src/blocks/) and the plan both build on
 * these, so they live below both: the plan lists blocks, blocks never import the plan.
 */

/** Shape of one stream: `elems` elements of `elemBits` bits per beat, `beatsPerFrame` beats. */
export interface StreamShape {
  elems: number;
  elemBits: number;
  beatsPerFrame: number;
}

export interface BlockBase {
  /** Legal Verilog identifier, unique in the plan; also the instance name. */
  name: string;
  /** The layer this block serves, if any (legalized name). */
  layer?: string;
  in: StreamShape;
  out: StreamShape;
  /** Cycles this block needs per frame when never starved or stalled. */
  cyclesPerFrame: number;
}

/** AXI4-Stream tdata widths are whole bytes. */
export function axisBytes(bits: number): number {
  return Math.max(1, Math.ceil(bits / 8));
}

export function streamBits(s: StreamShape): number {
  return s.elems * s.elemBits;
}
