import type { PoolBlock } from '../src/blocks/pool.js';
import { beatLength, isPacked } from './bits.js';
import { acceptIntoOutputRegister, newStats, skipOutputRegister, type Beat, type SimBlock } from './block.js';

/**
 * Twin of rtl-templates/pool.v. Beats hold element values (signed or unsigned integers), or, on a
 * 1-bit channel, packed bits (sim/bits.ts), whose max is an OR of words.
 */
export class PoolSim implements SimBlock {
  readonly name: string;
  readonly stats = newStats();
  private readonly p: PoolBlock['params'];
  private readonly cbN: number;
  private readonly ow: number;
  private readonly oh: number;
  /** Entries per beat: SIMD elements, or their packed words. */
  private readonly simd: number;
  private readonly packed: boolean;
  /** The running max of each output column's window so far, one beat per slot. */
  private readonly partial: Int32Array;
  private cb = 0;
  private x = 0;
  private y = 0;
  valid = false;
  private readonly data: Beat;

  constructor(b: PoolBlock) {
    this.name = b.name;
    this.p = b.params;
    this.cbN = this.p.C / this.p.SIMD;
    this.ow = Math.floor(this.p.W / this.p.K);
    this.oh = Math.floor(this.p.H / this.p.K);
    this.simd = beatLength(b.in);
    this.packed = isPacked(b.in);
    this.partial = new Int32Array(this.ow * this.cbN * this.simd);
    this.data = new Int32Array(this.simd);
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
      const at = (Math.floor(this.x / K) * this.cbN + this.cb) * this.simd;
      const d = inData!;
      const fresh = kx === 0 && ky === 0;
      const part = this.partial;
      if (fresh) for (let i = 0; i < this.simd; i++) part[at + i] = d[i]!;
      else if (this.packed) for (let i = 0; i < this.simd; i++) part[at + i]! |= d[i]!;
      else
        for (let i = 0; i < this.simd; i++) {
          // max without a branch (random bits would mispredict one in two, sim/binarize.ts)
          const a = d[i]!;
          const b = part[at + i]!;
          part[at + i] = b ^ ((a ^ b) & -+(a > b));
        }
      if (last) for (let i = 0; i < this.simd; i++) this.data[i] = this.partial[at + i]!;
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
