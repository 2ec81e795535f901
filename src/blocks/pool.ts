import { plainKit } from './kit.js';
import { clog2 } from '../util/math.js';
import { bram18For, ice40AsyncMemory, ice40Estimate, ICE40_LUT4_PER_LUT6, lutramSites, yosysPrefersLutram, type BlockEstimate, type Ice40Estimate } from './cost.js';
import type { IntegerPoolLayer } from '../model/integer-model.js';
import type { BlockBase } from '../plan/stream.js';

/**
 * `rtl-templates/pool.v` / `sim/pool.ts`: max-pool over K×K windows with stride K, SIMD channels
 * per beat; one cycle per input beat. Over bits the max is their OR; over the A-bit elements of a
 * multi-bit layer it is the integer max per channel (signed when the elements are).
 */
export interface PoolBlock extends BlockBase {
  kind: 'pool';
  params: {
    H: number;
    W: number;
    C: number;
    SIMD: number;
    K: number;
    /** Multi-bit elements only (absent: bits, and the top lists the parameters as before). */
    ELEM_BITS?: number;
    SIGNED?: 0 | 1;
  };
}

export function poolBlock(name: string, l: IntegerPoolLayer, simd: number, layer: string): PoolBlock {
  const [H, W, C] = l.inShape;
  const [OH, OW] = l.outShape;
  const cb = C / simd;
  return {
    kind: 'pool',
    name,
    layer,
    in: { elems: simd, elemBits: l.elemBits, beatsPerFrame: H * W * cb },
    out: { elems: simd, elemBits: l.elemBits, beatsPerFrame: OH * OW * cb },
    cyclesPerFrame: H * W * cb,
    params: { H, W, C, SIMD: simd, K: l.kernel, ...(l.elemBits > 1 ? { ELEM_BITS: l.elemBits, SIGNED: l.signed ? (1 as const) : (0 as const) } : {}) },
  };
}

// ---- cost model (7-series, Yosys synth_xilinx; `node dist/scripts/bench-synth.js blocks`) ----------

/**
 * Row of OW·C/SIMD partial results (SIMD·A bits each, A the element bits; distributed RAM while
 * small), counters and the merge (OR of bits, or per-element A-bit compare and select). LUTs:
 * -2.5 + 4.05·(log2(W+1) + log2(H+1) + 2·log2(slots)) + 0.51·SIMD·A·banks, plus 0.35·SIMD·A for
 * the comparators when A > 1. The one-bit part was fitted on 4 configurations (within 13.3 % of
 * Yosys there) and checked on 2 held-out ones (-3.9 %, +6.2 %); the comparator term on 6 A-bit
 * ones (A = 2, 3, signed; within 14.3 %). LUTRAM exact on all; FF 6-7 under
 * (`bench-synth.js blocks`, `bench-synth.js multibit`).
 */
export function estimatePool(p: PoolBlock['params']): BlockEstimate {
  const CB = p.C / p.SIMD;
  const slots = Math.floor(p.W / p.K) * CB;
  const A = p.ELEM_BITS ?? 1;
  const bw = p.SIMD * A;
  const inLut = yosysPrefersLutram(bw, slots, false);
  const counters = 4.05 * (Math.log2(p.W + 1) + Math.log2(p.H + 1) + 2 * (slots > 1 ? Math.log2(slots) : 0));
  const lut = Math.max(10, Math.round(-2.5 + counters + 0.51 * bw * Math.ceil(slots / 64) + (A > 1 ? 0.35 * bw : 0)));
  const ff = bw + clog2(CB) + clog2(p.W + 1) + clog2(p.H + 1) + 2 * clog2(p.K) + 2 * clog2(slots) + 1;
  const bram18 = inLut ? 0 : bram18For(bw, slots);
  return { lut, ff, lutram: inLut ? lutramSites(bw, slots, false) : 0, bram18, bram36: bram18 / 2 };
}

/**
 * iCE40 (not fitted, as for the window generator): pool.v reads its row of partial results
 * asynchronously, so they are flip-flops and a read mux (ice40AsyncMemory) on an iCE40; the
 * counters are the 7-series model's LUTs without the LUTRAM term, times ICE40_LUT4_PER_LUT6.
 */
export function estimatePoolIce40(p: PoolBlock['params']): Ice40Estimate {
  const CB = p.C / p.SIMD;
  const slots = Math.floor(p.W / p.K) * CB;
  const bw = p.SIMD * (p.ELEM_BITS ?? 1);
  const logic = Math.max(10, -2.5 + 4.05 * (Math.log2(p.W + 1) + Math.log2(p.H + 1) + 2 * (slots > 1 ? Math.log2(slots) : 0)) + bw);
  const mem = ice40AsyncMemory(bw, slots);
  return ice40Estimate({ lut4: ICE40_LUT4_PER_LUT6 * logic + mem.lut4, ff: estimatePool(p).ff + mem.ff, carry: clog2(p.W + 1) + clog2(p.H + 1) + clog2(slots), ebr: 0 });
}

export const poolKit = plainKit<PoolBlock>({ file: 'pool.v', module: 'bnn_pool' }, true, estimatePool, estimatePoolIce40);
