import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { compile, withOutput } from '../src/compiler/compile.js';
import { boardRtlFiles } from '../src/boards/build.js';
import { BOARD_TOP } from '../src/boards/board-top.js';
import { BOARDS } from '../src/boards/boards.js';
import { linkParams } from '../src/boards/link-params.js';
import { integerForward } from '../src/compiler/integer-reference.js';
import { SIM_MODELS, uartCommands, uartSimBuildPlan } from '../src/host/backends.js';
import type { LineProcess } from '../src/host/line-process.js';
import { frameLayout, packFrames, ResponseParser } from '../src/host/protocol.js';
import { randomModel } from '../src/model/random-model.js';
import { withSpramWeights } from '../src/synth/weight-memory.js';
import { flashImage } from '../src/blocks/spram-weights.js';
import { simulate } from '../sim/simulate.js';
import { makeStimulus } from '../sim/stimulus.js';
import { generateDesign } from '../src/pipeline/design.js';
import { templatePath } from '../src/util/paths.js';
import { frames, toolOrSkip, workDir } from './cases.js';

/**
 * The iCEBreaker build with weights in SPRAM, booted as on the board: configuration (power-up
 * values), the loader wakes the flash model and copies the weight image into the SPRAM models,
 * then frames over the UART pins. Two engines in SPRAM (one two SPRAMs wide), one in block RAM.
 */
const have = await toolOrSkip('verilator');
const haveIcarus = await toolOrSkip('iverilog');
const fold = { layers: [{ pe: 4, simd: 8 }, { pe: 2, simd: 8 }, { pe: 2, simd: 4 }], fifoDepth: 'auto' as const, source: 'board-spram test' };
const design = compile(randomModel({ name: 'spram_small', arch: [48, 32, 24, 10], seed: 3 }), { fold });
const romPlan = withOutput(design, 'scores').plan;
const plan = withSpramWeights(romPlan, ['fc0_mvtu', 'fc1_mvtu']);
const input = frames(5, 48, 21);
const golden = input.map((f) => integerForward(design.integer, f));
const layout = frameLayout(plan);
const cacheDir = workDir('board-spram');

describe('weights in SPRAM: the plan and the simulator', () => {
  it('the plan says where each engine\'s weights are; the timing is the ROM build\'s', () => {
    expect(plan.blocks.filter((b) => b.kind === 'mvtu').map((b) => [b.name, b.kind === 'mvtu' ? b.weightMemory ?? null : null])).toEqual([
      ['fc0_mvtu', { kind: 'spram', lanes: 2, banks: 1 }],
      ['fc1_mvtu', { kind: 'spram', lanes: 1, banks: 1 }],
      ['fc2_mvtu', null],
    ]);
    // The twin does not look at weightMemory: same cycles, same outputs.
    const f = input.slice(0, 3);
    const a = simulate(plan, f).report.cycles;
    const b = simulate(romPlan, f).report.cycles;
    expect(a).toEqual(b);
  });
});

