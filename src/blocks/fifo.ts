import { plainKit } from './kit.js';
import { ice40EbrFor, ice40Linear, lutramSites, yosysPrefersIce40Ffs, type BlockEstimate, type Ice40Estimate, type Ice40Features } from './cost.js';
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
 * The iCE40 has no distributed RAM: a small FIFO's WIDTH × DEPTH bits are flip-flops (with
 * enables) read through a DEPTH-way mux per bit, a larger one is EBR (Yosys moves rd_ptr into
 * the EBR read port; yosysPrefersIce40Ffs). Features: the mux (WIDTH·(DEPTH − 1)) and write
 * decode (DEPTH) when in flip-flops (else the WIDTH-bit read path), pointers and count (AW),
 * constant; FF: the bits when in flip-flops (else WIDTH), AW, constant; carry: AW, constant.
 */
export function fifoIce40Features(p: FifoBlock['params']): Ice40Features {
  const aw = Math.max(1, Math.ceil(Math.log2(p.DEPTH)));
  const inFf = yosysPrefersIce40Ffs(p.WIDTH, p.DEPTH);
  // In EBR the read data leaves through a WIDTH-bit register and mux (the first word falls through).
  return { lut4: [inFf ? p.WIDTH * (p.DEPTH - 1) : p.WIDTH, inFf ? p.DEPTH : 0, aw, 1], ff: [inFf ? p.WIDTH * p.DEPTH : p.WIDTH, aw, 1], carry: [aw, 1] };
}

/** Least squares (relative error) on the 32 FIFOs of the fit designs (scripts/fit-ice40.ts; BENCHMARKS.md ice40-fit). */
export const FIFO_ICE40_MODEL = { lut4: [0.829, 0.455, 8.385, 8.707], ff: [1.016, 2.887, 2.318], carry: [3.022, -3.149] };

export function estimateFifoIce40(p: FifoBlock['params']): Ice40Estimate {
  return ice40Linear(fifoIce40Features(p), FIFO_ICE40_MODEL, { ebr: yosysPrefersIce40Ffs(p.WIDTH, p.DEPTH) ? 0 : ice40EbrFor(p.WIDTH, p.DEPTH) });
}

export const fifoKit = plainKit<FifoBlock>({ file: 'fifo.v', module: 'bnn_fifo' }, true, estimateFifo, estimateFifoIce40, fifoIce40Features);
