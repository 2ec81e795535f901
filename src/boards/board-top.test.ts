import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { randomModel } from '../model/random-model.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { emitBoardTop, emitPcf } from './board-top.js';
import { boardDef, BOARDS } from './boards.js';
import { linkParams } from './link-params.js';

const plan = compile(randomModel({ name: 'b', arch: [48, 32, 10], seed: 1 })).plan;

describe('board top and constraints', () => {
  it('puts clock, UART and LEDs on the published pins', () => {
    const ice = emitPcf(BOARDS.icebreaker);
    expect(ice).toMatch(/^set_io clk 35$/m);
    expect(ice).toMatch(/^set_io uart_rx 6$/m);
    expect(ice).toMatch(/^set_io uart_tx 9$/m);
    expect(ice).toMatch(/^set_io led\[1\] 11 /m);
    const hx = emitPcf(BOARDS['hx8k-breakout']);
    expect(hx).toMatch(/^set_io clk J3$/m);
    expect(hx).toMatch(/^set_io uart_rx B10$/m);
    expect(hx.match(/^set_io led\[\d\] (\w+)/gm)!.map((l) => l.split(' ').pop())).toEqual(['B5', 'B4', 'A2', 'A1', 'C5', 'C4', 'B3', 'C3']);
  });

  it('derives the link from the plan and the clock, and the top is deterministic', () => {
    const p = linkParams(plan, { clockHz: 12e6, baud: 115200 });
    expect(p).toMatchObject({ CLKS_PER_BIT: 104, FRAME_BYTES: 48, LANES: plan.blocks[0]!.in.elems, ELEM_BITS: 8, TIMEOUT: 1_200_000 });
    const a = emitBoardTop(plan, BOARDS.icebreaker, p);
    expect(a).toBe(emitBoardTop(plan, BOARDS.icebreaker, p));
    expect(a).toContain(`${plan.top} accel (`);
    expect(a).toContain('assign led = ~status;');
  });

  it('rejects an unknown board and a baud rate the clock cannot make', () => {
    expect(bnnErrorOf(() => boardDef('arty'))).toMatchObject({ detail: { code: 'USAGE', field: '--board' } });
    expect(bnnErrorOf(() => linkParams(plan, { clockHz: 12e6, baud: 6e6 }))).toMatchObject({ detail: { code: 'USAGE', field: '--baud' } });
  });
});
