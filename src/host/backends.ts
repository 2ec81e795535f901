import { BOARDS, type BoardDef, type BoardName } from '../boards/boards.js';
import type { Plan } from '../plan/types.js';
import { readFileSync } from 'node:fs';
import { boardPlan, boardRtlFiles } from '../boards/build.js';
import { flashLoadClocks } from '../boards/flash-weights.js';
import { templatePath } from '../util/paths.js';
import { linkParams } from '../boards/link-params.js';
import type { Compiled } from '../compiler/compile.js';
import { integerForward } from '../compiler/integer-reference.js';
import { generateDesign } from '../pipeline/design.js';
import { randomPlanFrames } from '../inputs/frames.js';
import { simulate } from '../../sim/simulate.js';
import { frameBeats, makeStimulus } from '../../sim/stimulus.js';
import { inAxisBits } from '../emit/top-verilog.js';
import { decodeElems } from '../blocks/memory-image.js';
import { frameResults } from '../plan/output-values.js';
import { answer } from './device-model.js';
import { streamHarness, uartHarness, uartHarnessTiming } from './harness.js';
import { LineProcess } from './line-process.js';
import { frameLayout } from './protocol.js';
import { openSerial } from './serial.js';
import type { Transport } from './transport.js';
import { verilateOnce } from './verilator-cache.js';

export type { Transport } from './transport.js';

export type BackendName = 'golden' | 'sim' | 'verilator' | 'uart-sim' | 'uart';
export const BACKENDS: BackendName[] = ['golden', 'sim', 'verilator', 'uart-sim', 'uart'];

export interface BackendOptions {
  /** uart: the serial device (default: the board's FTDI UART on Linux). */
  device?: string;
  baud?: number;
  /** uart-sim: whose board top to simulate (the RTL is the same for every board). */
  board?: BoardName;
  cacheDir?: string;
  /** uart: give up on a response after this long. */
  timeoutMs?: number;
}

type Classify = (frames: number[][]) => Promise<{ classes: number[]; scores: (ArrayLike<number> | null)[] }>;

function emulated(c: Compiled, classify: Classify, close: () => Promise<void> = async () => {}): Transport {
  const layout = frameLayout(c.plan);
  return { exchange: (req) => answer(layout, req, classify), close };
}

function golden(c: Compiled): Transport {
  return emulated(c, async (frames) => {
    const t = frames.map((f) => integerForward(c.integer, f));
    return { classes: t.map((x) => x.prediction), scores: t.map((x) => x.scores) };
  });
}

function tsSim(c: Compiled): Transport {
  return emulated(c, async (frames) => {
    const r = simulate(c.plan, frames).report;
    return { classes: r.predictions, scores: r.scores };
  });
}

function hex(v: ArrayLike<number>, elemBits: number, widthBits: number): string {
  // One beat as a hex number, element 0 in the low bits.
  let big = 0n;
  for (let e = v.length - 1; e >= 0; e--) big = (big << BigInt(elemBits)) | BigInt(v[e]! & ((1 << elemBits) - 1));
  return big.toString(16).padStart(Math.ceil(widthBits / 4), '0');
}

async function verilatorStream(c: Compiled, o: BackendOptions): Promise<Transport> {
  const plan = c.plan;
  const files = new Map<string, string>();
  for (const [k, v] of generateDesign(plan, makeStimulus(plan, randomPlanFrames(plan, 1, 1))).files) if (k.startsWith('rtl/') || k.startsWith('mem/')) files.set(k, v);
  files.set('tb_stream.v', streamHarness(plan));
  const b = await verilateOnce(files, 'tb_stream', o);
  const proc = new LineProcess(b.exe, b.dir);
  const w = inAxisBits(plan);
  const elemBits = plan.blocks[0]!.in.elemBits;
  const last = plan.blocks[plan.blocks.length - 1]!;
  const signed = plan.output.stream === 'scores' && plan.output.values.signed;
  const t = emulated(c, async (frames) => {
    proc.write(frameBeats(plan, frames).map((beat) => hex(beat, elemBits, w)).join('\n') + '\n.\n');
    // A class-streaming top has only the class to say; a score-streaming one, the scores (and the class by the model's rule).
    const beats = (await proc.until('.')).map((l) => decodeElems(l, last.out.elems, last.out.elemBits, signed) ?? new Int32Array(last.out.elems).fill(-1));
    if (plan.output.stream === 'class') return { classes: beats.map((b) => b[0]!), scores: frames.map(() => null) };
    const r = frameResults(plan, beats);
    return { classes: r.predictions, scores: r.scores };
  }, () => proc.close());
  return { ...t, build: { built: b.built, seconds: b.seconds } };
}

