import type { Beat, SimBlock } from './block.js';
import { NEVER, type Downstream, type Upstream } from './event-ports.js';

/** A growing list of cycles (int32: sim/event-ports.ts, NEVER), indexed from the start of the run, whose old entries can be dropped. */
export class Cycles {
  /** The entries, a[i - base] for index i (read directly by Queue.settle's loop). */
  a = new Int32Array(64);
  /** Index (from the start of the run) of a[0]. */
  base = 0;
  length = 0;
  at(i: number): number {
    return this.a[i - this.base]!;
  }
  push(c: number): void {
    const i = this.length - this.base;
    if (i === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[i] = c;
    this.length++;
  }
  /** Entries below index i are not needed any more. */
  dropBelow(i: number): void {
    const d = i - this.base;
    if (d < 4096 || d * 2 < this.length - this.base) return;
    this.a.copyWithin(0, d, this.length - this.base);
    this.base = i;
  }
}

/** The part of a buffer twin (fifo, dwc) that a Queue clocks: its control, without the data. */
export interface BufferTwin {
  control(inFire: boolean, outFire: boolean, outReady: boolean): void;
  skip(n: number, outReady: boolean): void;
}

/**
 * A buffer block between two segments of the event engine (sim/event-segment.ts), seen through
 * the cycles its beats were written and read. The buffers that cut a plan into segments (fifo.v,
 * dwc.v) have registered outputs that depend on their occupancy alone, and the occupancy in cycle
 * c is a function of the number of beats written and read before c. So whether the reader may
 * take its next beat in cycle c is known once the write it waits for is known to be before c (or
 * the writer has passed c without it), and likewise for the writer: whichever segment is further
 * on in time, the other reads the answer off these lists. The subclass (in the twin's file) says
 * how many writes a read needs and how many reads a write needs, and holds the data.
 *
 * The twin itself (occupancy, counters, maximum occupancy) is clocked afterwards, in cycle order,
 * through the cycles both sides have passed (`settle`): control() at the cycles a beat moved,
 * skip() in between. In those quiet cycles a buffer with a beat to give was not read, so its
 * reader was not ready: skip's outReady is false, as the per-cycle engine's would be.
 */
export abstract class Queue implements Upstream, Downstream {
  /** The segments on either side (set once the segments are built): their clocks. */
  writer: { c: number } = { c: 0 };
  reader: { c: number } = { c: 0 };
  protected readonly writes = new Cycles();
  protected readonly reads = new Cycles();
  /** writesFor(reads.length) and readsFor(writes.length): what the next read and write wait for. */
  private wNeed = 0;
  private rNeed = 0;
  /** Settled so far: the twin's state is that at the start of cycle `settled`. */
  private settled = 0;
  private sw = 0;
  private sr = 0;

  constructor(private readonly twin: BufferTwin) {}

  /** How many beats must have been written before read m (0-based) can happen. */
  protected abstract writesFor(m: number): number;
  /** How many beats must have been read before write j (0-based) can happen. */
  protected abstract readsFor(j: number): number;
  abstract head(): Beat;
  /** Keep the next write's data (writes come in order: a subclass keeps its own ring position). */
  protected abstract store(beat: Beat): void;

  /** For the subclass constructor, once writesFor/readsFor can be called. */
  protected start(): void {
    this.wNeed = this.writesFor(0);
    this.rNeed = this.readsFor(0);
  }

  validAt(c: number): number {
    const w = this.wNeed;
    const ws = this.writes;
    if (w <= ws.length) return ws.a[w - 1 - ws.base]! < c ? 1 : 0;
    return this.writer.c >= c ? 0 : -1;
  }
  nextValid(): number {
    const w = this.wNeed;
    return w <= this.writes.length ? this.writes.at(w - 1) + 1 : this.writer.c + 1;
  }
  offered(c: number, max: number): number {
    const { writes } = this;
    const m0 = this.reads.length;
    let i = 1;
    for (; i < max; i++) {
      const w = this.writesFor(m0 + i);
      if (w > writes.length || writes.at(w - 1) >= c + i) break;
    }
    return i;
  }
  take(c: number): void {
    this.reads.push(c);
    this.wNeed = this.writesFor(this.reads.length);
  }

  readyAt(c: number): number {
    const r = this.rNeed;
    if (r <= 0) return 1;
    const rs = this.reads;
    if (r <= rs.length) return rs.a[r - 1 - rs.base]! < c ? 1 : 0;
    return this.reader.c >= c ? 0 : -1;
  }
  nextReady(): number {
    const r = this.rNeed;
    return r <= this.reads.length ? this.reads.at(r - 1) + 1 : this.reader.c + 1;
  }
  put(c: number, beat: Beat): void {
    this.store(beat);
    this.writes.push(c);
    this.rNeed = this.readsFor(this.writes.length);
  }

  /** Clock the twin through the cycles before `to` (both sides must have passed them). */
  settle(to: number): void {
    const tw = this.twin;
    const { writes, reads } = this;
    // the merge of the two lists in cycle order, on locals (once per beat of every buffer)
    const wa = writes.a, wb = writes.base, wn = writes.length;
    const ra = reads.a, rb = reads.base, rn = reads.length;
    let sw = this.sw, sr = this.sr, settled = this.settled;
    for (;;) {
      const w = sw < wn ? wa[sw - wb]! : NEVER;
      const r = sr < rn ? ra[sr - rb]! : NEVER;
      const e = w < r ? w : r;
      if (e >= to) break;
      if (e > settled) tw.skip(e - settled, false);
      tw.control(w === e, r === e, r === e);
      settled = e + 1;
      if (w === e) sw++;
      if (r === e) sr++;
    }
    if (to > settled) {
      tw.skip(to - settled, false);
      settled = to;
    }
    this.sw = sw;
    this.sr = sr;
    this.settled = settled;
    // what is still needed: writes from the reader's next on, reads from the writer's next on
    writes.dropBelow(Math.min(this.sw, Math.max(0, this.wNeed - 1)));
    reads.dropBelow(Math.min(this.sr, Math.max(0, this.rNeed - 1)));
  }
}

/**
 * Buffers whose outputs depend on their occupancy alone (fifo, dwc): the event engine cuts the
 * plan at them and simulates the two sides apart, through their queue view. Declared here, not
 * on SimBlock, so that block.ts does not import the engine's types (no import circle).
 */
export interface QueuedBlock extends SimBlock {
  queue(): Queue;
}

export function hasQueue(b: SimBlock): b is QueuedBlock {
  return typeof (b as Partial<QueuedBlock>).queue === 'function';
}
