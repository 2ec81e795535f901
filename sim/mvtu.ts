import { mvtuLevels, type MvtuBlock } from '../src/blocks/mvtu.js';
import { decodeThresholds, decodeWeightRows } from '../src/blocks/mvtu-images.js';
import { packBits, writeBits } from './bits.js';
import { copyBeat, newStats, type Beat, type SimBlock } from './block.js';
import { MvtuKernel } from './mvtu-kernel.js';

/**
 * Twin of rtl-templates/mvtu.v. Control (issue counters, the accumulate stage, the output
 * register and the freeze on backpressure) is stepped cycle by cycle exactly as in the RTL.
 * Data is computed where it becomes observable: the RTL's partial sums over a fold are never
 * visible outside, so the twin evaluates a neuron's whole XNOR-popcount on 32-bit words at the
 * cycle the RTL's accumulate stage completes it, from the same input vector and memory images
 * (sim/mvtu-kernel.ts: a fold's PE neurons in one call).
 */
export class MvtuSim implements SimBlock {
  readonly name: string;
  readonly stats = newStats();
  private readonly MW: number;
  private readonly PE: number;
  private readonly SIMD: number;
  private readonly SF: number;
  private readonly NF: number;
  private readonly useThresh: boolean;
  /** Thresholds per neuron and the output element's bias (one-bit layers: 1 and 0). */
  private readonly count: number;
  private readonly bias: number;
  /** Row j: neuron j's MW weights, packed. Rebuilt from the plan's weight image. */
  private readonly rows: Uint32Array[];
  private readonly thresh: Int32Array;
  private readonly invert: Uint8Array;
  /** The input vector buffer (ibuf): packed bits, or raw values for fixed-point inputs. */
  private readonly kernel: MvtuKernel;
  private readonly vec: Uint32Array;
  private readonly rawVec: Int32Array | undefined;
  /** How often the vector was written: the kernel copies it in only when it changed. */
  private version = 0;
  /** Fixed-point inputs and one threshold without bias: the element is (acc >= t_j) XOR invert_j. */
  private readonly oneThreshold: boolean;
  /** Binarized inputs and one threshold without bias: the kernel's output is the element. */
  private readonly thresholded: boolean;

  private sf = 0;
  private nf = 0;
  private bValid = false;
  private bLast = false;
  private bNf = 0;
  private valid = false;
  /** The output register: PE elements, or (a 1-bit output channel) their packed words (sim/bits.ts). */
  private readonly data: Beat;
  /** For a packed output: the PE elements before packing. */
  private readonly elems: Int32Array | undefined;

  constructor(b: MvtuBlock) {
    const p = b.params;
    this.name = b.name;
    this.MW = p.MW;
    this.PE = p.PE;
    this.SIMD = p.SIMD;
    this.SF = p.MW / p.SIMD;
    this.NF = p.MH / p.PE;
    this.useThresh = p.USE_THRESH === 1;
    this.rows = once(b.weights, 'rows', () => decodeWeightRows(b.weights, p));
    const levels = mvtuLevels(p);
    this.count = levels.count;
    this.bias = levels.bias;
    const ti = b.thresholds;
    const th = ti ? once(ti, 'thresholds', () => decodeThresholds(ti, p.PE, p.T_W, p.INPUT_BITS > 1, this.count)) : undefined;
    this.thresh = th?.thresh ?? new Int32Array(p.MH * this.count);
    this.invert = th?.invert ?? new Uint8Array(p.MH);
    const rows = this.rows;
    const { thresh, invert, MW } = this;
    // one threshold, no bias: a binary layer's element is (acc >= t_j) XOR invert_j
    const one = this.useThresh && this.count === 1 && this.bias === 0;
    if (p.INPUT_BITS > 1) {
      this.rawVec = new Int32Array(MW);
      this.vec = new Uint32Array(0);
      const signs = once(rows, 'signs', () => signRows(rows, MW));
      this.kernel = once(signs, 'kernel', () => new MvtuKernel(rows, MW, p.PE, { signs }));
      this.oneThreshold = one;
      this.thresholded = false;
    } else {
      this.vec = new Uint32Array(2 * Math.ceil(MW / 64));
      // the kernel thresholds too (mismatches <= MW − t, XOR invert)
      this.oneThreshold = false;
      this.thresholded = one;
      this.kernel = one
        ? once(thresh, 'kernel', () => {
            const limits = new Int32Array(2 * p.MH);
            for (let j = 0; j < p.MH; j++) [limits[2 * j], limits[2 * j + 1]] = [MW - thresh[j]!, invert[j]!];
            return new MvtuKernel(rows, MW, p.PE, { limits });
          })
        : once(rows, 'kernel', () => new MvtuKernel(rows, MW, p.PE));
    }
    this.elems = b.out.elemBits === 1 ? new Int32Array(p.PE) : undefined;
    this.data = this.elems ? packBits(this.elems) : new Int32Array(p.PE);
  }

  outValid(): boolean {
    return this.valid;
  }
  outData(): Beat {
    return this.data;
  }
  inReady(outReady: boolean): boolean {
    return (!this.valid || outReady) && this.nf === 0;
  }

