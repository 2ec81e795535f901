/**
 * The hardware plan: the single source of truth between the compiler and every backend.
 * The Verilog emitter, the cycle-accurate simulator and the estimators read it and never
 * re-derive what is in it (foldings, widths, memory images, FIFO depths).
 *
 * The dataflow is a linear chain of blocks joined by AXI4-Stream-style channels; block i's
 * output channel is block i+1's input channel. Vectors travel LSB-first (element e of a
 * beat sits at bits [e*elemBits, (e+1)*elemBits)).
 */
import type { BinarizeBlock } from '../blocks/binarize.js';
import type { DwcBlock } from '../blocks/dwc.js';
import type { FifoBlock } from '../blocks/fifo.js';
import type { LabelSelectBlock } from '../blocks/label-select.js';
import type { MvtuBlock } from '../blocks/mvtu.js';
import type { PoolBlock } from '../blocks/pool.js';
import type { SwgBlock } from '../blocks/swg.js';
import type { OutputRule } from '../model/types.js';

export type OutputStream = 'class' | 'scores';

export type PlanBlock = BinarizeBlock | FifoBlock | MvtuBlock | DwcBlock | LabelSelectBlock | SwgBlock | PoolBlock;

/** Shape of one stream: `elems` elements of `elemBits` bits per beat, `beatsPerFrame` beats. */
export interface StreamShape {
  elems: number;
  elemBits: number;
  beatsPerFrame: number;
}

export interface BlockBase {
  /** Legal Verilog identifier, unique in the plan; also the instance name. */
  name: string;
  /** The layer this block serves, if any (legalized name). */
  layer?: string;
  in: StreamShape;
  out: StreamShape;
  /** Cycles this block needs per frame when never starved or stalled. */
  cyclesPerFrame: number;
}

export interface Plan {
  planVersion: 1;
  /** Legalized model name; also the top module's name. */
  name: string;
  top: string;
  /** Where the model came from (for reports); not used by backends. */
  source: { model: string; fold: string };
  input: {
    /** Raw elements per frame and raw bits per element; threshold: binarized at the input (absent: fixed-point inputs). */
    elements: number;
    rawBits: number;
    threshold?: number;
    signed: boolean;
  };
  output: {
    /** Values of the last layer per frame (scores, or bits of a thresholded last layer): the classes. */
    classes: number;
    beatBits: number;
    /** How a class is read from the values (model `output.kind`). */
    rule: OutputRule;
    /**
     * `class`: the top streams one beat per frame, the class index (label_select).
     * `scores`: it streams the last layer's values themselves (`values` layout) and the host applies `rule`.
     */
    stream: OutputStream;
    /** The last layer's values as they leave its block: perBeat values of `bits` bits, LSB first, two's complement when signed. */
    values: { perBeat: number; bits: number; signed: boolean; beatsPerFrame: number };
  };
  blocks: PlanBlock[];
  /** Analytic initiation interval: the largest cyclesPerFrame over blocks, and which block. */
  ii: { cycles: number; bottleneck: string };
}

/** AXI4-Stream tdata widths are whole bytes. */
export function axisBytes(bits: number): number {
  return Math.max(1, Math.ceil(bits / 8));
}

export function streamBits(s: StreamShape): number {
  return s.elems * s.elemBits;
}
