import type { DwcBlock } from '../src/blocks/dwc.js';
import { isPacked, packBits, unpackBits, wordsFor } from './bits.js';
import { copyBeat, copyWithinBeat, newStats, type Beat, type SimBlock } from './block.js';
import { Queue } from './queue.js';

/**
 * Twin of rtl-templates/dwc.v: its bit buffer of IN_W + OUT_W bits, LSB first, held as elements
 * (IN_W/elemBits in, OUT_W/elemBits out): whole elements move, so counting elements instead of
 * bits gives the same handshake. Beats of 1-bit elements come and go packed (sim/bits.ts): the
 * buffer holds their elements, unpacked on the way in and packed on the way out.
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
  /** For packed beats: the output beat's words, and an input beat's elements. */
  private readonly words: Int32Array | undefined;
  private readonly unpacked: Int32Array | undefined;

  constructor(b: DwcBlock) {
    this.name = b.name;
    this.inW = b.in.elems;
    this.outW = b.out.elems;
    this.elems = new Int32Array(this.inW + this.outW);
    this.head = this.elems.subarray(0, this.outW);
    const packed = isPacked(b.in);
    this.words = packed ? new Int32Array(wordsFor(this.outW)) : undefined;
    this.unpacked = packed ? new Int32Array(this.inW) : undefined;
  }
  outValid(): boolean {
    return this.count >= this.outW;
  }
  outData(): Beat {
    return this.words ? packBits(this.head, this.words) : this.head;
  }
  inReady(): boolean {
    return this.count <= this.outW;
  }
  tick(inFire: boolean, inData: Beat | undefined, outFire: boolean, outReady: boolean): void {
    if (outFire) this.elems.copyWithin(0, this.outW, this.count);
    if (inFire) this.elems.set(this.unpacked ? unpackBits(inData!, this.inW, this.unpacked) : inData!, this.count - (outFire ? this.outW : 0));
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
    return new DwcQueue(this, this.inW, this.outW, this.words !== undefined);
  }
}

/**
 * The converter between two segments of the event engine (sim/queue.ts): out_valid = count >=
 * OUT_W and in_ready = count <= OUT_W, count = inW · beats written - outW · beats read (elements).
 * The elements are kept as one stream in a ring: read m is elements [m·outW, (m+1)·outW) of it
 * (packed beats unpacked into it, and packed out of it).
 */
export class DwcQueue extends Queue {
  /** in_ready bounds the elements written and not read by inW + outW: the ring's length L. */
  private readonly L: number;
  /** The ring, then the output beat after it (one array: a read is one or two copies within it). */
  private readonly ring: Int32Array;
  private readonly out: Int32Array;
  /** For packed beats: the output beat's words. */
  private readonly words: Int32Array | undefined;

  constructor(
    twin: DwcSim,
    private readonly inW: number,
    private readonly outW: number,
    packed: boolean,
  ) {
    super(twin);
    this.L = inW + outW;
    this.ring = new Int32Array(this.L + outW);
    this.out = this.ring.subarray(this.L);
    this.words = packed ? new Int32Array(wordsFor(outW)) : undefined;
    this.start();
  }
  protected writesFor(m: number): number {
    return Math.ceil((this.outW * (m + 1)) / this.inW);
  }
  protected readsFor(j: number): number {
    return Math.ceil((this.inW * j) / this.outW) - 1;
  }
  /** Where the next read and the next write start in the ring (m·outW and j·inW mod L, kept). */
  private rAt = 0;
  private wAt = 0;
  head(): Beat {
    const { L, outW, ring, rAt } = this;
    const first = Math.min(outW, L - rAt);
    copyWithinBeat(ring, L, rAt, first);
    if (first < outW) copyWithinBeat(ring, L + first, 0, outW - first);
    return this.words ? packBits(this.out, this.words) : this.out;
  }
  override take(c: number): void {
    super.take(c);
    this.rAt += this.outW;
    if (this.rAt >= this.L) this.rAt -= this.L;
  }
  protected store(beat: Beat): void {
    const { L, inW, ring, wAt } = this;
    if (this.words) for (let i = 0, j = wAt; i < inW; i++, j = j + 1 === L ? 0 : j + 1) ring[j] = (beat[i >>> 5]! >>> (i & 31)) & 1;
    else if (wAt + inW <= L) copyBeat(ring, wAt, beat);
    else for (let i = 0; i < inW; i++) ring[(wAt + i) % L] = beat[i]!;
    this.wAt = wAt + inW >= L ? wAt + inW - L : wAt + inW;
  }
}
