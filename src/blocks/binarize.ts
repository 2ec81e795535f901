import { plainKit } from './kit.js';
import { ice40Estimate, type BlockEstimate, type Ice40Estimate } from './cost.js';
import type { BlockBase } from '../plan/stream.js';

/**
 * `rtl-templates/binarize.v` / `sim/binarize.ts`: combinational input quantizer, raw unsigned
 * element >= THRESHOLD gives bit 1. No state, no cycles: it passes valid/ready straight through.
 */
export interface BinarizeBlock extends BlockBase {
  kind: 'binarize';
  params: { LANES: number; RAW_BITS: number; THRESHOLD: number };
}

export function binarizeBlock(name: string, lanes: number, rawBits: number, threshold: number, beatsPerFrame: number): BinarizeBlock {
  return {
    kind: 'binarize',
    name,
    in: { elems: lanes, elemBits: rawBits, beatsPerFrame },
    out: { elems: lanes, elemBits: 1, beatsPerFrame },
    cyclesPerFrame: beatsPerFrame,
    params: { LANES: lanes, RAW_BITS: rawBits, THRESHOLD: threshold },
  };
}

// ---- cost model (7-series): a comparator per lane unless the threshold is one bit of a power of two

export function estimateBinarize(p: BinarizeBlock['params']): BlockEstimate {
  const t = p.THRESHOLD;
  const oneBit = t > 0 && (t & (t - 1)) === 0 && 2 * t === 2 ** p.RAW_BITS;
  return { lut: oneBit ? 0 : p.LANES * Math.ceil(p.RAW_BITS / 4), ff: 0, lutram: 0, bram18: 0, bram36: 0 };
}

/**
 * iCE40: the same comparator per lane in LUT4s (a constant compare over RAW_BITS bits chains
 * 3 new bits per LUT4); none when the threshold is the top bit. Not fitted: every shipped model
 * thresholds at the top bit (128 of 8 bits), where Yosys builds nothing, as this says.
 */
export function estimateBinarizeIce40(p: BinarizeBlock['params']): Ice40Estimate {
  const t = p.THRESHOLD;
  const oneBit = t > 0 && (t & (t - 1)) === 0 && 2 * t === 2 ** p.RAW_BITS;
  return ice40Estimate({ lut4: oneBit ? 0 : p.LANES * Math.ceil((p.RAW_BITS - 1) / 3), ff: 0, carry: 0, ebr: 0 });
}

export const binarizeKit = plainKit<BinarizeBlock>({ file: 'binarize.v', module: 'bnn_binarize' }, false, estimateBinarize, estimateBinarizeIce40);
