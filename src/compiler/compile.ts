import { BnnError } from '../errors.js';
import type { Model } from '../model/types.js';
import type { OutputStream, Plan } from '../plan/types.js';
import { buildPlan } from './build-plan.js';
import { sizeFifos } from './fifo-sizing.js';
import { readFinnFolding } from './finn-folding.js';
import { defaultFolding, loadFoldConfig, validateEngineFold, type FoldConfig } from './fold-config.js';
import { foldThresholds } from './fold-thresholds.js';
import { engineLayers, type IntegerModel } from '../model/integer-model.js';

export interface Compiled {
  integer: IntegerModel;
  fold: FoldConfig;
  plan: Plan;
}

export type FoldLoader = (file: string, im: IntegerModel) => FoldConfig;

/** fold.yaml, or FINN's folding_config.json (PE/SIMD per MVAU in graph order). */
export function loadAnyFolding(file: string, im: IntegerModel): FoldConfig {
  if (!file.endsWith('.json')) return loadFoldConfig(file, im);
  const engines = engineLayers(im);
  const finn = readFinnFolding(file, engines);
  finn.layers.forEach((f, i) => validateEngineFold(engines[i]!, f, file, finn.nodes[i]!));
  return { layers: finn.layers, fifoDepth: 'auto', source: file };
}

/**
 * model → BN/threshold folding → folding config → plan. `fold` is a file path (fold.yaml, or
 * any format a registered loader reads), a ready FoldConfig, or undefined for the default.
 */
export function compile(model: Model, opts: { fold?: string | FoldConfig; loadFold?: FoldLoader; output?: OutputStream } = {}): Compiled {
  const integer = foldThresholds(model);
  const folded =
    opts.fold === undefined
      ? defaultFolding(integer)
      : typeof opts.fold === 'string'
        ? (opts.loadFold ?? loadAnyFolding)(opts.fold, integer)
        : opts.fold;
  // What the top streams: the caller's choice over the fold file's.
  const fold: FoldConfig = opts.output ? { ...folded, output: opts.output } : folded;
  // Whatever the folding came from (file, FINN, code), the plan only accepts legal engines.
  const engines = engineLayers(integer);
  if (fold.layers.length !== engines.length)
    throw new BnnError({ code: 'FOLD_INVALID', message: 'one {pe, simd} per weight layer', file: fold.source, field: 'layers', expected: `${engines.length} (${engines.map((l) => l.name).join(', ')})`, got: String(fold.layers.length) });
  fold.layers.forEach((f, i) => validateEngineFold(engines[i]!, f, fold.source, `layers[${i}]`));
  const source = { model: model.sourceFile ?? model.name };
  if (fold.fifoDepth === 'minimal' && !fold.fifoDepths) {
    const sized = sizeFifos(integer, fold, source);
    return { integer, fold: { ...fold, fifoDepths: sized.fifos.map((f) => f.depth) }, plan: sized.plan };
  }
  const plan = buildPlan(integer, fold, source);
  return { integer, fold, plan };
}

/** The same design with another output stream (the board builds stream scores whatever the caller compiled). */
export function withOutput(c: Compiled, output: OutputStream): Compiled {
  if (c.plan.output.stream === output) return c;
  const fold: FoldConfig = { ...c.fold, output };
  return { integer: c.integer, fold, plan: buildPlan(c.integer, fold, c.plan.source) };
}
