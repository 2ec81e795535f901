import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BnnError } from '../errors.js';
import { withOutput, type Compiled } from '../compiler/compile.js';
import { generateDesign } from '../pipeline/design.js';
import { writeFolderSafe } from '../util/output-safety.js';
import type { Plan } from '../plan/types.js';
import { ICE40_DEVICES, ice40Resources, readNextpnrReport, type Ice40Resources, type NextpnrReport } from '../synth/ice40.js';
import { measureTiming } from '../synth/run.js';
import { randomPlanFrames } from '../inputs/frames.js';
import { flattenCounts, type YosysStat } from '../synth/yosys-json.js';
import { templatePath } from '../util/paths.js';
import { requireTool } from '../util/tools.js';
import { makeStimulus } from '../../sim/stimulus.js';
import { BOARD_TOP, emitBoardTop, emitPcf, FLASH_LOADER } from './board-top.js';
import { flashWakeClocks, flashWeights, type FlashWeights } from './flash-weights.js';
import { placeWeights, type WeightPlacement } from '../synth/weight-memory.js';
import { spramLoadFile } from '../emit/spram-top.js';
import type { BoardDef } from './boards.js';
import { linkParams, type LinkParams } from './link-params.js';
import { uartFramesPerSecond } from '../host/protocol.js';

export const LINK_TEMPLATES = ['label_select.v', 'uart_rx.v', 'uart_tx.v', 'uart_link.v'];

/**
 * The plan a board builds: the score-streaming one (the board sends class and scores), with each
 * engine's weight memory chosen for the board's part (src/synth/weight-memory.ts: SPRAM where
 * block RAM does not suffice, UltraPlus only).
 */
export function boardPlan(c: Compiled, board: BoardDef): WeightPlacement {
  const placed = placeWeights(withOutput(c, 'scores').plan, board.target);
  if (placed.spramUsed && !board.flash) throw new Error(`internal: ${board.name} has SPRAM but no flash to load it from`);
  return placed;
}

/**
 * The RTL of a board build: the score-streaming accelerator's sources and memories, the label
 * select, the UART link, the board top; with SPRAM engines also the flash loader, and `flash`:
 * the weight image to write into the board's flash.
 */
export function boardRtlFiles(plan: Plan, board: BoardDef, p: LinkParams, o: { wakeClks?: number } = {}): { files: Map<string, string>; rtl: string[]; flash?: FlashWeights } {
  // The board sends scores and class: the accelerator streams scores, the board top adds the label select.
  if (plan.output.stream !== 'scores') throw new Error('internal: a board build takes the score-streaming plan (withOutput(c, "scores"))');
  const { files: design, rtl: accelRtl } = generateDesign(plan, makeStimulus(plan, randomPlanFrames(plan, 1, 1)));
  const files = new Map<string, string>();
  // The testbench's copy of the SPRAM words stays out: on the board they come from the flash.
  const tbOnly = spramLoadFile(plan);
  for (const [k, v] of design) if ((k.startsWith('rtl/') || k.startsWith('mem/')) && k !== tbOnly) files.set(k, v);
  const flash = flashWeights(plan, board);
  const templates = flash ? [...LINK_TEMPLATES, FLASH_LOADER.file] : LINK_TEMPLATES;
  for (const t of templates) files.set(`rtl/${t}`, readFileSync(templatePath(t), 'utf8'));
  files.set(`rtl/${BOARD_TOP}.v`, emitBoardTop(plan, board, p, flash ? { ...flash, wakeClks: o.wakeClks ?? flashWakeClocks(board.clockMHz * 1e6) } : undefined));
  const rtl = accelRtl.concat(templates.map((t) => `rtl/${t}`), [`rtl/${BOARD_TOP}.v`]);
  files.set('files.f', rtl.join('\n') + '\n');
  return { files, rtl, ...(flash ? { flash } : {}) };
}

