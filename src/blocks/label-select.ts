import { plainKit } from './kit.js';
import { ice40Linear, type BlockEstimate, type Ice40Estimate, type Ice40Features } from './cost.js';
import { bitsFor } from '../util/math.js';
import type { BlockBase } from '../plan/stream.js';
import type { OutputRule } from '../model/types.js';

/**
 * `rtl-templates/label_select.v` / `sim/label-select.ts`: argmax over the last layer's scores,
 * PE scores per beat, NF beats per frame; the lowest class index wins a tie (like numpy argmax
 * and ONNX TopK), or the highest with TIE_HIGH (a thresholded last layer read by highest-set-bit). Emits one beat (the class index) per frame, one cycle after the last score.
 */
export interface LabelSelectBlock extends BlockBase {
  kind: 'label_select';
  /** CLASSES <= PE·NF: lanes from CLASSES on are pad neurons (src/compiler/padding.ts) and never win. */
  params: { PE: number; NF: number; CLASSES: number; ACC_W: number; IDX_W: number; OUT_W: number; SIGNED: 0 | 1; TIE_HIGH: 0 | 1 };
}

/** `signed`: scores are two's complement (a fixed-point last layer); `tieHigh`: the highest index wins a tie (highest-set-bit). */
export function labelSelectBlock(name: string, pe: number, nf: number, classes: number, accW: number, outBits: number, signed: boolean, tieHigh: boolean): LabelSelectBlock {
  return {
    kind: 'label_select',
    name,
    in: { elems: pe, elemBits: accW, beatsPerFrame: nf },
    out: { elems: 1, elemBits: outBits, beatsPerFrame: 1 },
    cyclesPerFrame: nf,
    params: { PE: pe, NF: nf, CLASSES: classes, ACC_W: accW, IDX_W: bitsFor(pe * nf - 1), OUT_W: outBits, SIGNED: signed ? 1 : 0, TIE_HIGH: tieHigh ? 1 : 0 },
  };
}

/** The label select over a last layer's values (the plan's `output.values`) by the model's rule: one for the class-streaming top and the board top. */
export function labelSelectFor(values: { perBeat: number; bits: number; signed: boolean; beatsPerFrame: number }, classes: number, rule: OutputRule): LabelSelectBlock {
  const idxBits = bitsFor(values.perBeat * values.beatsPerFrame - 1);
  return labelSelectBlock('label_select', values.perBeat, values.beatsPerFrame, classes, values.bits, 8 * Math.ceil(idxBits / 8), values.signed, rule === 'highest-set-bit');
}

// ---- cost model (7-series; rough, from Yosys synth_xilinx of generated designs) -------------------

export function estimateLabelSelect(p: LabelSelectBlock['params']): BlockEstimate {
  return { lut: 3 * p.PE * p.ACC_W + 2 * p.IDX_W + 10, ff: p.ACC_W + 2 * p.IDX_W + p.OUT_W + 2, lutram: 0, bram18: 0, bram36: 0 };
}

// ---- cost model (iCE40, Yosys synth_ice40; fitted by scripts/fit-ice40.ts) --------------------------

/** The PE-way compare tree over ACC_W-bit scores with their indices, the running best, the beat count. */
export function labelSelectIce40Features(p: LabelSelectBlock['params']): Ice40Features {
  return { lut4: [p.PE * p.ACC_W, p.PE * p.IDX_W, 1], ff: [p.ACC_W, p.IDX_W, p.OUT_W, 1], carry: [p.PE * p.ACC_W, p.IDX_W, 1] };
}

export const LABEL_SELECT_ICE40_MODEL = { lut4: [0.908, 7.41, 0], ff: [1, 4.25, -0, -0], carry: [1, 1, 0] };

export function estimateLabelSelectIce40(p: LabelSelectBlock['params']): Ice40Estimate {
  return ice40Linear(labelSelectIce40Features(p), LABEL_SELECT_ICE40_MODEL, { ebr: 0 });
}

export const labelSelectKit = plainKit<LabelSelectBlock>(
  { file: 'label_select.v', module: 'bnn_label_select' }, true, estimateLabelSelect, estimateLabelSelectIce40, labelSelectIce40Features,
);
