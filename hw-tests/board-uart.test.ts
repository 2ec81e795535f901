import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { compile, withOutput, type Compiled } from '../src/compiler/compile.js';
import { boardRtlFiles } from '../src/boards/build.js';
import { BOARD_TOP } from '../src/boards/board-top.js';
import { BOARDS } from '../src/boards/boards.js';
import { linkParams } from '../src/boards/link-params.js';
import { integerForward } from '../src/compiler/integer-reference.js';
import { uartCommands, uartSimBuild } from '../src/host/backends.js';
import { openAccelerator } from '../src/host/accelerator.js';
import type { LineProcess } from '../src/host/line-process.js';
import { frameLayout, packFrames, ResponseParser, type FrameLayout } from '../src/host/protocol.js';
import { randomModel } from '../src/model/random-model.js';
import { frames, toolOrSkip, workDir } from './cases.js';

const have = await toolOrSkip('verilator');
const haveIcarus = await toolOrSkip('iverilog');
// A small net keeps the two Verilator builds short; the protocol does not depend on the size.
const design: Compiled = compile(randomModel({ name: 'uart_small', arch: [48, 32, 24, 10], seed: 3 }));
const input = frames(6, 48, 11);
const golden = input.map((f) => integerForward(design.integer, f));
const cacheDir = workDir('board-uart');
const layout = frameLayout(design.plan);
const goldenScores = golden.map((g) => Array.from(g.scores));
// A fixed-point last layer: signed 15-bit values, one beat per frame (the link's other generate branches).
const fixed = compile(randomModel({ name: 'uart_signed', arch: [48, 10], seed: 5, fixedInput: { signed: false } }), { output: 'scores' });

describe.skipIf(!have || !haveIcarus)('board top RTL: Verilator -Wall clean, Icarus accepts it', () => {
  it.each([['popcount scores, 2 beats per frame', design], ['signed two-byte scores, 1 beat', fixed]] as const)('%s', async (_, c) => {
    const plan = withOutput(c, 'scores').plan;
    const { files } = boardRtlFiles(plan, BOARDS['hx8k-breakout'], linkParams(plan, { clockHz: 12e6, baud: 115200 }));
    const dir = workDir('board-lint');
    for (const [k, v] of files) {
      mkdirSync(dirname(join(dir, k)), { recursive: true });
      writeFileSync(join(dir, k), v);
    }
    const r = await execa('verilator', ['--lint-only', '-Wall', '--top-module', BOARD_TOP, '-f', 'files.f'], { cwd: dir, reject: false, all: true });
    expect(r.all, 'verilator --lint-only -Wall').toBe('');
    expect(r.exitCode).toBe(0);
    const ic = await execa('iverilog', ['-g2005', '-o', 'board.vvp', '-s', BOARD_TOP, '-c', 'files.f'], { cwd: dir, reject: false, all: true });
    expect(ic.all, 'iverilog -g2005').toBe('');
    expect(ic.exitCode).toBe(0);
  });
});

describe.skipIf(!have)('board top at the bit level: bytes on the UART pins', () => {
  let proc: LineProcess;
  beforeAll(async () => {
    proc = (await uartSimBuild(design, { cacheDir })).proc;
  });
  afterAll(async () => proc?.close());

  /** Send harness commands, wait until the board is silent, parse what came back. */
  async function talk(commands: string) {
    proc.write(commands + '.\n');
    const p = new ResponseParser(layout);
    p.push((await proc.until('.')).map((l) => parseInt(l, 16)));
    expect(p.pending, 'bytes left over after the last response').toBe(0);
    lastScores = p.responses.map((r) => r.scores);
    return p.responses.map((r) => [r.status, r.class]);
  }
  let lastScores: Array<number[] | null> = [];
  const bytes = (b: ArrayLike<number>) => uartCommands(Uint8Array.from(b as number[]));
  const frame = (k: number) => packFrames(layout, [input[k]!]);

  it('back-to-back frames: the golden classes and scores', async () => {
    expect(await talk(bytes(packFrames(layout, input)))).toEqual(golden.map((g) => ['ok', g.prediction]));
    expect(lastScores).toEqual(goldenScores);
  });

  it('gaps between bytes shorter than the timeout change nothing', async () => {
    const cmds = Array.from(frame(1), (b, i) => b.toString(16).padStart(2, '0') + (i % 7 === 3 ? '\ngggg' : '')).join('\n') + '\n';
    expect(await talk(cmds)).toEqual([['ok', golden[1]!.prediction]]);
  });

  it('a wrong length, a wrong checksum and line noise are reported and the next frame is right', async () => {
    const badSum = frame(2);
    badSum[badSum.length - 1]! ^= 1;
    const cmds = bytes([0x00, 0xff, 0xa5, 0x5a, 49, 0]) + bytes(badSum) + bytes([0x13, 0x37]) + bytes(frame(3));
    expect(await talk(cmds)).toEqual([['badLength', null], ['badChecksum', null], ['ok', golden[3]!.prediction]]);
    // A rejected frame carries no scores (count 0); the good one its own.
    expect(lastScores).toEqual([null, null, goldenScores[3]]);
  });

  it('a frame cut short times out, is padded and discarded, and the board recovers', async () => {
    const cut = frame(4).subarray(0, 30);
    expect(await talk(bytes(cut))).toEqual([['timeout', null]]);
    expect(await talk(bytes(frame(5)))).toEqual([['ok', golden[5]!.prediction]]);
    expect(lastScores).toEqual([goldenScores[5]]);
  });

  it('an overlong frame: the extra bytes are ignored, the frame itself counts', async () => {
    expect(await talk(bytes(frame(0)) + bytes([1, 2, 3, 4, 5]) + bytes(frame(1)))).toEqual([
      ['ok', golden[0]!.prediction],
      ['ok', golden[1]!.prediction],
    ]);
  });
});

