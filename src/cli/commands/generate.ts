import type { Command } from 'commander';
import { writeDesign } from '../../emit/generate.js';
import { generateDesign } from '../../pipeline/design.js';
import { makeStimulus } from '../../../sim/stimulus.js';
import { selectFrames } from '../../inputs/frames.js';
import { checkFolderOutput } from '../../util/output-safety.js';
import { addDesignOptions, addFoldTargetOptions, foldTargetOf, addFrameOptions, autoFoldLine, forceOption, loadAndCompile, outputOption, type DesignOptions, type FoldTargetOptions } from '../common.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  const cmd = program
    .command('generate')
    .description('emit Verilog, memory images, file list, scripts and a self-checking testbench for MODEL')
    .argument('<model>', 'model file (models/*.yaml)')
    .addOption(outputOption('-o, --out <dir>', 'output folder: a new one, or one that bnn wrote (replaced atomically)').makeOptionMandatory())
    .addOption(forceOption());
  addFrameOptions(addFoldTargetOptions(addDesignOptions(cmd), { clock: true }), 4).action((modelFile: string, o: DesignOptions & FoldTargetOptions & { out: string; force?: boolean; frames: number; seed: number; inputs?: string; dataset?: string }) => {
    checkFolderOutput(o.out, { force: o.force });
    const { model, compiled, autoFold } = loadAndCompile(modelFile, o.fold, o.output, foldTargetOf(o));
    const plan = compiled.plan;
    const files = generateDesign(plan, makeStimulus(plan, selectFrames(model, o).frames)).files;
    writeDesign(o.out, files, { force: o.force });
    const summary = {
      ok: true,
      design: plan.top,
      dir: o.out,
      files: [...files.keys()].sort(),
      ii: plan.ii,
      blocks: plan.blocks.map((b) => ({ name: b.name, kind: b.kind, cyclesPerFrame: b.cyclesPerFrame, params: b.params })),
      ...(autoFold ? { autoFold } : {}),
    };
    if (o.json) printJson(summary);
    else if (!o.quiet) {
      if (autoFold) process.stdout.write(autoFoldLine(autoFold) + '\n');
      process.stdout.write(`generated ${plan.top} in ${o.out}: ${files.size} files, II ${plan.ii.cycles} cycles/frame (bottleneck ${plan.ii.bottleneck})\n`);
      process.stdout.write(`  run the testbench: ${o.out}/run_icarus.sh  or  ${o.out}/run_verilator.sh\n`);
    }
  });
}
