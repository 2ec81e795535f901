import { readFileSync } from 'node:fs';
import type { Plan } from '../../plan/types.js';
import { randomPlanFrames } from '../../inputs/frames.js';
import { generateDesign } from '../../pipeline/design.js';
import { templatePath } from '../../util/paths.js';
import { makeStimulus } from '../../../sim/stimulus.js';
import { emitBlockDesign } from './block-design.js';
import { emitPynqDriver } from './driver.js';

/** A PYNQ-Z2 design folder: bnn generate's design (RTL, images, IP packaging), the TLAST block, the block design, the Python driver. */
export function pynqFiles(plan: Plan): Map<string, string> {
  const files = generateDesign(plan, makeStimulus(plan, randomPlanFrames(plan, 1, 1))).files;
  files.set('rtl/axis_tlast.v', readFileSync(templatePath('axis_tlast.v'), 'utf8'));
  files.set('pynq/bd.tcl', emitBlockDesign(plan));
  files.set('pynq/bnn_driver.py', emitPynqDriver(plan, plan.blocks[plan.blocks.length - 1]!.out.beatsPerFrame));
  return files;
}
