import { BnnError } from '../errors.js';
import { inAxisBits, outAxisBits } from '../emit/top-verilog.js';
import type { Plan } from '../plan/types.js';
import { frameLayout } from '../host/protocol.js';

/** Parameters of bnn_uart_link (rtl-templates/uart_link.v) for a plan on a clock and baud rate. */
export interface LinkParams {
  CLKS_PER_BIT: number;
  FRAME_BYTES: number;
  LANES: number;
  ELEM_BITS: number;
  IN_W: number;
  OUT_W: number;
  TIMEOUT: number;
  /** The score stream (plan.output.values): PE values of VAL_W bits per beat, NF beats, CLASSES real ones. */
  PE: number;
  NF: number;
  VAL_W: number;
  CLASSES: number;
  SCORE_BYTES: number;
  SIGNED: 0 | 1;
}

/** Clocks of silence inside a frame after which the board gives up on it. */
export const TIMEOUT_MS = 100;

export function linkParams(plan: Plan, o: { clockHz: number; baud: number; timeoutClocks?: number }): LinkParams {
  const clks = Math.round(o.clockHz / o.baud);
  if (clks < 4)
    throw new BnnError({ code: 'USAGE', message: 'baud rate too high for the clock', field: '--baud', expected: `at most ${Math.floor(o.clockHz / 4)} (4 clocks per bit)`, got: String(o.baud) });
  const first = plan.blocks[0]!.in;
  if (plan.input.rawBits > 8)
    throw new BnnError({ code: 'MODEL_INVALID', message: 'the UART protocol carries one byte per input element', file: plan.source.model, field: 'input.rawBits', expected: 'at most 8', got: String(plan.input.rawBits) });
  if (plan.input.elements > 0xffff)
    throw new BnnError({ code: 'MODEL_INVALID', message: 'the frame length field is 16 bits', file: plan.source.model, field: 'input.shape', expected: 'at most 65535 elements', got: String(plan.input.elements) });
  if (plan.output.classes > 255)
    throw new BnnError({ code: 'MODEL_INVALID', message: 'the response carries the class and the score count in one byte each', file: plan.source.model, field: 'output classes', expected: 'at most 255', got: String(plan.output.classes) });
  // The status queue drains only if a response takes no longer on the line than a request.
  const responseBytes = 4 + plan.output.classes * frameLayout(plan).scoreBytes;
  if (responseBytes > plan.input.elements + 5)
    throw new BnnError({ code: 'MODEL_INVALID', message: 'a response (class and scores) would be longer than a request, so back-to-back frames would overrun the link', file: plan.source.model, field: 'output classes', expected: `at most ${plan.input.elements + 5} response bytes`, got: `${responseBytes}` });
  // The link holds one assembled beat; the next one completes LANES byte times later, so the
  // accelerator must take a beat within that (it takes one at least every II cycles).
  const beatClocks = first.elems * 10 * clks;
  if (beatClocks <= 2 * plan.ii.cycles)
    throw new BnnError({ code: 'USAGE', message: 'the UART delivers input beats faster than the accelerator may take them', field: '--baud', expected: `a beat (${first.elems} bytes) slower than 2 × II = ${2 * plan.ii.cycles} clocks`, got: `${beatClocks} clocks at ${o.baud} baud` });
  const v = plan.output.values;
  return {
    CLKS_PER_BIT: clks,
    FRAME_BYTES: plan.input.elements,
    LANES: first.elems,
    ELEM_BITS: plan.input.rawBits,
    IN_W: inAxisBits(plan),
    OUT_W: outAxisBits(plan),
    TIMEOUT: o.timeoutClocks ?? Math.round((o.clockHz * TIMEOUT_MS) / 1000),
    PE: v.perBeat,
    NF: v.beatsPerFrame,
    VAL_W: v.bits,
    CLASSES: plan.output.classes,
    SCORE_BYTES: frameLayout(plan).scoreBytes,
    SIGNED: v.signed ? 1 : 0,
  };
}
