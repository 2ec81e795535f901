import { plainKit } from './kit.js';
import { clog2 } from '../util/math.js';
import { bram18For, ice40AsyncMemory, ice40Estimate, ICE40_LUT4_PER_LUT6, lutramSites, yosysPrefersLutram, type BlockEstimate, type Ice40Estimate } from './cost.js';
import type { ConvGeometry } from '../model/integer-model.js';
import type { BlockBase } from '../plan/stream.js';

/**
 * `rtl-templates/swg.v` / `sim/swg.ts`: sliding-window generator. Streams an H×W×C image
 * (channels last, SIMD channels per beat) into each output pixel's K×K×C window in im2col order
 * (ky, kx, c), SIMD elements per beat, with PAD for elements outside the image. Line buffer: a
 * ring of R = 2K+S rows (see the template for why).
 */
export interface SwgBlock extends BlockBase {
  kind: 'swg';
  params: { H: number; W: number; C: number; SIMD: number; ELEM_BITS: number; K: number; S: number; P: number; PAD: number; OH: number; OW: number };
}

export function swgRows(k: number, s: number): number {
  return 2 * k + s;
}

export function swgBlock(name: string, g: ConvGeometry, simd: number, elemBits: number, layer: string): SwgBlock {
  const [H, W, C] = g.inShape;
  const [OH, OW] = g.outShape;
  const K = g.kernel;
  const cb = C / simd;
  const inBeats = H * W * cb;
  const outBeats = OH * OW * K * K * cb;
  return {
    kind: 'swg',
    name,
    layer,
    in: { elems: simd, elemBits, beatsPerFrame: inBeats },
    out: { elems: simd, elemBits, beatsPerFrame: outBeats },
    // One beat per cycle on each side; the output side is the longer one for any kernel that
    // covers its stride (K >= S), the input side otherwise.
    cyclesPerFrame: Math.max(inBeats, outBeats),
    // PAD is the element's bit pattern (two's complement for a negative fixed-point pad).
    params: { H, W, C, SIMD: simd, ELEM_BITS: elemBits, K, S: g.stride, P: g.padding, PAD: g.padElement & (2 ** elemBits - 1), OH, OW },
  };
}

// ---- cost model (7-series, Yosys synth_xilinx; `node dist/scripts/bench-synth.js blocks`) ----------

/**
 * Line buffer of R·W·C/SIMD words of SIMD·ELEM_BITS bits (distributed RAM while small, else block
 * RAM, which also absorbs the output register), counters and address arithmetic. LUTs:
 * -41 + 12.1·(address bits + log2(H+1) + log2(W+1) + log2 K) + 1.43·(LUTRAM read mux width·banks),
 * fitted on 6 configurations (within 7 % of Yosys there) and checked on 2 held-out ones (+7.5 %,
 * +13.9 %). FF, LUTRAM and BRAM matched Yosys exactly on all 8 (`bench-synth.js blocks`).
 */
export function estimateSwg(p: SwgBlock['params']): BlockEstimate {
  const CB = p.C / p.SIMD;
  const R = swgRows(p.K, p.S);
  const depth = R * p.W * CB;
  const bw = p.SIMD * p.ELEM_BITS;
  const aw = clog2(depth);
  const inLut = yosysPrefersLutram(bw, depth, false);
  const lut = Math.max(20, Math.round(-41 + 12.1 * (aw + Math.log2(p.H + 1) + Math.log2(p.W + 1) + Math.log2(p.K)) + (inLut ? 1.43 * bw * Math.ceil(depth / 64) : 0)));
  const rw = clog2(R + 1);
  const hw = clog2(p.H + 1) + 1;
  const xw = clog2(p.W + 1) + 1;
  const ff = (inLut ? bw : 0) + aw + clog2(p.W * CB) + 2 * rw + clog2(p.OH) + clog2(p.OW) + 2 * clog2(p.K) + clog2(CB) + 2 * hw + xw + 1;
  const bram18 = inLut ? 0 : bram18For(bw, depth);
  return { lut, ff, lutram: inLut ? lutramSites(bw, depth, false) : 0, bram18, bram36: bram18 / 2 };
}

/**
 * iCE40 (not fitted: no shipped model with a conv layer is iCE40-sized). swg.v reads its line
 * buffer asynchronously, so on an iCE40 it is flip-flops and a read mux (ice40AsyncMemory); the
 * counters and address arithmetic are the 7-series model's LUTs without the LUTRAM read mux,
 * times ICE40_LUT4_PER_LUT6; its flip-flops as on 7-series; a carry per counter bit.
 */
export function estimateSwgIce40(p: SwgBlock['params']): Ice40Estimate {
  const CB = p.C / p.SIMD;
  const depth = swgRows(p.K, p.S) * p.W * CB;
  const bw = p.SIMD * p.ELEM_BITS;
  const aw = clog2(depth);
  const logic = Math.max(20, -41 + 12.1 * (aw + Math.log2(p.H + 1) + Math.log2(p.W + 1) + Math.log2(p.K)));
  const mem = ice40AsyncMemory(bw, depth);
  const x = estimateSwg(p);
  const ff = x.ff - (yosysPrefersLutram(bw, depth, false) ? bw : 0);
  return ice40Estimate({ lut4: ICE40_LUT4_PER_LUT6 * logic + mem.lut4, ff: ff + mem.ff, carry: aw + clog2(p.H + 1) + clog2(p.W + 1), ebr: 0 });
}

export const swgKit = plainKit<SwgBlock>({ file: 'swg.v', module: 'bnn_swg' }, true, estimateSwg, estimateSwgIce40);
