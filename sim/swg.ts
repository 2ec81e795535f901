import type { SwgBlock } from '../src/blocks/swg.js';
import { swgRows } from '../src/blocks/swg.js';
import { copyWithinBeat, newStats, type Beat, type SimBlock } from './block.js';

/** Twin of rtl-templates/swg.v: the same ring of rows, the same release rule, cycle for cycle. */
export class SwgSim implements SimBlock {
  readonly name: string;
  readonly stats = newStats();
  private readonly p: SwgBlock['params'];
  private readonly R: number;
  private readonly row: number;
  private readonly cbN: number;
  private readonly simd: number;
  /** The ring of rows, one SIMD-wide beat per slot (copied in: a beat is only valid in its cycle). */
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
  private readonly data: Beat;
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
    this.simd = this.p.SIMD;
    // the output register sits past the ring in the same array, so a read is one copyWithin
    this.dataAt = this.R * this.row * this.simd;
    this.mem = new Int32Array(this.dataAt + this.simd);
    this.pad = new Int32Array(this.p.SIMD).fill(this.p.PAD);
    this.data = this.mem.subarray(this.dataAt);
    this.data.set(this.pad);
    this.want();
  }

  outValid(): boolean {
    return this.valid;
  }
  outData(): Beat {
    return this.data;
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
    const iy0 = this.oy * p.S - p.P;
    const need = Math.min(iy0 + p.K, p.H) - this.baseRow;
    const lastK = this.kx === p.K - 1 && this.ky === p.K - 1 && this.cb === this.cbN - 1;
    this.rowEnd = lastK && this.ox === p.OW - 1;
    this.frameEnd = this.rowEnd && this.oy === p.OH - 1;
    this.release = this.frameEnd ? p.H - this.baseRow : this.rowEnd ? Math.max(0, iy0 + p.S) - this.baseRow : 0;
    this.need = Math.max(need, this.release);
  }

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
        const slot = (this.bslot + iy - this.baseRow) % this.R;
        const at = (slot * this.row + ix * this.cbN + this.cb) * this.simd;
        copyWithinBeat(this.mem, this.dataAt, at, this.simd);
      } else this.data.set(this.pad);
    }
    let rowDone = false;
    if (inFire) {
      this.mem.set(inData!, this.waddr * this.simd);
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
  }
}
