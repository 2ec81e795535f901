import type { BlockBase, StreamShape } from '../plan/types.js';

/**
 * `rtl-templates/fifo.v` / `sim/fifo.ts`: synchronous stream FIFO. Registered valid and ready
 * (ready = not full, valid = not empty), so it also cuts combinational ready paths between
 * engines. A beat written in cycle t is visible at the output in cycle t+1.
 */
export interface FifoBlock extends BlockBase {
  kind: 'fifo';
  params: { WIDTH: number; DEPTH: number };
}

export function fifoBlock(name: string, shape: StreamShape, depth: number, layer?: string): FifoBlock {
  return {
    kind: 'fifo',
    name,
    ...(layer ? { layer } : {}),
    in: shape,
    out: shape,
    cyclesPerFrame: shape.beatsPerFrame,
    params: { WIDTH: shape.elems * shape.elemBits, DEPTH: depth },
  };
}