export interface BoardBuild {
  board: string;
  design: string;
  dir: string;
  bitstream: string;
  pcf: string;
  load: string[];
  clockMHz: number;
  baud: number;
  fmaxMHz: number | null;
  timingMet: boolean;
  resources: Ice40Resources & { spram: number; utilization: Record<string, { available: number; used: number }> };
  /** Per engine: block RAM (EBR) or SPRAM, as the plan says (plan.json `weightMemory`), with the estimate behind the choice. */
  weightMemory: Pick<WeightPlacement, 'engines' | 'ebrEstimate' | 'ebrAvailable' | 'spramUsed' | 'spramAvailable'>;
  /** Weights in SPRAM: the flash image to write besides the bitstream (`iceprog -o`). */
  flash?: { file: string; offset: number; bytes: number; words: number; checksum: string };
  framesPerSecond: { fabric: number; uart: number };
  ii: number;
  seconds: number;
}

function commands(board: BoardDef): Array<{ step: string; argv: string[] }> {
  const dev = ICE40_DEVICES[board.target];
  return [
    { step: 'yosys synth_ice40', argv: ['yosys', '-q', '-l', 'synth.log', '-s', 'synth.ys'] },
    {
      step: 'nextpnr-ice40',
      argv: ['nextpnr-ice40', dev.nextpnrFlag, '--package', dev.package, '--pcf', `${board.name}.pcf`, '--json', 'board.json', '--asc', 'board.asc',
        '--freq', String(board.clockMHz), '--report', 'pnr_report.json', '--seed', '1', '-q', '-l', 'pnr.log'],
    },
    { step: 'icepack', argv: ['icepack', 'board.asc', `${BOARD_TOP}_${board.name}.bin`] },
  ];
}

/** iceprog's spelling of a flash offset: whole MiB as "1M", else hex bytes. */
export function iceprogOffset(offset: number): string {
  return offset % 0x100000 === 0 ? `${offset / 0x100000}M` : `0x${offset.toString(16)}`;
}

/**
 * How to load a build (alternatives): the bitstream, and with weights in SPRAM also the weight
 * image at its flash offset; SRAM-only loading (iceprog -S) is no alternative then, the loader
 * reads the weights from the flash.
 */
export function loadCommands(board: BoardDef, bin: string, weights?: { path: string; offset: number }): string[] {
  const alts = weights ? board.load.filter((l) => !l.includes('-S')) : board.load;
  return alts.map((l) => l.replace('FILE', bin) + (weights ? ` && iceprog -o ${iceprogOffset(weights.offset)} ${weights.path}` : ''));
}

function scripts(board: BoardDef, rtl: string[], flash?: FlashWeights): Map<string, string> {
  const m = new Map<string, string>();
  m.set('synth.ys', `# Yosys: ${BOARD_TOP} for ${board.title} (run from this folder: yosys -s synth.ys)
${rtl.map((f) => `read_verilog -defer ${f}`).join('\n')}
${flash ? '# SB_SPRAM256KA is an iCE40 primitive: its declaration comes from Yosys\'s cell library.\nread_verilog -lib +/ice40/cells_sim.v\n' : ''}hierarchy -check -top ${BOARD_TOP}
setattr -set rom_style "block" m:wmem
synth_ice40 -top ${BOARD_TOP} -json board.json
tee -q -o board_stat.json stat -json
`);
  m.set('build.sh', `#!/bin/sh
# ${board.title}: synthesis, place and route with ${board.name}.pcf at ${board.clockMHz} MHz, bitstream.
set -e
cd "$(dirname "$0")"
${commands(board).map((c) => c.argv.join(' ')).join('\n')}
echo "load it: ${loadCommands(board, `${BOARD_TOP}_${board.name}.bin`, flash ? { path: flash.file, offset: flash.offset } : undefined)[0]}"
`);
  return m;
}

