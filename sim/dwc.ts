import type { DwcBlock } from '../src/blocks/dwc.js';
import { newStats, type Beat, type SimBlock } from './block.js';
import { Queue } from './queue.js';

/**
 * Twin of rtl-templates/dwc.v: its bit buffer of IN_W + OUT_W bits, LSB first, held as elements
 * (IN_W/elemBits in, OUT_W/elemBits out): whole elements move, so counting elements instead of
 * bits gives the same handshake.
 */
export class DwcSim implements SimBlock {
  readonly name: string;
  readonly stats = newStats();
  private readonly inW: number;
  private readonly outW: number;
  private readonly elems: Int32Array;
  /** The output beat: the buffer's first outW elements (a view, read before the next tick). */
  private readonly head: Int32Array;
  private count = 0;

  constructor(b: DwcBlock) {
    this.name = b.name;
    this.inW = b.in.elems;
    this.outW = b.out.elems;
    this.elems = new Int32Array(this.inW + this.outW);
    this.head = this.elems.subarray(0, this.outW);
  }
  outValid(): boolean {
    return this.count >= this.outW;
  }
  outData(): Beat {
    return this.head;
  }
  inReady(): boolean {
    return this.count <= this.outW;
  }
  tick(inFire: boolean, inData: Beat | undefined, outFire: boolean, outReady: boolean): void {
    if (outFire) this.elems.copyWithin(0, this.outW, this.count);
    if (inFire) this.elems.set(inData!, this.count - (outFire ? this.outW : 0));
    this.control(inFire, outFire, outReady);
  }
  /** The clock edge without the data: occupancy and counters (DwcQueue drives this alone). */
  control(inFire: boolean, outFire: boolean, outReady: boolean): void {
    if (inFire || outFire) this.stats.busy++;
    else if (this.count >= this.outW && !outReady) this.stats.stall++;
    else this.stats.idle++;
    this.count += (inFire ? this.inW : 0) - (outFire ? this.outW : 0);
  }
  horizon(): number {
    return Infinity;
  }
  skip(n: number, outReady: boolean): void {
    if (this.count >= this.outW && !outReady) this.stats.stall += n;
    else this.stats.idle += n;
  }
  queue(): DwcQueue {
    return new DwcQueue(this, this.inW, this.outW);
  }
}

/**
 * The converter between two segments of the event engine (sim/queue.ts): out_valid = count >=
 * OUT_W and in_ready = count <= OUT_W, count = inW · beats written - outW · beats read (elements).
 * The elements are kept as one stream in a ring: read m is elements [m·outW, (m+1)·outW) of it.
 */
export class DwcQueue extends Queue {
  /** in_ready bounds the elements written and not read by inW + outW. */
  private readonly ring: Int32Array;
  private readonly out: Int32Array;

  constructor(
    twin: DwcSim,
    private readonly inW: number,
    private readonly outW: number,
  ) {
    super(twin);
    this.ring = new Int32Array(inW + outW);
    this.out = new Int32Array(outW);
    this.start();
  }
  protected writesFor(m: number): number {
    return Math.ceil((this.outW * (m + 1)) / this.inW);
  }
  protected readsFor(j: number): number {
    return Math.ceil((this.inW * j) / this.outW) - 1;
  }
  head(): Beat {
    const L = this.ring.length;
    const at = (this.reads.length * this.outW) % L;
    for (let i = 0; i < this.outW; i++) this.out[i] = this.ring[(at + i) % L]!;
    return this.out;
  }
  protected store(j: number, beat: Beat): void {
    const L = this.ring.length;
    const at = (j * this.inW) % L;
    for (let i = 0; i < this.inW; i++) this.ring[(at + i) % L] = beat[i]!;
  }
}
