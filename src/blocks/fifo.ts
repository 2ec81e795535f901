import { plainKit } from './kit.js';
import { lutramSites, type BlockEstimate } from './cost.js';
import type { BlockBase, StreamShape } from '../plan/stream.js';

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

// ---- cost model (7-series; rough, from Yosys synth_xilinx of generated designs) -------------------

export function estimateFifo(p: FifoBlock['params']): BlockEstimate {
  const aw = Math.max(1, Math.ceil(Math.log2(p.DEPTH)));
  const lutram = p.DEPTH <= 64 ? lutramSites(p.WIDTH, p.DEPTH, false) : 0;
  const bram18 = p.DEPTH > 64 ? Math.ceil(p.WIDTH / 36) * Math.ceil(p.DEPTH / 512) : 0;
  return { lut: 8 + 3 * aw + (p.DEPTH > 32 ? Math.ceil(p.WIDTH / 3) : 0), ff: 3 * aw + 2, lutram, bram18, bram36: bram18 / 2 };
}

export const fifoKit = plainKit<FifoBlock>({ file: 'fifo.v', module: 'bnn_fifo' }, true, estimateFifo);
