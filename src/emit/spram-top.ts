import { readFileSync } from 'node:fs';
import { MVTU_SPRAM, SPRAM_STORE, isSpramMvtu, mvtuSpramParams, spramLoadWords, spramStoreParams, weightAddressBits } from '../blocks/spram-weights.js';
import { templatePath } from '../util/paths.js';
import type { MvtuBlock, SpramWeightMemory } from '../blocks/mvtu.js';
import type { Plan } from '../plan/types.js';

/**
 * The accelerator top's part for engines whose weights are in SPRAM (plan `weightMemory`): a
 * weight load port on the top (s_axis_weights_*: 16-bit words of all stores, in plan order, taken
 * while ap_rst_n is low, once after configuration; weights_loaded when all are in), and per such
 * engine a bnn_mvtu_spram with its bnn_spram_weights. A plan without them emits none of this.
 */
export type SpramMvtu = MvtuBlock & { weightMemory: SpramWeightMemory };

export function spramEngines(plan: Plan): SpramMvtu[] {
  return plan.blocks.filter(isSpramMvtu);
}

/** Template files the SPRAM engines add (after the plan's own). */
export function spramTemplateFiles(plan: Plan): string[] {
  return spramEngines(plan).length ? [MVTU_SPRAM.file, SPRAM_STORE.file] : [];
}

export function spramTopPorts(plan: Plan): string[] {
  if (!spramEngines(plan).length) return [];
  return [
    '  // Weights of the engines in SPRAM: 16-bit words, loaded while ap_rst_n is low (docs/boards.md).',
    '  input  wire [15:0] s_axis_weights_tdata,',
    '  input  wire s_axis_weights_tvalid,',
    '  output wire s_axis_weights_tready,',
    '  output wire weights_loaded,',
  ];
}

/** The store of an SPRAM engine and the wires between it and the engine; `prevDone` is the previous store's done (or 1). */
export function spramStoreLines(b: SpramMvtu, prevDone: string): string[] {
  const aw = weightAddressBits(b);
  const w = b.weights.width;
  return [
    `  wire [${aw - 1}:0] ${b.name}_w_addr;`,
    `  wire ${b.name}_w_en;`,
    `  wire [${w - 1}:0] ${b.name}_w_data;`,
    `  wire ${b.name}_w_loaded;`,
    `  // ${b.name}'s weights: ${b.weights.depth} x ${w} bits in ${b.weightMemory.lanes * b.weightMemory.banks} SPRAM (${b.weightMemory.lanes} side by side, ${b.weightMemory.banks} deep)`,
    `  ${SPRAM_STORE.module} #(`,
    spramStoreParams(b).map(([k, v]) => `    .${k}(${v})`).join(',\n'),
    `  ) ${b.name}_weights (`,
    '    .ap_clk(ap_clk),',
    `    .rd_addr(${b.name}_w_addr), .rd_en(${b.name}_w_en), .rd_data(${b.name}_w_data),`,
    `    .ld_data(s_axis_weights_tdata), .ld_valid(s_axis_weights_tvalid && ${prevDone}), .ld_done(${b.name}_w_loaded)`,
    '  );',
  ];
}

export function spramMvtuModule(): string {
  return MVTU_SPRAM.module;
}

export function spramMvtuParams(b: SpramMvtu): Array<[string, string]> {
  return mvtuSpramParams(b);
}

export function spramMvtuPorts(b: SpramMvtu): string[] {
  return [`    .w_addr(${b.name}_w_addr)`, `    .w_en(${b.name}_w_en)`, `    .w_data(${b.name}_w_data)`];
}

/** Lines after the blocks: the load port's ready and done from the chain of stores. */
export function spramTail(plan: Plan): string[] {
  const e = spramEngines(plan);
  if (!e.length) return [];
  const last = `${e[e.length - 1]!.name}_w_loaded`;
  return [`  assign weights_loaded = ${last};`, `  assign s_axis_weights_tready = !${last};`];
}

/** The load port's words in order (every SPRAM engine, plan order); empty without SPRAM engines. */
export function spramWordsOf(plan: Plan): number[] {
  return spramEngines(plan).flatMap((b) => spramLoadWords(b.weights, b.weightMemory));
}

/** The testbench's copy of those words ($readmemh, 4 hex digits a line), under mem/. */
export function spramLoadFile(plan: Plan): string {
  return `mem/${plan.top}_spram_load.mem`;
}

export function spramLoadImage(plan: Plan): string {
  return spramWordsOf(plan).map((w) => w.toString(16).padStart(4, '0')).join('\n') + '\n';
}

/** The behavioural SB_SPRAM256KA (rtl-templates/sim-models/), appended to a testbench: synthesis never reads it. */
export function spramTestbenchModel(): string {
  return '\n' + readFileSync(templatePath('sim-models/sb_spram256ka.v'), 'utf8');
}
