import { Option, type Command } from 'commander';
import { boardDef, BOARDS } from '../../boards/boards.js';
import { compile } from '../../compiler/compile.js';
import { BnnError } from '../../errors.js';
import { boardFolding } from '../../boards/board-fold.js';
import { loadModel } from '../../model/io.js';
import { buildBoard, type BoardBuild } from '../../boards/build.js';
import { checkFolderOutput } from '../../util/output-safety.js';
import { addDesignOptions, defaultOutDir, forceOption, outputOption, positiveInt, type DesignOptions } from '../common.js';
import { printJson, progress } from '../output.js';
import { writeDesign } from '../../emit/generate.js';
import { pynqFiles } from '../../boards/pynq/files.js';

const PYNQ_BOARD = 'pynq-z2';

/** PYNQ-Z2: the files only (no Vivado here); the accelerator at bnn generate's folding, scores allowed (the DMA carries them). */
function pynqBoard(modelFile: string, o: DesignOptions & { out?: string; force?: boolean }): void {
  const model = loadModel(modelFile);
  const compiled = compile(model, { ...(o.fold === undefined || o.fold === 'auto' ? {} : { fold: o.fold }), ...(o.output ? { output: o.output } : {}) });
  const dir = o.out ?? defaultOutDir(compiled.plan, `board-${PYNQ_BOARD}`);
  checkFolderOutput(dir, { force: o.force });
  const files = pynqFiles(compiled.plan);
  writeDesign(dir, files, { force: o.force });
  const run = ['vivado -mode batch -source vivado/create_project.tcl', 'vivado -mode batch -source pynq/bd.tcl'];
  const r = { board: PYNQ_BOARD, design: compiled.plan.top, dir, output: compiled.plan.output.stream, blockDesign: 'pynq/bd.tcl', driver: 'pynq/bnn_driver.py', run, built: false };
  if (o.json) printJson({ ok: true, ...r });
  else if (!o.quiet)
    process.stdout.write(`${PYNQ_BOARD}: ${r.design} behind an AXI DMA; files in ${dir} (not built: Vivado is not run by bnn)\n  build: cd ${dir} && ${run.join(' && ')}\n  host: copy pynq/ to the board, then in Python: from bnn_driver import BnnAccelerator; BnnAccelerator().infer(frames)\n`);
}


function boardText(r: BoardBuild): string {
  const u = r.resources.utilization;
  const used = Object.entries(u).filter(([, x]) => x.used).map(([k, x]) => `${k} ${x.used}/${x.available}`).join(', ');
  return [
    `${r.board}: ${r.design} on a ${r.clockMHz} MHz clock, UART ${r.baud} baud; files in ${r.dir}`,
    `Fmax ${r.fmaxMHz === null ? '?' : r.fmaxMHz.toFixed(1)} MHz (${r.timingMet ? 'meets' : 'FAILS'} ${r.clockMHz} MHz)`,
    `LUT4 ${r.resources.lut4}, FF ${r.resources.ff}, BRAM ${r.resources.bram}, SPRAM ${r.resources.spram}; placed: ${used}`,
    `weights: ${r.weightMemory.engines.map((e) => `${e.engine} ${e.memory === 'spram' ? `SPRAM x${e.spram}` : 'block RAM'}`).join(', ')} (estimate ${r.weightMemory.ebrEstimate}/${r.weightMemory.ebrAvailable} EBR, ${r.weightMemory.spramUsed}/${r.weightMemory.spramAvailable} SPRAM)`,
    `frames/s: ${Math.round(r.framesPerSecond.fabric)} in the fabric (II ${r.ii} cycles), ${r.framesPerSecond.uart.toFixed(1)} over the UART`,
    ...(r.flash ? [`weight image ${r.dir}/${r.flash.file} (${r.flash.bytes} bytes, checksum ${r.flash.checksum}): flash offset 0x${r.flash.offset.toString(16)}, loaded into SPRAM after every power-up`] : []),
    `bitstream ${r.dir}/${r.bitstream}, constraints ${r.dir}/${r.pcf}`,
    `load: ${r.load.join('   or (SRAM, until power-off): ')}`,
  ].join('\n') + '\n';
}

export function register(program: Command): void {
  const cmd = program
    .command('board')
    .description('a bitstream for a real board: UART frame link + accelerator, pins from the board\'s .pcf, nextpnr, icepack (docs/boards.md)')
    .argument('<model>', 'model file (models/*.yaml)')
    .requiredOption('--board <name>', `the board: ${[...Object.keys(BOARDS), PYNQ_BOARD].join(', ')} (${PYNQ_BOARD}: Vivado block design and Python driver, not built here)`)
    .addOption(new Option('--baud <n>', 'UART baud rate').default(115200).argParser(positiveInt('--baud')))
    .addOption(outputOption('-o, --out <dir>', 'output folder: a new one, or one that bnn wrote (default: out/<model>/board-<board>)'))
    .addOption(forceOption());
  // --fold here also takes 'auto' (the default): a folding small enough for the board.
  addDesignOptions(cmd).action(async (modelFile: string, o: DesignOptions & { board: string; baud: number; out?: string; force?: boolean }) => {
    if (o.board === PYNQ_BOARD) return pynqBoard(modelFile, o);
    const board = boardDef(o.board);
    // A UART board always sends class and scores (docs/boards.md): a choice of stream would be ignored.
    if (o.output !== undefined)
      throw new BnnError({ code: 'USAGE', message: `--output does not apply to ${board.name}: its UART link sends the class and the scores of every frame`, field: '--output', expected: 'no --output (only --board pynq-z2 takes it)', got: o.output });
    const model = loadModel(modelFile);
    // auto: 32 lanes on the heaviest engine, shaped for the UART (src/boards/board-fold.ts).
    const fold = o.fold === undefined || o.fold === 'auto' ? boardFolding(model, board, o.baud) : o.fold;
    const compiled = compile(model, { fold });
    const dir = o.out ?? defaultOutDir(compiled.plan, `board-${board.name}`);
    checkFolderOutput(dir, { force: o.force });
    const p = progress(o);
    const r = await buildBoard(compiled, board, dir, { baud: o.baud, force: !!o.force, onProgress: (s) => p.update(s) });
    p.done();
    if (o.json) printJson({ ok: true, ...r });
    else if (!o.quiet) process.stdout.write(boardText(r));
  });
}
