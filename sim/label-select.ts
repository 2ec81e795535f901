import type { LabelSelectBlock } from '../src/blocks/label-select.js';
import { isPacked, unpackBits } from './bits.js';
import { acceptIntoOutputRegister, newStats, skipOutputRegister, type Beat, type SimBlock } from './block.js';

/** Twin of rtl-templates/label_select.v: argmax over the real classes, lowest index wins a tie (highest with TIE_HIGH). */
export class LabelSelectSim implements SimBlock {
  readonly name: string;
  readonly stats = newStats();
  private readonly pe: number;
  private readonly nf: number;
  private readonly tieHigh: boolean;
  private readonly classes: number;
  private beat = 0;
  private bestVal = 0;
  private bestIdx = 0;
  valid = false;
  private readonly out = new Int32Array(1);
  /** A thresholded last layer's bits come packed (sim/bits.ts): unpacked here first. */
  private readonly lanes: Int32Array | undefined;

  constructor(b: LabelSelectBlock) {
    this.name = b.name;
    this.pe = b.params.PE;
    this.nf = b.params.NF;
    // Values arrive as numbers (signed sums already signed), so SIGNED needs no work here.
    this.tieHigh = b.params.TIE_HIGH === 1;
    this.classes = b.params.CLASSES;
    this.lanes = isPacked(b.in) ? new Int32Array(this.pe) : undefined;
  }
  outValid(): boolean {
    return this.valid;
  }
  outData(): Beat {
    return this.out;
  }
  inReady(outReady: boolean): boolean {
    return !this.valid || outReady;
  }
  tick(inFire: boolean, inData: Beat | undefined, _outFire: boolean, outReady: boolean): void {
    if (!acceptIntoOutputRegister(this, inFire, outReady)) return;
    const d = this.lanes ? unpackBits(inData!, this.pe, this.lanes) : inData!;
    let laneVal = d[0]!;
    let laneIdx = 0;
    const better = (a: number, b: number) => a > b || (this.tieHigh && a === b);
    const base = this.beat * this.pe;
    for (let i = 1; i < this.pe; i++)
      if (base + i < this.classes && better(d[i]!, laneVal)) {
        laneVal = d[i]!;
        laneIdx = i;
      }
    // Pad neurons (index >= classes) never win; a beat whose lane 0 is a pad holds only pads.
    if (this.beat === 0 || (base < this.classes && better(laneVal, this.bestVal))) {
      this.bestVal = laneVal;
      this.bestIdx = this.beat * this.pe + laneIdx;
    }
    const last = this.beat === this.nf - 1;
    this.valid = last;
    if (last) this.out[0] = this.bestIdx;
    this.beat = last ? 0 : this.beat + 1;
  }
  horizon(): number {
    return Infinity;
  }
  skip(n: number, outReady: boolean): void {
    skipOutputRegister(this, n, outReady);
  }
}