describe.skipIf(!have)('hardware-software co-verification: one host program, every simulated backend', () => {
  const backends = ['golden', 'sim', 'verilator', 'uart-sim'] as const;

  /** The host program: classify frames; the reference is the integer model on the frames themselves. */
  async function hostProgram(pack?: (l: FrameLayout, f: ArrayLike<number>[]) => Uint8Array, on: Compiled = design) {
    const out: Record<string, { classes: Array<number | null>; scores: Array<number[] | null> }> = {};
    for (const backend of backends) {
      const acc = await openAccelerator(on, { backend, cacheDir, ...(pack ? { pack } : {}) });
      try {
        out[backend] = await acc.infer(input);
      } finally {
        await acc.close();
      }
    }
    return out;
  }

  it('identical classes and scores on golden, sim and uart-sim (the board sends scores); verilator: the class stream\'s classes', async () => {
    const r = await hostProgram();
    for (const b of backends) expect(r[b]!.classes, b).toEqual(golden.map((g) => g.prediction));
    for (const b of ['golden', 'sim', 'uart-sim'] as const) expect(r[b]!.scores, b).toEqual(goldenScores);
    // This accelerator streams the class only: the verilator backend invents no scores.
    expect(r.verilator!.scores.every((s) => s === null)).toBe(true);
  });

  it('a score-streaming design: identical classes and scores on golden, sim, verilator and uart-sim', async () => {
    const scoring = compile(randomModel({ name: 'uart_small', arch: [48, 32, 24, 10], seed: 3 }), { output: 'scores' });
    const r = await hostProgram(undefined, scoring);
    for (const b of backends) expect({ classes: r[b]!.classes, scores: r[b]!.scores }, b).toEqual({ classes: golden.map((g) => g.prediction), scores: goldenScores });
    // The board build is the same for both designs (it always streams scores): the class design reuses it.
    const again = await uartSimBuild(design, { cacheDir });
    await again.proc.close();
    expect(again.build.built, 'uart-sim rebuilt for the class design').toBe(false);
  });

  it('a fixed-point last layer: signed 15-bit scores, two bytes each, sign-extended, equal on every backend', async () => {
    expect(fixed.plan.output.values).toMatchObject({ signed: true, bits: 15, beatsPerFrame: 1 });
    const ref = input.map((f) => integerForward(fixed.integer, f));
    const want = { classes: ref.map((g) => g.prediction), scores: ref.map((g) => Array.from(g.scores)) };
    expect(want.scores.flat().some((v) => v < 0), 'some negative scores').toBe(true);
    const r = await hostProgram(undefined, fixed);
    for (const b of backends) expect({ classes: r[b]!.classes, scores: r[b]!.scores }, b).toEqual(want);
  });

  it('a host packing elements in the wrong byte order is caught', async () => {
    // Elements swapped within each 16-bit pair, as a host writing uint16 words big-endian would.
    const swapped = (l: FrameLayout, fs: ArrayLike<number>[]) =>
      packFrames(l, fs.map((f) => Array.from(f, (_, i) => f[i ^ 1]!)));
    const r = await hostProgram(swapped);
    const reference = golden.map((g) => g.prediction);
    const caught = backends.filter((b) => r[b]!.classes.some((c, i) => c !== reference[i]));
    expect(caught).toEqual([...backends]);
    // The scores give it away too, on every backend that returns them.
    const scoreCaught = (['golden', 'sim', 'uart-sim'] as const).filter((b) => r[b]!.scores.some((s, i) => JSON.stringify(s) !== JSON.stringify(goldenScores[i])));
    expect(scoreCaught).toEqual(['golden', 'sim', 'uart-sim']);
  });
});
