import { readFileSync } from 'node:fs';
import { planMemories } from '../plan/memories.js';
import type { Plan } from '../plan/types.js';
import { templatePath } from '../util/paths.js';
import type { RunResult } from '../../sim/engine.js';
import type { Stimulus } from '../../sim/stimulus.js';
import { emitScripts } from './scripts.js';
import { VIVADO_EXECUTABLE, vivadoFiles } from './vivado.js';
import { expectedLog, expectedStreamsLog, stimulusFiles, testbenchCounts } from './stimulus-files.js';
import { emitTestbench } from './testbench.js';
import { emitTopVerilog, rtlFiles, templateFiles } from './top-verilog.js';
import { writeFolderSafe } from '../util/output-safety.js';
import { MVTU_SPRAM, mvtuSpramSource } from '../blocks/spram-weights.js';
import { spramEngines, spramLoadFile, spramLoadImage } from './spram-top.js';

export const EXECUTABLE_SCRIPTS = new Set(['lint.sh', 'run_icarus.sh', 'run_verilator.sh', ...VIVADO_EXECUTABLE]);

/**
 * Every file of a generated design, by relative path: RTL (templates used + top), memory
 * images, file list, scripts, the plan itself, and a testbench with its stimulus and the log
 * `predicted` (the simulator's run of that stimulus, with streams) says it must write. Pure:
 * same plan, stimulus and run, byte-identical files. src/pipeline/design.ts runs the simulator.
 */
export function designFiles(plan: Plan, stim: Stimulus, predicted: RunResult): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of templateFiles(plan)) files.set(`rtl/${f}`, f === MVTU_SPRAM.file ? mvtuSpramSource() : readFileSync(templatePath(f), 'utf8'));
  files.set(`rtl/${plan.top}.v`, emitTopVerilog(plan));
  const rtl = rtlFiles(plan);
  for (const img of planMemories(plan)) files.set(`mem/${img.file}`, img.words.join('\n') + '\n');
  for (const [k, v] of emitScripts(plan, rtl)) files.set(k, v);
  for (const [k, v] of vivadoFiles(plan)) files.set(k, v);
  files.set('tb/tb_top.v', emitTestbench(plan, testbenchCounts(stim)));
  if (spramEngines(plan).length) files.set(spramLoadFile(plan), spramLoadImage(plan));
  for (const [k, v] of stimulusFiles(plan, stim)) files.set(k, v);
  files.set('tb/expected.log', expectedLog(plan, predicted));
  files.set('tb/expected_streams.log', expectedStreamsLog(plan, predicted));
  files.set('plan.json', JSON.stringify(plan, null, 1) + '\n');
  return files;
}

/** Write a design folder (src/util/output-safety.ts: replaces only a folder that bnn wrote, unless force). */
export function writeDesign(dir: string, files: Map<string, string>, o: { force?: boolean } = {}): void {
  writeFolderSafe(dir, files, { executable: EXECUTABLE_SCRIPTS, ...o });
}