describe.skipIf(!haveIcarus)('the accelerator with weights in SPRAM against the simulator, cycle for cycle (Icarus, gaps and backpressure)', () => {
  // Every engine in SPRAM, so that the last one freezes under the output's backpressure with a
  // word in flight: the store must hold it (it reads the held address while the MVTU does not issue).
  const all = withSpramWeights(romPlan, ['fc0_mvtu', 'fc1_mvtu', 'fc2_mvtu']);
  it('tb/out.log and every stream equal the twin\'s prediction', async () => {
    const stim = makeStimulus(all, input, { gapProbability: 0.25, maxGap: 3, stallProbability: 0.35, seed: 23 });
    const { files } = generateDesign(all, stim);
    expect(files.get('tb/tb_top.v')).toContain('module SB_SPRAM256KA');
    expect(files.get(`rtl/${all.top}.v`)!.match(/bnn_spram_weights #\(/g)).toHaveLength(3);
    const dir = workDir('spram-cosim');
    for (const [k, v] of files) {
      mkdirSync(dirname(join(dir, k)), { recursive: true });
      writeFileSync(join(dir, k), v);
    }
    const c = await execa('iverilog', ['-g2005', '-s', 'tb_top', '-o', 'tb/sim.vvp', '-c', 'files.f', 'tb/tb_top.v'], { cwd: dir, reject: false, all: true });
    expect(c.all).toBe('');
    await execa('vvp', ['-n', 'tb/sim.vvp'], { cwd: dir });
    const out = readFileSync(join(dir, 'tb/out.log'), 'utf8');
    expect(out).toMatch(/^DONE /m);
    expect(out).toBe(files.get('tb/expected.log'));
    expect(readFileSync(join(dir, 'tb/streams.log'), 'utf8')).toBe(files.get('tb/expected_streams.log'));
  }, 600_000);
});

describe.skipIf(!have || !haveIcarus)('SPRAM board top: Verilator -Wall clean, Icarus accepts it', () => {
  it('lints with the SPRAM and flash models', async () => {
    const { files } = boardRtlFiles(plan, BOARDS.icebreaker, linkParams(plan, { clockHz: 12e6, baud: 115200 }));
    const dir = workDir('board-spram-lint');
    for (const [k, v] of files) {
      mkdirSync(dirname(join(dir, k)), { recursive: true });
      writeFileSync(join(dir, k), v);
    }
    mkdirSync(join(dir, 'sim-models'), { recursive: true });
    for (const m of SIM_MODELS) writeFileSync(join(dir, 'sim-models', m), readFileSync(templatePath(`sim-models/${m}`), 'utf8'));
    const r = await execa('verilator', ['--lint-only', '-Wall', '--top-module', BOARD_TOP, '-f', 'files.f', 'sim-models/sb_spram256ka.v'], { cwd: dir, reject: false, all: true });
    expect(r.all, 'verilator --lint-only -Wall').toBe('');
    expect(r.exitCode).toBe(0);
    const ic = await execa('iverilog', ['-g2005', '-o', 'board.vvp', '-s', BOARD_TOP, '-c', 'files.f', 'sim-models/sb_spram256ka.v'], { cwd: dir, reject: false, all: true });
    expect(ic.all, 'iverilog -g2005').toBe('');
    expect(ic.exitCode).toBe(0);
  });
});

describe.skipIf(!have)('SPRAM board top in Verilator: reset, weights from the flash model, inference over the UART', () => {
  let proc: LineProcess;
  beforeAll(async () => {
    proc = (await uartSimBuildPlan(plan, BOARDS.icebreaker, { cacheDir })).proc;
  }, 600_000);
  afterAll(async () => proc?.close());

  it('answers every frame with the integer model\'s class and scores', async () => {
    proc.write(uartCommands(packFrames(layout, input)) + '.\n');
    const p = new ResponseParser(layout);
    p.push((await proc.until('.')).map((l) => parseInt(l, 16)));
    expect(p.pending).toBe(0);
    expect(p.responses.map((r) => [r.status, r.class])).toEqual(golden.map((g) => ['ok', g.prediction]));
    expect(p.responses.map((r) => r.scores)).toEqual(golden.map((g) => Array.from(g.scores)));
  });
});

describe.skipIf(!have)('SPRAM board top: a flash without this design\'s weights is refused', () => {
  /**
   * Frames sent to a board whose flash holds `image`: the responses that come back. (The TX
   * line's power-up value reads as one 0xff byte in the harness, on every build: no response.)
   */
  async function answers(image: (good: Uint8Array) => Uint8Array, wakeClks?: number) {
    const { proc } = await uartSimBuildPlan(plan, BOARDS.icebreaker, { cacheDir, flashImage: image, ...(wakeClks ? { wakeClks } : {}) });
    try {
      proc.write(uartCommands(packFrames(layout, input.slice(0, 2))) + '.\n');
      const p = new ResponseParser(layout);
      p.push((await proc.until('.')).map((l) => parseInt(l, 16)));
      return p.responses;
    } finally {
      await proc.close();
    }
  }

  it('the unchanged image (control): both frames answered', async () => {
    expect((await answers((g) => g)).map((r) => r.class)).toEqual(golden.slice(0, 2).map((g) => g.prediction));
  }, 600_000);

  it('a loader that reads before the flash is awake (1 µs after 0xAB, tRES1 is 3 µs) gets nothing: the wait matters', async () => {
    expect(await answers((g) => g, 100)).toEqual([]);
  }, 600_000);

  it('erased flash (all 0xFF): the accelerator stays in reset, no answers', async () => {
    expect(await answers((g) => new Uint8Array(g.length).fill(0xff))).toEqual([]);
  }, 600_000);

  it('another design\'s weights (one word changed, its own checksum correct): refused too', async () => {
    const foreign = (g: Uint8Array) => {
      const x = g.slice();
      const dv = new DataView(x.buffer);
      const words = Array.from({ length: dv.getUint32(4, true) }, (_, i) => dv.getUint16(8 + 2 * i, true));
      words[3] ^= 1;
      return flashImage(words);
    };
    expect(await answers(foreign)).toEqual([]);
  }, 600_000);
});
