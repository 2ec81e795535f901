import type { SwgBlock } from '../src/blocks/swg.js';
import { swgRows } from '../src/blocks/swg.js';
import { beatLength, isPacked, packBits } from './bits.js';
import { copyBeat, copyWithinBeat, newStats, type Beat, type SimBlock } from './block.js';

/** Ring slots up to which a twin keeps a view of each (a view is an object: about 100 bytes). */
const VIEW_SLOTS = 16384;

/** Twin of rtl-templates/swg.v: the same ring of rows, the same release rule, cycle for cycle. */
export class SwgSim implements SimBlock {
  readonly name: string;
  readonly stats = newStats();
  private readonly p: SwgBlock['params'];
  private readonly R: number;
  private readonly row: number;
  private readonly cbN: number;
  /** Entries per beat: SIMD elements, or their packed words (1-bit elements, sim/bits.ts). */
  private readonly simd: number;
  /** The ring of rows, one beat per slot (copied in: a beat is only valid in its cycle). */
  private readonly mem: Int32Array;
  private readonly pad: Beat;
  private waddr = 0;
  private wpos = 0;
  private filled = 0;
  private oy = 0;
  private ox = 0;
  private ky = 0;
  private kx = 0;
  private cb = 0;
  private baseRow = 0;
  private bslot = 0;
  private valid = false;
  /** The output register: its own copy, the pad, or a view of the ring slot it was read from (out). */
  private readonly data: Beat;
  private out: Beat;
  /** Views of the ring's slots, made as first read; none for rings of more slots than VIEW_SLOTS. */
  private readonly views: Array<Beat | undefined> | undefined;
  private readonly dataAt: number;
  /** For the current beat (set by want() whenever the position moves): rows it needs held,
   * rows it releases, and whether it ends a row or the frame. */
  private need = 0;
  private release = 0;
  private rowEnd = false;
  private frameEnd = false;

  constructor(b: SwgBlock) {
    this.name = b.name;
    this.p = b.params;
    this.R = swgRows(this.p.K, this.p.S);
    this.cbN = this.p.C / this.p.SIMD;
    this.row = this.p.W * this.cbN;
    this.simd = beatLength(b.in);
    // the output register sits past the ring in the same array, so a read is one copyWithin
    this.dataAt = this.R * this.row * this.simd;
    this.mem = new Int32Array(this.dataAt + this.simd);
    // PAD is one element's bit pattern: a packed beat of pads is PAD in each element's bit
    this.pad = isPacked(b.in) ? packBits(new Int32Array(this.p.SIMD).fill(this.p.PAD)) : new Int32Array(this.p.SIMD).fill(this.p.PAD);
    this.data = this.mem.subarray(this.dataAt);
    this.data.set(this.pad);
    this.out = this.data;
    const slots = this.R * this.row;
    this.views = slots <= VIEW_SLOTS ? new Array<Beat | undefined>(slots) : undefined;
    this.rowStart();
    this.want();
  }

  outValid(): boolean {
    return this.valid;
  }
  outData(): Beat {
    return this.out;
  }
  inReady(): boolean {
    return this.filled !== this.R;
  }

  /** A quiet cycle either steps the reader (its output changes) or changes nothing but the counters. */
  horizon(outReady: boolean): number {
    return (!this.valid || outReady) && this.filled >= this.need ? 1 : Infinity;
  }
  skip(n: number, outReady: boolean): void {
    if (this.horizon(outReady) === 1) {
      for (let k = 0; k < n; k++) this.tick(false, undefined, false, outReady);
      return;
    }
    if (this.valid && !outReady) this.stats.stall += n;
    else this.stats.idle += n;
  }

  /** What the current beat needs and releases, as the template computes it. */
  private want(): void {
    const p = this.p;
    this.rowEnd = this.cb === this.cbN - 1 && this.kx === p.K - 1 && this.ky === p.K - 1 && this.ox === p.OW - 1;
    if (!this.rowEnd) {
      // within an output row only the row's own need holds (set by rowStart)
      this.frameEnd = false;
      this.release = 0;
      this.need = this.rowNeed;
      return;
    }
    this.frameEnd = this.oy === p.OH - 1;
    const iy0 = this.oy * p.S - p.P;
    this.release = this.frameEnd ? p.H - this.baseRow : Math.max(0, iy0 + p.S) - this.baseRow;
    this.need = Math.max(this.rowNeed, this.release);
  }
  /** The rows an output row needs held (once per output row: want() runs every beat). */
  private rowStart(): void {
    const p = this.p;
    this.rowNeed = Math.max(0, Math.min(this.oy * p.S - p.P + p.K, p.H) - this.baseRow);
  }
  private rowNeed = 0;

  tick(inFire: boolean, inData: Beat | undefined, _outFire: boolean, outReady: boolean): void {
    const p = this.p;
    const en = !this.valid || outReady;
    const step = en && this.filled >= this.need;
    if (step) this.stats.busy++;
    else if (!en) this.stats.stall++;
    else this.stats.idle++;
    // reader (reads before the writer's edge, like the template's combinational read)
    if (step) {
      const iy = this.oy * p.S - p.P + this.ky;
      const ix = this.ox * p.S - p.P + this.kx;
      if (iy >= 0 && iy < p.H && ix >= 0 && ix < p.W) {
        // the rows held are fewer than R, so the ring wraps at most once
        let slot = this.bslot + iy - this.baseRow;
        if (slot >= this.R) slot -= this.R;
        const beat = slot * this.row + ix * this.cbN + this.cb;
        const at = beat * this.simd;
        // A beat of a held row stays in the ring until it is handed over (its row is released
        // at a row end, which comes after): the register may be a view of its slot. The beat
        // that ends a row releases rows the writer may then fill under it: that one is copied.
        if (this.views && !this.rowEnd) this.out = this.views[beat] ??= this.mem.subarray(at, at + this.simd);
        else {
          copyWithinBeat(this.mem, this.dataAt, at, this.simd);
          this.out = this.data;
        }
      } else this.out = this.pad;
    }
    let rowDone = false;
    if (inFire) {
      copyBeat(this.mem, this.waddr * this.simd, inData!);
      this.waddr = this.waddr === this.R * this.row - 1 ? 0 : this.waddr + 1;
      rowDone = this.wpos === this.row - 1;
      this.wpos = rowDone ? 0 : this.wpos + 1;
    }
    this.filled += (rowDone ? 1 : 0) - (step && this.rowEnd ? this.release : 0);
    if (en) this.valid = step;
    if (!step) return;
    this.nextPosition();
    this.want();
  }

  /** The reader's counters, innermost first: channel block, kx, ky, ox, oy (releasing rows). */
  private nextPosition(): void {
    const p = this.p;
    if (this.cb !== this.cbN - 1) {
      this.cb++;
      return;
    }
    this.cb = 0;
    if (this.kx !== p.K - 1) {
      this.kx++;
      return;
    }
    this.kx = 0;
    if (this.ky !== p.K - 1) {
      this.ky++;
      return;
    }
    this.ky = 0;
    if (this.ox !== p.OW - 1) {
      this.ox++;
      return;
    }
    this.ox = 0;
    this.baseRow = this.frameEnd ? 0 : this.baseRow + this.release;
    this.bslot = (this.bslot + this.release) % this.R;
    this.oy = this.oy === p.OH - 1 ? 0 : this.oy + 1;
    this.rowStart();
  }
}
