import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, type SimReport } from '../../sim/simulate.js';
import { makeStimulus } from '../../sim/stimulus.js';
import { compile, type Compiled } from '../compiler/compile.js';
import { writeDesign } from '../emit/generate.js';
import { generateDesign } from './design.js';
import { selectFrames, type FrameSet } from '../inputs/frames.js';
import { loadModel } from '../model/io.js';
import type { Model } from '../model/types.js';
import { checkFolderOutput } from '../util/output-safety.js';
import { packageRoot } from '../util/paths.js';
import { hasTool } from '../util/tools.js';
import { verify, type VerifyReport } from '../verify/verify.js';

/** The shipped model the quick start runs on: the first of these that exists. */
export const DEFAULT_MODELS = ['models/sfc-mnist.yaml', 'models/sfc-random.yaml'];

export function defaultModel(): string {
  const root = packageRoot();
  const found = DEFAULT_MODELS.map((m) => join(root, m)).find((p) => existsSync(p));
  if (!found) throw new Error(`none of the default models exists: ${DEFAULT_MODELS.join(', ')}`);
  return found;
}

export interface DemoOptions {
  /** Model file (default: defaultModel()). */
  model?: string;
  fold?: string;
  /** Output folder: the design goes to OUT/<model>/rtl, the verification runs to OUT/<model>/verify-<sim>. */
  out: string;
  /** Replace output folders even when bnn did not write them. */
  force?: boolean;
  frames: number;
  /** Seed for random inputs and the verification's traffic. */
  seed: number;
  inputs?: string;
  /** Test images (default: the dataset the model was trained on, if installed). */
  dataset?: string;
  /** RTL simulators to verify on, when installed (default: both). */
  simulators?: DemoSimulator[];
  /** Each step as it completes (a CLI prints it; the demo's figures arrive in order). */
  onStep?(step: DemoStep): void;
  onProgress?(text: string): void;
}

export type DemoStep =
  | { kind: 'generated'; modelFile: string; model: Model; compiled: Compiled; rtlDir: string }
  | { kind: 'simulated'; input: FrameSet; report: SimReport }
  | { kind: 'verified'; simulator: DemoSimulator; report: VerifyReport }
  | { kind: 'skipped'; simulator: DemoSimulator; tool: string };

export type DemoSimulator = 'icarus' | 'verilator';

export interface DemoResult {
  ok: boolean;
  modelFile: string;
  model: Model;
  compiled: Compiled;
  input: FrameSet;
  rtlDir: string;
  simulate: SimReport;
  verify: VerifyReport[];
}

const SIMULATORS: [DemoSimulator, string][] = [
  ['icarus', 'iverilog'],
  ['verilator', 'verilator'],
];

/**
 * The main job on one model: generate the design (with a testbench for the chosen frames),
 * simulate it cycle-accurately, and verify the RTL on every installed simulator with random
 * input gaps and output backpressure.
 */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const modelFile = o.model ?? defaultModel();
  const model = loadModel(modelFile);
  const compiled = compile(model, o.fold === undefined ? {} : { fold: o.fold });
  const plan = compiled.plan;
  const input = demoFrames(model.metadata, (d) => selectFrames(model, { ...o, ...(d ? { dataset: d } : {}) }), o.dataset, o.inputs);
  const frames = input.frames;
  const rtlDir = join(o.out, plan.name, 'rtl');
  const verifyDir = (simulator: DemoSimulator) => join(o.out, plan.name, `verify-${simulator}`);
  // Every destination is checked before the first is written: a refusal leaves nothing half-done.
  for (const d of [rtlDir, ...SIMULATORS.map(([s]) => verifyDir(s))]) checkFolderOutput(d, { force: o.force });
  writeDesign(rtlDir, generateDesign(plan, makeStimulus(plan, frames)).files, { force: o.force });
  o.onStep?.({ kind: 'generated', modelFile, model, compiled, rtlDir });
  const sim = simulate(plan, frames).report;
  o.onStep?.({ kind: 'simulated', input, report: sim });
  const verifies: VerifyReport[] = [];
  for (const [simulator, tool] of SIMULATORS.filter(([s]) => !o.simulators || o.simulators.includes(s))) {
    if (!(await hasTool(tool))) {
      o.onStep?.({ kind: 'skipped', simulator, tool });
      continue;
    }
    const r = await verify(compiled, {
      sim: simulator,
      frames,
      traffic: { gapProbability: 0.25, maxGap: 3, stallProbability: 0.3, seed: o.seed },
      dir: verifyDir(simulator),
      force: o.force,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    verifies.push(r);
    o.onStep?.({ kind: 'verified', simulator, report: r });
  }
  return { ok: sim.finished && verifies.every((v) => v.ok), modelFile, model, compiled, input, rtlDir, simulate: sim, verify: verifies };
}

/**
 * A trained model runs on the test images of the dataset it was trained on when that dataset is
 * installed (its labels then give an accuracy); otherwise, and for untrained models, on seeded
 * random pixels.
 */
function demoFrames(meta: Record<string, unknown>, pick: (dataset?: string) => FrameSet, dataset?: string, inputs?: string): FrameSet {
  if (dataset || inputs) return pick(dataset);
  const trainedOn = typeof meta.dataset === 'string' ? meta.dataset : undefined;
  if (!trainedOn) return pick();
  try {
    return pick(trainedOn);
  } catch {
    return pick();
  }
}
