import type { DwcBlock } from '../src/blocks/dwc.js';
import { newStats, type Beat, type SimBlock } from './block.js';

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
  private count = 0;

  constructor(b: DwcBlock) {
    this.name = b.name;
    this.inW = b.in.elems;
    this.outW = b.out.elems;
    this.elems = new Int32Array(this.inW + this.outW);
  }
  outValid(): boolean {
    return this.count >= this.outW;
  }
  outData(): Beat {
    return this.elems.slice(0, this.outW);
  }
  inReady(): boolean {
    return this.count <= this.outW;
  }
  tick(inFire: boolean, inData: Beat | undefined, outFire: boolean, outReady: boolean): void {
    if (inFire || outFire) this.stats.busy++;
    else if (this.count >= this.outW && !outReady) this.stats.stall++;
    else this.stats.idle++;
    if (outFire) {
      this.elems.copyWithin(0, this.outW, this.count);
      this.count -= this.outW;
    }
    if (inFire) {
      this.elems.set(inData!, this.count);
      this.count += this.inW;
    }
  }
  horizon(): number {
    return Infinity;
  }
  skip(n: number, outReady: boolean): void {
    if (this.count >= this.outW && !outReady) this.stats.stall += n;
    else this.stats.idle += n;
  }
}
