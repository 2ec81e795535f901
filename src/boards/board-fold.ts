import { BnnError } from '../errors.js';
import { compile, withOutput } from '../compiler/compile.js';
import { defaultFolding, type FoldConfig } from '../compiler/fold-config.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import type { Model } from '../model/types.js';
import { placeWeights } from '../synth/weight-memory.js';
import { divisors } from '../util/math.js';
import type { BoardDef } from './boards.js';
import { linkParams } from './link-params.js';

/** bnn generate's default folding with the heaviest engine at PE <= 4, SIMD <= 8: small enough for an iCE40's logic. */
export const BOARD_FOLD_CAPS = { pe: 4, simd: 8 };

/**
 * `bnn board --fold auto`: the default folding at BOARD_FOLD_CAPS; when the UART link would
 * deliver input beats faster than that accelerator may take them (a slow network: II above half
 * a beat's line time, sfc-mnist at 115200 baud), the first engine is reshaped to the same lanes
 * (PE·SIMD, so the same cycles and weight word) with a larger SIMD: wider input beats, each
 * longer on the line. A folding whose weights fit no memory of the part is passed over too. The
 * first candidate that passes both checks is taken; if none does, the error of the one that got
 * furthest (a weights error over a link error: sfc-mnist on the HX8K is refused for its weights).
 */
export function boardFolding(model: Model, board: BoardDef, baud: number): FoldConfig {
  const base = defaultFolding(foldThresholds(model), BOARD_FOLD_CAPS);
  const f0 = base.layers[0]!;
  const lanes = f0.pe * f0.simd;
  const reshaped = divisors(lanes)
    .filter((simd) => simd > f0.simd)
    .map((simd) => ({ ...base, layers: [{ pe: lanes / simd, simd }, ...base.layers.slice(1)], source: `${base.source}, first engine reshaped to PE ${lanes / simd} x SIMD ${simd} for the UART` }));
  let worst: { stage: number; e: BnnError } | undefined;
  for (const fold of [base, ...reshaped]) {
    let stage = 0;
    try {
      const plan = withOutput(compile(model, { fold }), 'scores').plan;
      stage = 1;
      linkParams(plan, { clockHz: board.clockMHz * 1e6, baud });
      stage = 2;
      placeWeights(plan, board.target);
      return fold;
    } catch (e) {
      if (!(e instanceof BnnError)) throw e;
      if (!worst || stage > worst.stage) worst = { stage, e };
    }
  }
  throw worst!.e;
}
