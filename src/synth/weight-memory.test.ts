import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compile, withOutput } from '../compiler/compile.js';
import { defaultFolding } from '../compiler/fold-config.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { loadModel } from '../model/io.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { packageRoot } from '../util/paths.js';
import { boardFolding } from '../boards/board-fold.js';
import { BOARDS } from '../boards/boards.js';
import { ice40EbrFor } from '../blocks/cost.js';
import { placeWeights, withSpramWeights } from './weight-memory.js';

const model = (m: string) => loadModel(join(packageRoot(), 'models', `${m}.yaml`));
const boardPlanOf = (m: string) => {
  const md = model(m);
  return withOutput(compile(md, { fold: boardFolding(md, BOARDS.icebreaker, 115200) }), 'scores').plan;
};

describe('EBR count of a ROM (SB_RAM40_4K: 256x16, 512x8, 1024x4, 2048x2)', () => {
  it('takes the cheapest aspect ratio', () => {
    expect(ice40EbrFor(16, 256)).toBe(1);
    expect(ice40EbrFor(16, 4096)).toBe(16);
    expect(ice40EbrFor(32, 6272)).toBe(50);
    expect(ice40EbrFor(1, 2560)).toBe(2);
    expect(ice40EbrFor(4, 1024)).toBe(1);
    expect(ice40EbrFor(0, 10)).toBe(0);
  });
});

describe('weight memory per engine on the iCE40 parts', () => {
  it('tfc-mnist on the UP5K: every ROM in block RAM, no SPRAM (as before)', () => {
    const p = placeWeights(boardPlanOf('tfc-mnist'), 'ice40-up5k');
    expect(p.engines.map((e) => e.memory)).toEqual(['ebr', 'ebr', 'ebr', 'ebr']);
    expect(p.spramUsed).toBe(0);
    expect(p.plan.blocks.some((b) => b.kind === 'mvtu' && b.weightMemory)).toBe(false);
    expect(p.ebrEstimate).toBeLessThanOrEqual(30);
  });

  it('sfc-mnist on the UP5K: the two largest ROMs go to SPRAM (3 of 4), the rest fits the 30 EBRs', () => {
    const p = placeWeights(boardPlanOf('sfc-mnist'), 'ice40-up5k');
    expect(p.engines.map((e) => [e.engine, e.memory, e.spram])).toEqual([
      ['fc0_mvtu', 'spram', 2],
      ['fc1_mvtu', 'spram', 1],
      ['fc2_mvtu', 'ebr', 0],
      ['fc3_mvtu', 'ebr', 0],
    ]);
    expect(p.spramUsed).toBe(3);
    expect(p.ebrEstimate).toBeLessThanOrEqual(p.ebrAvailable);
    // Without the move the ROMs alone would need more EBRs than the part has.
    expect(p.engines.reduce((a, e) => a + e.ebr, 0)).toBeGreaterThan(30);
    const fc0 = p.plan.blocks.find((b) => b.name === 'fc0_mvtu')!;
    expect(fc0.kind === 'mvtu' && fc0.weightMemory).toEqual({ kind: 'spram', lanes: 2, banks: 1 });
    // plan.json carries it; the timing does not change.
    expect(JSON.parse(JSON.stringify(p.plan)).blocks.find((b: { name: string }) => b.name === 'fc1_mvtu').weightMemory).toEqual({ kind: 'spram', lanes: 1, banks: 1 });
    expect(p.plan.ii).toEqual(boardPlanOf('sfc-mnist').ii);
  });

  it('sfc-mnist on the HX8K (no SPRAM): refused before synthesis, naming the sizes', () => {
    const e = bnnErrorOf(() => placeWeights(boardPlanOf('sfc-mnist'), 'ice40-hx8k'));
    expect(e).toMatchObject({ detail: { code: 'USAGE', field: '--board' } });
    expect(e?.message).toMatch(/334336 bits.*no SPRAM.*131072/);
  });

  it('a fully parallel sfc-mnist needs more SPRAMs than there are: what does not fit stays in EBR, the estimate says it is over', () => {
    const md = model('sfc-mnist');
    const plan = withOutput(compile(md, { fold: defaultFolding(foldThresholds(md)) }), 'scores').plan;
    const p = placeWeights(plan, 'ice40-up5k');
    expect(p.spramUsed).toBeLessThanOrEqual(4);
    expect(p.ebrEstimate).toBeGreaterThan(30);
  });

  it('withSpramWeights sets the shape from the ROM (lanes of 16 bits, banks of 16K words) and refuses unknown engines', () => {
    const plan = boardPlanOf('tfc-mnist');
    const p = withSpramWeights(plan, ['fc0_mvtu']);
    const b = p.blocks.find((x) => x.name === 'fc0_mvtu')!;
    expect(b.kind === 'mvtu' && [b.weights.width, b.weights.depth, b.weightMemory]).toEqual([32, 1568, { kind: 'spram', lanes: 2, banks: 1 }]);
    expect(withSpramWeights(plan, [])).toBe(plan);
    expect(() => withSpramWeights(plan, ['nope'])).toThrow(/no engine nope/);
  });
});

describe('board auto folding', () => {
  it('sfc-mnist on the HX8K: refused for its weights (the reshaped folding passes the link check)', () => {
    const e = bnnErrorOf(() => boardFolding(model('sfc-mnist'), BOARDS['hx8k-breakout'], 115200));
    expect(e?.message).toMatch(/weights \(334336 bits\) do not fit ice40-hx8k/);
  });
  it('a folding the link refuses at every shape: the link\'s error (cnn-fashion: one-element input beats)', () => {
    expect(bnnErrorOf(() => boardFolding(model('cnn-fashion'), BOARDS.icebreaker, 115200))).toMatchObject({ detail: { code: 'USAGE', field: '--baud' } });
    expect(boardFolding(model('cnn-fashion'), BOARDS.icebreaker, 2400).layers).toEqual(defaultFolding(foldThresholds(model('cnn-fashion')), { pe: 4, simd: 8 }).layers);
  });
  it('tfc-mnist keeps PE 4 x SIMD 8 on its first engine', () => {
    const md = model('tfc-mnist');
    expect(boardFolding(md, BOARDS.icebreaker, 115200).layers[0]).toEqual({ pe: 4, simd: 8 });
  });
  it('sfc-mnist: the same 32 lanes as PE 2 x SIMD 16, so that a 115200-baud input beat is slower than 2 x II', () => {
    const md = model('sfc-mnist');
    const f = boardFolding(md, BOARDS.icebreaker, 115200);
    expect(f.layers[0]).toEqual({ pe: 2, simd: 16 });
    expect(f.layers.slice(1)).toEqual(defaultFolding(foldThresholds(md), { pe: 4, simd: 8 }).layers.slice(1));
  });
});
