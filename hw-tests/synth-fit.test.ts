import { describe, expect, it } from 'vitest';
import { foldFront } from '../src/compiler/auto-fold.js';
import { foldThresholds } from '../src/compiler/fold-thresholds.js';
import { randomModel } from '../src/model/random-model.js';
import { fitIce40 } from '../src/synth/fit-ice40.js';
import { hasTool } from '../src/util/tools.js';

const required = process.env.BNN_REQUIRE_TOOLS === '1';

/** bnn synth without --fold on iCE40: the iCE40 front's fastest point whose synth_ice40 netlist fits. */
describe('fitting a folding to an iCE40 device', async () => {
  const yosys = required || (await hasTool('yosys'));
  it.skipIf(!yosys)('ice40-up5k (39 pins): the fast points with wide input beats do not fit, the chosen one does', { timeout: 300_000 }, async () => {
    const model = randomModel({ name: 'fit', arch: [16, 8, 4], seed: 2 });
    const front = foldFront(foldThresholds(model), 'ice40').points;
    const { fold, probes } = await fitIce40(model, 'ice40-up5k', 24);
    const chosen = front.find((p) => JSON.stringify(p.layers) === JSON.stringify(fold.layers))!;
    expect(chosen).toBeDefined();
    expect(probes.find((p) => p.ii === chosen.ii)!.fits).toBe(true);
    // the fully parallel design takes all 16 8-bit inputs in one beat: far more than 39 pins
    expect(chosen.ii).toBeGreaterThan(front[0]!.ii);
    for (const p of probes) if (p.ii < chosen.ii) expect(p.fits).toBe(false);
  });
});