/** Write the board design (the score-streaming build of `c`) into dir and run synthesis, place and route (with the .pcf) and icepack there. */
export async function buildBoard(c: Compiled, board: BoardDef, dir: string, o: { baud: number; force?: boolean; onProgress?: (s: string) => void }): Promise<BoardBuild> {
  const t0 = Date.now();
  const placed = boardPlan(c, board);
  const plan = placed.plan;
  const say = o.onProgress ?? (() => {});
  for (const t of ['yosys', 'nextpnr-ice40', 'icepack']) await requireTool(t);
  const p = linkParams(plan, { clockHz: board.clockMHz * 1e6, baud: o.baud });
  const { files, rtl, flash } = boardRtlFiles(plan, board, p);
  files.set(`${board.name}.pcf`, emitPcf(board, { flash: !!flash }));
  for (const [k, v] of scripts(board, rtl, flash)) files.set(k, v);
  files.set('plan.json', JSON.stringify(plan, null, 1) + '\n');
  const out: Map<string, string | Uint8Array> = new Map(files);
  if (flash) out.set(flash.file, flash.image);
  writeFolderSafe(dir, out, { executable: new Set(['build.sh']), ...(o.force ? { force: true } : {}) });
  const timing = measureTiming(plan);
  for (const c of commands(board)) {
    say(`${board.name}: ${c.step}`);
    const r = await execa(c.argv[0]!, c.argv.slice(1), { cwd: dir, reject: false, all: true });
    if (r.exitCode !== 0) {
      const tail = String(r.all ?? '').trim().split('\n').filter((l) => /ERROR|only has|Unable|failed/i.test(l) || l.length > 0).slice(-8).join('\n');
      throw new BnnError({ code: 'TOOL_FAILED', message: `${c.step} failed (exit ${r.exitCode}) in ${dir}; the design may not fit ${board.title}:\n${tail}` });
    }
  }
  const stat = JSON.parse(readFileSync(join(dir, 'board_stat.json'), 'utf8')) as YosysStat;
  const counts = flattenCounts(stat, BOARD_TOP);
  const rep = readNextpnrReport(JSON.parse(readFileSync(join(dir, 'pnr_report.json'), 'utf8')) as NextpnrReport);
  const bin = `${BOARD_TOP}_${board.name}.bin`;
  if (!existsSync(join(dir, bin))) throw new BnnError({ code: 'TOOL_FAILED', message: `icepack wrote no ${bin} in ${dir}` });
  const spram = Object.entries(counts).filter(([k]) => k === 'SB_SPRAM256KA').reduce((a, [, n]) => a + n, 0);
  return {
    board: board.name,
    design: plan.top,
    dir,
    bitstream: bin,
    pcf: `${board.name}.pcf`,
    load: loadCommands(board, join(dir, bin), flash ? { path: join(dir, flash.file), offset: flash.offset } : undefined),
    clockMHz: board.clockMHz,
    baud: Math.round((board.clockMHz * 1e6) / p.CLKS_PER_BIT),
    fmaxMHz: rep.fmaxMHz,
    timingMet: rep.fmaxMHz !== null && rep.fmaxMHz >= board.clockMHz,
    resources: { ...ice40Resources(counts, 3 + board.leds.length + (flash ? 6 : 0)), spram, utilization: rep.utilization },
    weightMemory: { engines: placed.engines, ebrEstimate: placed.ebrEstimate, ebrAvailable: placed.ebrAvailable, spramUsed: placed.spramUsed, spramAvailable: placed.spramAvailable },
    ...(flash ? { flash: { file: flash.file, offset: flash.offset, bytes: flash.image.length, words: flash.words, checksum: flash.checksum.toString(16).padStart(8, '0') } } : {}),
    framesPerSecond: { fabric: (board.clockMHz * 1e6) / timing.ii, uart: uartFramesPerSecond(plan, (board.clockMHz * 1e6) / p.CLKS_PER_BIT) },
    ii: timing.ii,
    seconds: (Date.now() - t0) / 1000,
  };
}
