import { readFileSync } from 'node:fs';
import { clog2 } from '../util/math.js';
import { templatePath } from '../util/paths.js';
import type { TemplateFile } from './kit.js';
import type { MemoryImage } from './memory-image.js';
import { mvtuKit, type MvtuBlock, type SpramWeightMemory } from './mvtu.js';

/**
 * An MVTU's weights in iCE40 UltraPlus SPRAM (`rtl-templates/spram_weights.v`, a sub-module of
 * the MVTU like popcount.v: it has no twin of its own, the MVTU's twin sim/mvtu.ts covers it,
 * because the store reads exactly like the ROM it replaces). Here: the store's parameters, its
 * SPRAM count, the MVTU variant that reads it (`bnn_mvtu_spram`, derived from mvtu.v) and the
 * flash image the board's boot loader copies into it.
 */

/** One SB_SPRAM256KA: 16K words of 16 bits. */
export const SPRAM_WORDS = 16384;
export const SPRAM_BITS = 16;

export type { SpramWeightMemory };

export function spramShape(width: number, depth: number): SpramWeightMemory {
  return { kind: 'spram', lanes: Math.ceil(width / SPRAM_BITS), banks: Math.ceil(depth / SPRAM_WORDS) };
}

export function spramCount(m: SpramWeightMemory): number {
  return m.lanes * m.banks;
}

export const SPRAM_STORE: TemplateFile = { file: 'spram_weights.v', module: 'bnn_spram_weights' };
/** Not a file of rtl-templates/: written into a design from mvtu.v by mvtuSpramSource(). */
export const MVTU_SPRAM: TemplateFile = { file: 'mvtu_spram.v', module: 'bnn_mvtu_spram' };

export function isSpramMvtu(b: { kind: string }): b is MvtuBlock & { weightMemory: SpramWeightMemory } {
  return b.kind === 'mvtu' && (b as MvtuBlock).weightMemory?.kind === 'spram';
}

/** Address bits of the MVTU's weight memory (mvtu.v's WA_W). */
export function weightAddressBits(b: MvtuBlock): number {
  return clog2(b.weights.depth);
}

/** bnn_mvtu_spram's parameters: bnn_mvtu's without the ROM's file. */
export function mvtuSpramParams(b: MvtuBlock): Array<[string, string]> {
  return mvtuKit.verilogParams(b).filter(([k]) => k !== 'WEIGHT_FILE');
}

export function spramStoreParams(b: MvtuBlock & { weightMemory: SpramWeightMemory }): Array<[string, string]> {
  return [
    ['W', String(b.weights.width)],
    ['DEPTH', String(b.weights.depth)],
    ['LANES', String(b.weightMemory.lanes)],
    ['BANKS', String(b.weightMemory.banks)],
    ['AW', String(weightAddressBits(b))],
  ];
}

/**
 * bnn_mvtu with its weight ROM replaced by ports to an outside memory, made from the text of
 * rtl-templates/mvtu.v so that the datapath exists once: the module is renamed, the ROM's file
 * parameter dropped, three ports added and the six lines of the ROM (declaration, $readmemh,
 * registered read) become wires. Each edit must apply exactly once: if mvtu.v's ROM lines
 * change, this fails loudly instead of writing a wrong module.
 */
export function mvtuSpramSource(mvtu: string = readFileSync(templatePath('mvtu.v'), 'utf8')): string {
  const edits: Array<[RegExp | string, string]> = [
    ['module bnn_mvtu #(', `module ${MVTU_SPRAM.module} #(`],
    ['  parameter WEIGHT_FILE = "weights.mem",\n', ''],
    [
      '  input  wire             m_axis_tready\n);',
      '  input  wire             m_axis_tready,\n' +
        '  // The weight memory outside (bnn_spram_weights): w_addr is read in a cycle with w_en, w_data\n' +
        '  // holds that word from the next cycle on, as the ROM register of bnn_mvtu does.\n' +
        '  output wire [(((MW / SIMD) * (MH / PE) > 1) ? $clog2((MW / SIMD) * (MH / PE)) : 1)-1:0] w_addr,\n' +
        '  output wire             w_en,\n' +
        '  input  wire [PE*SIMD-1:0] w_data\n);',
    ],
    [
      '  reg [PE*SIMD-1:0] wmem [0:SF*NF-1];\n  initial $readmemh(WEIGHT_FILE, wmem);\n  reg [PE*SIMD-1:0] w_q;\n  always @(posedge ap_clk) begin\n    if (issue) w_q <= wmem[waddr];\n  end\n',
      '  assign w_addr = waddr;\n  assign w_en = issue;\n  wire [PE*SIMD-1:0] w_q = w_data;\n',
    ],
    ['`timescale 1ns / 1ps\n', '`timescale 1ns / 1ps\n// Made by bnn from rtl-templates/mvtu.v (src/blocks/spram-weights.ts): bnn_mvtu with its weight ROM outside.\n'],
  ];
  let s = mvtu;
  for (const [from, to] of edits) {
    const n = s.split(from as string).length - 1;
    if (n !== 1) throw new Error(`internal: rtl-templates/mvtu.v no longer has exactly one ${JSON.stringify(from)} (found ${n}); update mvtuSpramSource in src/blocks/spram-weights.ts`);
    s = s.replace(from as string, to);
  }
  return s;
}

/** The 16-bit words an engine's store is loaded with: address by address, lane 0 (bits 15..0) first, pad bits 0. */
export function spramLoadWords(img: MemoryImage, m: SpramWeightMemory): number[] {
  const out: number[] = [];
  for (const word of img.words) {
    // Hex digits, MSB first: lane l is the 4 digits ending 4·l digits from the right.
    for (let l = 0; l < m.lanes; l++) {
      const end = word.length - 4 * l;
      const hex = word.slice(Math.max(0, end - 4), Math.max(0, end));
      out.push(hex.length ? parseInt(hex, 16) : 0);
    }
  }
  return out;
}

/** The loader's checksum: rotate left by one, XOR the word in (order matters, so a reordered image is caught). */
export function weightChecksum(words: readonly number[]): number {
  let c = 0;
  for (const w of words) c = (((c << 1) | (c >>> 31)) ^ w) >>> 0;
  return c;
}

/** "BNNW": the image's first four bytes. */
export const FLASH_MAGIC = [0x42, 0x4e, 0x4e, 0x57];

/** The flash image rtl-templates/spi_flash_loader.v reads: magic, word count, words, checksum (all little-endian). */
export function flashImage(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 + 2 * words.length + 4);
  out.set(FLASH_MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, words.length, true);
  words.forEach((w, i) => dv.setUint16(8 + 2 * i, w, true));
  dv.setUint32(8 + 2 * words.length, weightChecksum(words), true);
  return out;
}
