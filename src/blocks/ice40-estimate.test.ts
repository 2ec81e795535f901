import { describe, expect, it } from 'vitest';
import { ice40EbrFor, ice40LogicCells } from './cost.js';
import { estimateDwcIce40 } from './dwc.js';
import { estimateFifoIce40 } from './fifo.js';
import { estimateMvtuIce40, type MvtuParams } from './mvtu.js';

const engine = (pe: number, simd: number): MvtuParams => ({ MW: 64, MH: 64, PE: pe, SIMD: simd, ACC_W: 7, T_W: 7, USE_THRESH: 1, INPUT_BITS: 1, INPUT_SIGNED: 0, POPCOUNT: 2, THRESH_RAM: 0 });

describe('iCE40 estimators', () => {
  it('have the estimate shape: whole non-negative counts, logic cells packed from them', () => {
    for (const e of [estimateMvtuIce40(engine(4, 8)), estimateFifoIce40({ WIDTH: 8, DEPTH: 8 }), estimateDwcIce40({ IN_W: 4, OUT_W: 8 })]) {
      for (const v of Object.values(e)) expect(Number.isInteger(v) && v >= 0).toBe(true);
      expect(e.lc).toBe(ice40LogicCells(e.lut4, e.ff, e.carry));
    }
  });
  it("grow with the lanes of an engine and with a FIFO's depth", () => {
    let prev = 0;
    for (const [pe, simd] of [[1, 4], [2, 8], [4, 16], [8, 32], [16, 64]] as const) {
      const lc = estimateMvtuIce40(engine(pe, simd)).lc;
      expect(lc).toBeGreaterThan(prev);
      prev = lc;
    }
    // small FIFOs are flip-flops, a larger one EBR
    expect(estimateFifoIce40({ WIDTH: 16, DEPTH: 4 }).ff).toBeGreaterThan(estimateFifoIce40({ WIDTH: 16, DEPTH: 2 }).ff);
    expect(estimateFifoIce40({ WIDTH: 16, DEPTH: 4 }).ebr).toBe(0);
    expect(estimateFifoIce40({ WIDTH: 28, DEPTH: 28 }).ebr).toBe(2);
  });
  it('count the weight ROM in EBR in its cheapest aspect ratio, none when it is in SPRAM', () => {
    const p = engine(4, 8); // 32 bits x 128 words: 2 EBRs as 256 x 16
    expect(estimateMvtuIce40(p).ebr).toBe(ice40EbrFor(32, 128));
    expect(ice40EbrFor(32, 128)).toBe(2);
    const s = estimateMvtuIce40(p, { kind: 'spram', lanes: 2, banks: 1 });
    expect(s.ebr).toBe(0);
    expect(s.spram).toBe(2);
  });
});
