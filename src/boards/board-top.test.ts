import { describe, expect, it } from 'vitest';
import { compile, withOutput } from '../compiler/compile.js';
import { randomModel } from '../model/random-model.js';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { emitBoardTop, emitPcf } from './board-top.js';
import { boardDef, BOARDS } from './boards.js';
import { linkParams } from './link-params.js';
import { flashWeights } from './flash-weights.js';
import { loadCommands } from './build.js';
import { withSpramWeights } from '../synth/weight-memory.js';

const compiled = compile(randomModel({ name: 'b', arch: [48, 32, 10], seed: 1 }));
const plan = withOutput(compiled, 'scores').plan;

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
    // The score stream feeds the link and a label select with the model's rule and the plan's values.
    const v = plan.output.values;
    expect(p).toMatchObject({ PE: v.perBeat, NF: v.beatsPerFrame, VAL_W: v.bits, CLASSES: 10, SCORE_BYTES: Math.ceil(v.bits / 8), SIGNED: v.signed ? 1 : 0 });
    expect(a).toMatch(/bnn_label_select #\([^)]*\.PE\(\d+\)[\s\S]*\) label_select \(/);
    expect(a).toContain('.s_axis_tvalid(out_tvalid && out_tready)');
  });

  it('the board build is the score-streaming one: withOutput recompiles, the class build has a label select instead', () => {
    expect(compiled.plan.output.stream).toBe('class');
    expect(plan.output.stream).toBe('scores');
    expect(plan.output.values).toEqual(compiled.plan.output.values);
    expect(compiled.plan.blocks.map((b) => b.name)).toEqual([...plan.blocks.map((b) => b.name), 'label_select']);
    expect(withOutput(compiled, 'class')).toBe(compiled);
    expect(() => emitBoardTop(compiled.plan, BOARDS.icebreaker, linkParams(plan, { clockHz: 12e6, baud: 115200 }))).toThrow(/score-streaming/);
  });

  it('with weights in SPRAM: flash pins in the .pcf, a loader in the top that holds the accelerator in reset until the image checks', () => {
    const fold = { layers: [{ pe: 4, simd: 8 }, { pe: 2, simd: 8 }], fifoDepth: 'auto' as const, source: 't' };
    const sp = withSpramWeights(withOutput(compile(randomModel({ name: 'b', arch: [48, 32, 10], seed: 1 }), { fold }), 'scores').plan, ['fc0_mvtu']);
    const f = flashWeights(sp, BOARDS.icebreaker)!;
    expect(f).toMatchObject({ offset: 0x100000, words: 2 * 48 * 32 / 32, file: 'weights_icebreaker.bin' });
    const top = emitBoardTop(sp, BOARDS.icebreaker, linkParams(sp, { clockHz: 12e6, baud: 115200 }), { ...f, wakeClks: 48 });
    expect(top).toContain(`.CHECKSUM(32'h${f.checksum.toString(16).padStart(8, '0')})`);
    expect(top).toContain('wire ap_rst_n = por[3] && w_ok && w_loaded;');
    expect(top).toContain('.weights_loaded(w_loaded)');
    const pcf = emitPcf(BOARDS.icebreaker, { flash: true });
    for (const [sig, pin] of [['flash_sck', 15], ['flash_cs_n', 16], ['flash_mosi', 14], ['flash_miso', 17]] as const) expect(pcf).toMatch(new RegExp(`^set_io ${sig} ${pin}$`, 'm'));
    expect(emitPcf(BOARDS.icebreaker)).not.toContain('flash');
    // No SPRAM engine: no image, and the ROM build's top is what it was.
    expect(flashWeights(plan, BOARDS.icebreaker)).toBeUndefined();
    expect(() => emitPcf(BOARDS['hx8k-breakout'], { flash: true })).toThrow(/no flash/);
    expect(loadCommands(BOARDS.icebreaker, 'd/t.bin', { path: 'd/w.bin', offset: 0x100000 })).toEqual(['iceprog d/t.bin && iceprog -o 1M d/w.bin']);
    expect(loadCommands(BOARDS['hx8k-breakout'], 't.bin')).toEqual(['iceprog t.bin', 'iceprog -S t.bin']);
  });

  it('rejects an unknown board and a baud rate the clock cannot make', () => {
    expect(bnnErrorOf(() => boardDef('arty'))).toMatchObject({ detail: { code: 'USAGE', field: '--board' } });
    expect(bnnErrorOf(() => linkParams(plan, { clockHz: 12e6, baud: 6e6 }))).toMatchObject({ detail: { code: 'USAGE', field: '--baud' } });
  });
});
