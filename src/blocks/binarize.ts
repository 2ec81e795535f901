import type { BlockBase } from '../plan/types.js';

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
