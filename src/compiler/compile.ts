import type { Model } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { buildPlan } from './build-plan.js';
import { defaultFolding, loadFoldConfig, type FoldConfig } from './fold-config.js';
import { foldThresholds } from './fold-thresholds.js';
import type { IntegerModel } from './integer-model.js';

export interface Compiled {
  integer: IntegerModel;
  fold: FoldConfig;
  plan: Plan;
}

export type FoldLoader = (file: string, im: IntegerModel) => FoldConfig;

/**
 * model → BN/threshold folding → folding config → plan. `fold` is a file path (fold.yaml, or
 * any format a registered loader reads), a ready FoldConfig, or undefined for the default.
 */
export function compile(model: Model, opts: { fold?: string | FoldConfig; loadFold?: FoldLoader } = {}): Compiled {
  const integer = foldThresholds(model);
  const fold =
    opts.fold === undefined
      ? defaultFolding(integer)
      : typeof opts.fold === 'string'
        ? (opts.loadFold ?? loadFoldConfig)(opts.fold, integer)
        : opts.fold;
  const plan = buildPlan(integer, fold, { model: model.sourceFile ?? model.name });
  return { integer, fold, plan };
}
