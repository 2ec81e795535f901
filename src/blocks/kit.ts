import type { BlockEstimate, Ice40Estimate, Ice40Features } from './cost.js';
import type { MemoryImage } from './memory-image.js';
import type { BlockBase } from '../plan/stream.js';

/** A Verilog template file in rtl-templates/ and the module it defines. */
export interface TemplateFile {
  file: string;
  module: string;
}

/**
 * Everything the backends need to know about one block kind, asked of the kind instead of
 * switched on: the emitter instantiates `template.module` with `verilogParams`, copies the
 * template and its `uses`, writes `memories`; the simulator treats a combinational kind as a
 * pass-through, exactly where the emitter gives it no clock; the estimator sums `estimate`.
 */
export interface BlockKit<B extends BlockBase> {
  template: TemplateFile;
  /** Templates the module instantiates, copied before it (in this order). */
  uses: TemplateFile[];
  /** false: no ap_clk/ap_rst_n ports, valid and ready pass straight through. */
  clocked: boolean;
  /** The instance's parameters, in the order the top lists them. */
  verilogParams(b: B): Array<[string, string]>;
  /** Images the instance reads with $readmemh (files under mem/). */
  memories(b: B): MemoryImage[];
  estimate(b: B): BlockEstimate;
  /** The same block on an iCE40 (LUT4, FF, carry, EBR, SPRAM, packed logic cells). */
  estimateIce40(b: B): Ice40Estimate;
  /** The features of a fitted iCE40 model, for scripts/fit-ice40.ts (absent: the model is analytic; null: not fitted for this instance). */
  ice40Features?(b: B): Ice40Features | null;
}

/** Each integer parameter as a Verilog literal, in declaration order. */
export function intParams(params: object): Array<[string, string]> {
  return Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]);
}

/** The kit of a block whose parameters are all integers and which reads no memory image. */
export function plainKit<B extends BlockBase & { params: object }>(
  template: TemplateFile,
  clocked: boolean,
  estimate: (p: B['params']) => BlockEstimate,
  estimateIce40: (p: B['params']) => Ice40Estimate,
  ice40Features?: (p: B['params']) => Ice40Features,
): BlockKit<B> {
  return {
    template, uses: [], clocked, verilogParams: (b) => intParams(b.params), memories: () => [],
    estimate: (b) => estimate(b.params), estimateIce40: (b) => estimateIce40(b.params),
    ...(ice40Features ? { ice40Features: (b: B) => ice40Features(b.params) } : {}),
  };
}
