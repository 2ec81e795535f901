import type { PoolBlock } from '../src/blocks/pool.js';
import { acceptIntoOutputRegister, newStats, skipOutputRegister, type Beat, type SimBlock } from './block.js';

/** Twin of rtl-templates/pool.v. Beats hold element values (bits, or signed/unsigned integers), so one max serves both. */
export class PoolSim implements SimBlock {
  readonly name: string;
  readonly stats = newStats();
  private readonly p: PoolBlock['params'];
  private readonly cbN: number;
  private readonly ow: number;
  private readonly oh: number;
  private readonly partial: Beat[];
  private cb = 0;
  private x = 0;
  private y = 0;
  valid = false;
  private data: Beat = new Int32Array(0);

  constructor(b: PoolBlock) {
    this.name = b.name;
    this.p = b.params;
    this.cbN = this.p.C / this.p.SIMD;
    this.ow = Math.floor(this.p.W / this.p.K);
    this.oh = Math.floor(this.p.H / this.p.K);
    this.partial = new Array<Beat>(this.ow * this.cbN);
  }

  outValid(): boolean {
    return this.valid;
  }
  outData(): Beat {
    return this.data;
  }
  inReady(outReady: boolean): boolean {
    return !this.valid || outReady;
  }

  tick(inFire: boolean, inData: Beat | undefined, _outFire: boolean, outReady: boolean): void {
    if (!acceptIntoOutputRegister(this, inFire, outReady)) return;
    const K = this.p.K;
    const kept = this.x < this.ow * K && this.y < this.oh * K;
    const kx = this.x % K;
    const ky = this.y % K;
    const last = kx === K - 1 && ky === K - 1;
    if (kept) {
      const slot = Math.floor(this.x / K) * this.cbN + this.cb;
      const merged = kx === 0 && ky === 0 ? inData! : inData!.map((v, i) => Math.max(v, this.partial[slot]![i]!));
      this.partial[slot] = merged;
      if (last) this.data = merged;
    }
    this.valid = kept && last;
    if (++this.cb < this.cbN) return;
    this.cb = 0;
    if (++this.x < this.p.W) return;
    this.x = 0;
    if (++this.y < this.p.H) return;
    this.y = 0;
  }
  horizon(): number {
    return Infinity;
  }
  skip(n: number, outReady: boolean): void {
    skipOutputRegister(this, n, outReady);
  }
}
