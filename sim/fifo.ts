import type { FifoBlock } from '../src/blocks/fifo.js';
import { copyBeat, newStats, type Beat, type SimBlock } from './block.js';
import { Queue } from './queue.js';

/** Twin of rtl-templates/fifo.v. */
export class FifoSim implements SimBlock {
  readonly name: string;
  readonly stats = newStats();
  /** Copies of the beats held (a beat handed over is only valid in its cycle). */
  private readonly slots: Beat[];
  private rd = 0;
  private wr = 0;
  private count = 0;
  /** Largest occupancy seen: tells whether the depth was ever needed. */
  private maxCount = 0;

  maxOccupancy(): number {
    return this.maxCount;
  }

  constructor(b: FifoBlock) {
    this.name = b.name;
    this.slots = new Array<Beat>(b.params.DEPTH);
  }
  get depth(): number {
    return this.slots.length;
  }

  outValid(): boolean {
    return this.count !== 0;
  }
  outData(): Beat {
    return this.slots[this.rd]!;
  }
  inReady(): boolean {
    return this.count !== this.slots.length;
  }
  tick(inFire: boolean, inData: Beat | undefined, outFire: boolean, outReady: boolean): void {
    if (inFire) (this.slots[this.wr] ??= new Int32Array(inData!.length)).set(inData!);
    this.control(inFire, outFire, outReady);
  }
  /** The clock edge without the data: pointers, occupancy and counters (FifoQueue drives this alone). */
  control(inFire: boolean, outFire: boolean, outReady: boolean): void {
    const depth = this.slots.length;
    if (inFire || outFire) this.stats.busy++;
    else if (this.count !== 0 && !outReady) this.stats.stall++;
    else this.stats.idle++;
    if (outFire) this.rd = this.rd === depth - 1 ? 0 : this.rd + 1;
    if (inFire) this.wr = this.wr === depth - 1 ? 0 : this.wr + 1;
    this.count += (inFire ? 1 : 0) - (outFire ? 1 : 0);
    if (this.count > this.maxCount) this.maxCount = this.count;
  }
  skip(n: number, outReady: boolean): void {
    if (this.count !== 0 && !outReady) this.stats.stall += n;
    else this.stats.idle += n;
  }
  queue(): FifoQueue {
    return new FifoQueue(this);
  }
}

/**
 * The FIFO between two segments of the event engine (sim/queue.ts): out_valid = count != 0 and
 * in_ready = count != DEPTH, count = beats written - beats read; the beats are copies in a ring
 * (beat j in slot j mod DEPTH).
 */
export class FifoQueue extends Queue {
  /** Beat j's copy, in ring[j % depth]: at most depth beats are written and not read. */
  private readonly ring: Int32Array[] = [];
  private readonly depth: number;

  constructor(twin: FifoSim) {
    super(twin);
    this.depth = twin.depth;
    this.start();
  }
  protected writesFor(m: number): number {
    return m + 1;
  }
  protected readsFor(j: number): number {
    return j - this.depth + 1;
  }
  /** Ring slots of the next read and the next write (kept, not taken modulo the depth per beat). */
  private rd = 0;
  private wr = 0;
  head(): Beat {
    return this.ring[this.rd]!;
  }
  override take(c: number): void {
    super.take(c);
    this.rd = this.rd === this.depth - 1 ? 0 : this.rd + 1;
  }
  protected store(beat: Beat): void {
    copyBeat((this.ring[this.wr] ??= new Int32Array(beat.length)), 0, beat);
    this.wr = this.wr === this.depth - 1 ? 0 : this.wr + 1;
  }
}
