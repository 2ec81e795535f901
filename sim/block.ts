/**
 * The contract every simulator twin follows, mirroring the RTL handshake:
 * - `outValid()`/`outData()` depend on registered state only (as m_axis_tvalid/tdata do);
 * - `inReady(outReady)` may depend combinationally on the downstream ready (as s_axis_tready);
 * - `tick(...)` is the clock edge, given what fired on both sides this cycle.
 * A beat (outData(), map(), or the inData a tick gets) is only valid in the cycle it is handed
 * over: a twin may overwrite its output beat in its next tick, so a consumer copies what it keeps,
 * and the engines tick consumers before producers.
 * A combinational block (a kit with `clocked: false`, src/blocks/kit.ts; see `twinsFor`) has no
 * state: valid and ready pass through, data is mapped.
 */

/** A beat's elements, or on a 1-bit channel its packed words (sim/bits.ts: element e is bit e & 31 of word e >> 5). */
export type Beat = Int32Array;

export interface BlockStats {
  /** Cycles doing work (an engine issuing a fold step, a buffer moving a beat). */
  busy: number;
  /** Cycles frozen or blocked by the downstream (backpressure). */
  stall: number;
  /** Cycles waiting for input with nothing to do. */
  idle: number;
}

export interface SimBlock {
  readonly name: string;
  readonly stats: BlockStats;
  outValid(): boolean;
  outData(): Beat;
  inReady(outReady: boolean): boolean;
  tick(inFire: boolean, inData: Beat | undefined, outFire: boolean, outReady: boolean): void;
  /** For combinational blocks only: map an input beat to the output beat. */
  map?(inData: Beat): Beat;
  /** For buffers: the most beats held at once so far. */
  maxOccupancy?(): number;
  /**
   * For the event engine (sim/event-engine.ts, docs/simulator.md). A quiet cycle is one in which
   * neither of the block's channels fires and its downstream ready is `outReady`. `horizon`: the
   * number d >= 1 of quiet cycles after which outValid()/inReady(outReady) may first differ from
   * their present values (Infinity: never). `skip(n)`, n <= horizon: the effect of n quiet ticks.
   * A twin without them is ticked every cycle its neighbours are active (horizon 1).
   */
  horizon?(outReady: boolean): number;
  skip?(n: number, outReady: boolean): void;
  /**
   * For the event engine, called when the output is not valid and the block takes a beat this
   * cycle: how many beats in a row (this one first, one a cycle, handing none over) it takes
   * before its output may become valid or it may stop taking them. 1 if it does not say.
   */
  intake?(): number;
}

/**
 * Copies of a beat: the builtin (`set`, `copyWithin`) is a call with a fixed cost that beats an
 * element loop from about 8 elements on (measured on Node 20: 40 ns → 16 ns for 32 elements, but
 * 4 ns → 17 ns for 3); the twins' beats are both narrow and wide.
 */
const BUILTIN_COPY_FROM = 8;
/** dst[at ..] = src. */
export function copyBeat(dst: Int32Array, at: number, src: Int32Array): void {
  const n = src.length;
  if (n >= BUILTIN_COPY_FROM) dst.set(src, at);
  else for (let i = 0; i < n; i++) dst[at + i] = src[i]!;
}
/** a[to .. to + n) = a[from .. from + n) (the ranges do not overlap). */
export function copyWithinBeat(a: Int32Array, to: number, from: number, n: number): void {
  if (n >= BUILTIN_COPY_FROM) a.copyWithin(to, from, from + n);
  else for (let i = 0; i < n; i++) a[to + i] = a[from + i]!;
}

export function newStats(): BlockStats {
  return { busy: 0, stall: 0, idle: 0 };
}

/**
 * The handshake of the templates that accept an input beat exactly when their output register
 * can take a result (s_tready = !m_tvalid || m_tready): label_select and pool. Counts the cycle
 * and returns whether this cycle's input beat is consumed; on an idle cycle the register empties.
 */
/** n quiet cycles of acceptIntoOutputRegister: a full register stalls, an empty one idles. */
export function skipOutputRegister(b: { valid: boolean; stats: BlockStats }, n: number, outReady: boolean): void {
  if (b.valid && !outReady) b.stats.stall += n;
  else {
    b.stats.idle += n;
    b.valid = false;
  }
}

export function acceptIntoOutputRegister(b: { valid: boolean; stats: BlockStats }, inFire: boolean, outReady: boolean): boolean {
  if (b.valid && !outReady) {
    b.stats.stall++;
    return false;
  }
  if (!inFire) {
    b.stats.idle++;
    b.valid = false;
    return false;
  }
  b.stats.busy++;
  return true;
}