  tick(inFire: boolean, inData: Beat | undefined, _outFire: boolean, outReady: boolean): void {
    if (this.valid && !outReady) {
      this.stats.stall++;
      return;
    }
    // Accumulate stage: a fold completes → output register.
    if (this.bValid && this.bLast) this.compute(this.bNf);
    this.valid = this.bValid && this.bLast;
    // Issue stage.
    const issue = this.nf !== 0 || inFire;
    this.bValid = issue;
    if (!issue) {
      this.stats.idle++;
      return;
    }
    this.stats.busy++;
    if (this.nf === 0) this.store(inData!, this.sf * this.SIMD);
    this.bLast = this.sf === this.SF - 1;
    this.bNf = this.nf;
    if (this.bLast) {
      this.sf = 0;
      this.nf = this.nf === this.NF - 1 ? 0 : this.nf + 1;
    } else this.sf++;
  }

  /** The rest of the input fold (and, with one neuron fold, the next vector's first beat, whose tick completes this one). */
  intake(): number {
    if (this.valid || (this.bValid && this.bLast) || this.nf !== 0) return 1;
    return this.SF - this.sf + (this.NF === 1 ? 1 : 0);
  }

  /**
   * Quiet cycles (no input beat, no output beat): frozen behind a full output register, idle in
   * the input fold, or folding over the stored vector until a result or the input fold comes.
   */
  horizon(outReady: boolean): number {
    if (this.valid && !outReady) return Infinity;
    if (this.bValid && this.bLast) return 1;
    if (this.nf === 0) return Infinity;
    // Issues sf..SF-1 of this fold; the next fold's result shows one cycle later, nf = 0 at once.
    return this.nf === this.NF - 1 ? this.SF - this.sf : this.SF - this.sf + 1;
  }

  skip(n: number, outReady: boolean): void {
    if (this.valid && !outReady) {
      this.stats.stall += n;
      return;
    }
    if (!(this.bValid && this.bLast) && this.nf === 0) {
      this.stats.idle += n;
      this.valid = false;
      this.bValid = false;
      return;
    }
    // Issue ticks that do not complete the fold only move sf; the rest go through tick().
    let rest = n;
    if (!(this.bValid && this.bLast) && !this.valid) {
      const k = Math.min(n, this.SF - 1 - this.sf);
      if (k > 0) {
        this.stats.busy += k;
        this.sf += k;
        this.bValid = true;
        this.bLast = false;
        this.bNf = this.nf;
        rest -= k;
      }
    }
    for (; rest > 0; rest--) this.tick(false, undefined, false, outReady);
  }

  /** A beat into the input vector: raw values, or (1-bit inputs) its packed SIMD bits. */
  private store(chunk: Beat, at: number): void {
    this.version++;
    if (this.rawVec) copyBeat(this.rawVec, at, chunk);
    else writeBits(this.vec, at, chunk, this.SIMD);
  }

  /** The output register's new contents (overwritten in place: a beat is read before the next tick). */
  private compute(nf: number): void {
    const out = this.elems ?? this.data;
    const PE = this.PE;
    const first = nf * PE;
    const rawVec = this.rawVec;
    const r = this.kernel.run(first, PE, this, this.version, rawVec ?? this.vec);
    if (this.thresholded) {
      if (this.elems) packBits(r, this.data);
      else out.set(r);
      return;
    }
    // binarized: r counts mismatches, acc = MW − r; fixed-point: r is acc
    const sign = rawVec ? 1 : -1;
    const base = rawVec ? 0 : this.MW;
    if (this.oneThreshold) {
      const { thresh, invert } = this;
      for (let p = 0; p < PE; p++) out[p] = +(base + sign * r[p]! >= thresh[first + p]!) ^ invert[first + p]!;
    } else {
      for (let p = 0; p < PE; p++) out[p] = base + sign * r[p]!;
      if (this.useThresh) for (let p = 0; p < PE; p++) out[p] = this.element(first + p, out[p]!);
    }
    if (this.elems) packBits(this.elems, this.data);
  }

  /** The threshold stage: n = #(acc >= t_k), code n or count − n (inverted), element code + bias. */
  private element(j: number, acc: number): number {
    let n = 0;
    // a sum of comparisons, not a branch on random data (sim/binarize.ts)
    for (let k = 0; k < this.count; k++) n += +(acc >= this.thresh[j * this.count + k]!);
    return (this.invert[j] ? this.count - n : n) + this.bias;
  }
}

/**
 * What a twin derives from its block's memory images, derived once per image: a plan's images
 * do not change, and a plan is often run many times (FIFO sizing, the property test, benches).
 * The twins only read it.
 */
const derived = new WeakMap<object, Map<string, unknown>>();
function once<T>(from: object, what: string, make: () => T): T {
  let m = derived.get(from);
  if (!m) derived.set(from, (m = new Map()));
  let v = m.get(what) as T | undefined;
  if (v === undefined) m.set(what, (v = make()));
  return v;
}

/** Row j's weights as signs, at j·MW: bit 1 → +1, 0 → −1. */
function signRows(rows: Uint32Array[], mw: number): Int32Array {
  const out = new Int32Array(rows.length * mw);
  rows.forEach((row, j) => {
    for (let i = 0; i < mw; i++) out[j * mw + i] = (row[i >>> 5]! >>> (i & 31)) & 1 ? 1 : -1;
  });
  return out;
}
