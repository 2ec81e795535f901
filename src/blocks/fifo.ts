import { plainKit } from './kit.js';
import { ice40Linear, lutramSites, type BlockEstimate, type Ice40Estimate, type Ice40Features } from './cost.js';
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

// ---- cost model (iCE40, Yosys synth_ice40; fitted by scripts/fit-ice40.ts) --------------------------

/**
 * fifo.v reads its memory asynchronously (m_axis_tdata = mem[rd_ptr]), which an EBR cannot do,
 * and the iCE40 has no distributed RAM: the WIDTH × DEPTH bits are flip-flops (with enables) and
 * the read is a DEPTH-way mux per bit. Features: the mux (WIDTH·(DEPTH − 1)), the write decode
 * (DEPTH), pointers and count (AW), constant; FF: the bits, AW, constant; carry: AW, constant.
 */
export function fifoIce40Features(p: FifoBlock['params']): Ice40Features {
  const aw = Math.max(1, Math.ceil(Math.log2(p.DEPTH)));
  return { lut4: [p.WIDTH * (p.DEPTH - 1), p.DEPTH, aw, 1], ff: [p.WIDTH * p.DEPTH, aw, 1], carry: [aw, 1] };
}

export const FIFO_ICE40_MODEL = { lut4: [0.6, 1, 4, 4], ff: [1, 3, 1], carry: [2, 0] };

export function estimateFifoIce40(p: FifoBlock['params']): Ice40Estimate {
  return ice40Linear(fifoIce40Features(p), FIFO_ICE40_MODEL, { ebr: 0 });
}

export const fifoKit = plainKit<FifoBlock>({ file: 'fifo.v', module: 'bnn_fifo' }, true, estimateFifo, estimateFifoIce40);
