/**
 * The hardware plan: the single source of truth between the compiler and every backend.
 * The Verilog emitter, the cycle-accurate simulator and the estimators read it and never
 * re-derive what is in it (foldings, widths, memory images, FIFO depths).
 *
 * The dataflow is a linear chain of blocks joined by AXI4-Stream-style channels; block i's
 * output channel is block i+1's input channel. Vectors travel LSB-first (element e of a
 * beat sits at bits [e*elemBits, (e+1)*elemBits)).
 */
import type { PlanBlock } from '../blocks/registry.js';
import type { OutputRule } from '../model/types.js';

export type OutputStream = 'class' | 'scores';

/** The blocks and their kits live in src/blocks/registry.ts; the plan only lists them. */
export type { BlockKind, PlanBlock } from '../blocks/registry.js';

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
