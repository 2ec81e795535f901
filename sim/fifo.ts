import type { FifoBlock } from '../src/blocks/fifo.js';
import { newStats, type Beat, type SimBlock } from './block.js';

/** Twin of rtl-templates/fifo.v. */
export class FifoSim implements SimBlock {
  readonly name: string;
  readonly stats = newStats();
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
    const depth = this.slots.length;
    if (inFire || outFire) this.stats.busy++;
    else if (this.count !== 0 && !outReady) this.stats.stall++;
    else this.stats.idle++;
    if (outFire) this.rd = this.rd === depth - 1 ? 0 : this.rd + 1;
    if (inFire) {
      this.slots[this.wr] = inData!;
      this.wr = this.wr === depth - 1 ? 0 : this.wr + 1;
    }
    this.count += (inFire ? 1 : 0) - (outFire ? 1 : 0);
    if (this.count > this.maxCount) this.maxCount = this.count;
  }
  horizon(): number {
    return Infinity;
  }
  skip(n: number, outReady: boolean): void {
    if (this.count !== 0 && !outReady) this.stats.stall += n;
    else this.stats.idle += n;
  }
}
