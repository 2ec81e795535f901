import { bitsFor } from '../util/math.js';
import type { BlockBase } from '../plan/types.js';

/**
 * `rtl-templates/label_select.v` / `sim/label-select.ts`: argmax over the last layer's scores,
 * PE scores per beat, NF beats per frame; the lowest class index wins a tie (like numpy argmax
 * and ONNX TopK). Emits one beat (the class index) per frame, one cycle after the last score.
 */
export interface LabelSelectBlock extends BlockBase {
  kind: 'label_select';
  /** CLASSES <= PE·NF: lanes from CLASSES on are pad neurons (src/compiler/padding.ts) and never win. */
  params: { PE: number; NF: number; CLASSES: number; ACC_W: number; IDX_W: number; OUT_W: number };
}

export function labelSelectBlock(name: string, pe: number, nf: number, classes: number, accW: number, outBits: number): LabelSelectBlock {
  return {
    kind: 'label_select',
    name,
    in: { elems: pe, elemBits: accW, beatsPerFrame: nf },
    out: { elems: 1, elemBits: outBits, beatsPerFrame: 1 },
    cyclesPerFrame: nf,
    params: { PE: pe, NF: nf, CLASSES: classes, ACC_W: accW, IDX_W: bitsFor(pe * nf - 1), OUT_W: outBits },
  };
}

// ---- cost model (7-series; rough, from Yosys synth_xilinx of generated designs) -------------------
import type { BlockEstimate } from './mvtu.js';

export function estimateLabelSelect(p: LabelSelectBlock['params']): BlockEstimate {
  return { lut: 3 * p.PE * p.ACC_W + 2 * p.IDX_W + 10, ff: p.ACC_W + 2 * p.IDX_W + p.OUT_W + 2, lutram: 0, bram18: 0, bram36: 0 };
}