/** Behavioural models of the iCE40 SPRAM and the SPI flash (rtl-templates/sim-models/), for a board with weights in SPRAM. */
export const SIM_MODELS = ['sb_spram256ka.v', 'spi_flash.v'];

/** The board top's wake-up wait in the harness: 4 µs at its 10 ns clock (the flash model's tRES1 is 3 µs). */
export const SIM_WAKE_CLKS = 400;

/** One byte per line, as $readmemh reads it. */
export function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('\n') + '\n';
}

/** Clocks per bit for simulating the board top: as few as the link allows. */
function simClksPerBit(plan: Plan): number {
  const lanes = plan.blocks[0]!.in.elems;
  return Math.max(4, Math.floor((2 * plan.ii.cycles) / (10 * lanes)) + 1);
}

export async function uartSimBuild(c: Compiled, o: BackendOptions): Promise<{ proc: LineProcess; build: { built: boolean; seconds: number } }> {
  const board = BOARDS[o.board ?? 'icebreaker'];
  // The board's own plan: on the iCEBreaker, engines whose weights need SPRAM boot from the flash model.
  return uartSimBuildPlan(boardPlan(c, board).plan, board, o);
}

/** The bit-level UART harness around the board top of a board plan (score-streaming, weight memories chosen). */
export async function uartSimBuildPlan(
  plan: Plan, board: BoardDef, o: { cacheDir?: string; flashImage?: (image: Uint8Array) => Uint8Array; wakeClks?: number },
): Promise<{ proc: LineProcess; build: { built: boolean; seconds: number } }> {
  const wake = o.wakeClks ?? SIM_WAKE_CLKS;
  const cpb = simClksPerBit(plan);
  const p = linkParams(plan, { clockHz: cpb, baud: 1, timeoutClocks: 20 * 10 * cpb });
  const { files: rtl, flash } = boardRtlFiles(plan, board, p, { wakeClks: wake });
  const files: Map<string, string> = new Map(rtl);
  files.delete('files.f');
  const timing = uartHarnessTiming(plan, p);
  if (flash) {
    for (const m of SIM_MODELS) files.set(`sim-models/${m}`, readFileSync(templatePath(`sim-models/${m}`), 'utf8'));
    // flashImage: what the flash holds instead (tests of a missing or foreign image).
    const image = o.flashImage ? o.flashImage(flash.image) : flash.image;
    files.set('flash.mem', hexBytes(image));
    files.set('tb_uart.v', uartHarness({ ...timing, boot: flashLoadClocks(flash, wake) }, { image: 'flash.mem', base: flash.offset, bytes: image.length, wakeClks: wake }));
  } else files.set('tb_uart.v', uartHarness(timing));
  const b = await verilateOnce(files, 'tb_uart', o);
  return { proc: new LineProcess(b.exe, b.dir), build: { built: b.built, seconds: b.seconds } };
}

/** Request bytes as the uart harness's commands ("g" = one byte time of idle line). */
export function uartCommands(request: Uint8Array): string {
  return Array.from(request, (b) => b.toString(16).padStart(2, '0')).join('\n') + '\n';
}

async function uartSim(c: Compiled, o: BackendOptions): Promise<Transport> {
  const { proc, build } = await uartSimBuild(c, o);
  return {
    async exchange(req) {
      proc.write(uartCommands(req) + '.\n');
      return Uint8Array.from((await proc.until('.')).map((l) => parseInt(l, 16)));
    },
    close: () => proc.close(),
    build,
  };
}

export async function openTransport(c: Compiled, backend: BackendName, o: BackendOptions): Promise<Transport> {
  switch (backend) {
    case 'golden':
      return golden(c);
    case 'sim':
      return tsSim(c);
    case 'verilator':
      return verilatorStream(c, o);
    case 'uart-sim':
      return uartSim(c, o);
    case 'uart':
      return openSerial(o.device ?? BOARDS[o.board ?? 'icebreaker'].serialDevice, o.baud ?? 115200, o.timeoutMs ?? 5000, frameLayout(c.plan));
  }
}
