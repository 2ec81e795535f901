import type { SimBlock } from './block.js';
import { Wait, type Clock, type Downstream, type EngineCounts, type Recorder, type Stage, type Upstream } from './event-ports.js';

/**
 * A segment of the event engine made of combinational blocks only, or of none (two buffers back
 * to back, e.g. a width converter feeding a FIFO): a beat passes in every cycle in which the
 * upstream offers one and the downstream is ready, mapped by each block on the way; the blocks
 * only count cycles, brought forward by skip. The segments with a clocked block are
 * sim/event-segment.ts's.
 */
export class PassSegment implements Stage {
  c = 0;
  reached = 0;
  blocked = Wait.None;
  /** The cycle each block has been counted to. */
  private readonly t: Int32Array;
  /** Channels (local numbering: 0 the input, k + 1 block k's output) whose beats are recorded. */
  private readonly recorded: Uint8Array;

  constructor(
    /** Plan index of the first block; channel first + k + 1 is block k's output. */
    private readonly first: number,
    private readonly blocks: SimBlock[],
    private readonly up: Upstream,
    private readonly down: Downstream,
    private readonly clock: Clock,
    private readonly rec: Recorder,
    private readonly counts: EngineCounts,
  ) {
    this.t = new Int32Array(blocks.length);
    this.recorded = Uint8Array.from({ length: blocks.length + 1 }, (_, k) => (rec.wants(first + k) ? 1 : 0));
  }

  run(): boolean {
    const start = this.c;
    this.blocked = Wait.None;
    const { blocks, t, up, down, clock, rec, first, recorded } = this;
    const n = blocks.length;
    let c = this.c;
    while (c < clock.limit) {
      const v = up.validAt(c);
      const r = v === 0 ? 0 : down.readyAt(c);
      if (v === 1 && r === 1) {
        let d = up.head();
        if (recorded[0]) rec.beat(first, c, d);
        for (let k = 0; k < n; k++) {
          const b = blocks[k]!;
          b.skip!(c - t[k]!, true);
          b.tick(true, d, true, true);
          t[k] = c + 1;
          d = b.map!(d);
          if (recorded[k + 1]) rec.beat(first + k + 1, c, d);
        }
        down.put(c, d);
        up.take(c);
        if (c + 1 > this.reached) this.reached = c + 1;
        this.counts.passed++;
        c++;
        continue;
      }
      // nothing passes this cycle: wait for an offer, then for the downstream to be ready
      if (v === 0) c = up.nextValid(c);
      else if (r === 0) c = down.nextReady(c);
      else {
        this.blocked = v < 0 ? Wait.Up : Wait.Down;
        break;
      }
      if (c > clock.limit) c = clock.limit;
    }
    this.c = c;
    return c !== start;
  }

  finish(to: number): void {
    const { blocks, t } = this;
    for (let k = 0; k < blocks.length; k++) {
      if (to <= t[k]!) continue;
      blocks[k]!.skip!(to - t[k]!, true);
      t[k] = to;
      if (to > this.reached) this.reached = to;
    }
  }
}
