import type { MemoryImage, MvtuBlock } from '../src/blocks/mvtu.js';
import { wordsFor, xnorPopcount } from '../src/model/bits.js';
import { newStats, type Beat, type SimBlock } from './block.js';

/**
 * Twin of rtl-templates/mvtu.v. Control (issue counters, the accumulate stage, the output
 * register and the freeze on backpressure) is stepped cycle by cycle exactly as in the RTL.
 * Data is computed where it becomes observable: the RTL's partial sums over a fold are never
 * visible outside, so the twin evaluates a neuron's whole XNOR-popcount on 32-bit words at the
 * cycle the RTL's accumulate stage completes it, from the same input vector and memory images.
 */
export class MvtuSim implements SimBlock {
  readonly name: string;
  readonly comb = false;
  readonly stats = newStats();
  private readonly MW: number;
  private readonly PE: number;
  private readonly SIMD: number;
  private readonly SF: number;
  private readonly NF: number;
  private readonly useThresh: boolean;
  /** Row j: neuron j's MW weights, packed. Rebuilt from the plan's weight image. */
  private readonly rows: Uint32Array[];
  private readonly thresh: Int32Array;
  private readonly invert: Uint8Array;
  /** The input vector buffer (ibuf): packed bits, or raw values for fixed-point inputs. */
  private readonly vec: Uint32Array;
  private readonly rawVec: Int32Array | undefined;

  private sf = 0;
  private nf = 0;
  private bValid = false;
  private bLast = false;
  private bNf = 0;
  private valid = false;
  private data: Beat;

  constructor(b: MvtuBlock) {
    const p = b.params;
    this.name = b.name;
    this.MW = p.MW;
    this.PE = p.PE;
    this.SIMD = p.SIMD;
    this.SF = p.MW / p.SIMD;
    this.NF = p.MH / p.PE;
    this.useThresh = p.USE_THRESH === 1;
    this.rows = rowsFromImage(b.weights, p.MW, p.MH, p.PE, p.SIMD);
    this.thresh = new Int32Array(p.MH);
    this.invert = new Uint8Array(p.MH);
    if (b.thresholds) thresholdsFromImage(b.thresholds, p.PE, p.T_W, p.INPUT_BITS > 1, this.thresh, this.invert);
    this.vec = new Uint32Array(wordsFor(p.MW));
    this.rawVec = p.INPUT_BITS > 1 ? new Int32Array(p.MW) : undefined;
    this.data = new Int32Array(p.PE);
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
    if (this.bValid && this.bLast) this.data = this.compute(this.bNf);
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

  private store(chunk: Beat, at: number): void {
    if (this.rawVec) {
      this.rawVec.set(chunk, at);
      return;
    }
    const v = this.vec;
    for (let s = 0; s < chunk.length; s++) {
      const i = at + s;
      if (chunk[s]) v[i >>> 5]! |= 1 << (i & 31);
      else v[i >>> 5]! &= ~(1 << (i & 31));
    }
  }

  private compute(nf: number): Beat {
    const out = new Int32Array(this.PE);
    for (let p = 0; p < this.PE; p++) {
      const j = nf * this.PE + p;
      const pc = this.rawVec ? signedSum(this.rows[j]!, this.rawVec) : xnorPopcount(this.rows[j]!, this.vec, this.MW);
      out[p] = this.useThresh ? (pc >= this.thresh[j]! ? 1 : 0) ^ this.invert[j]! : pc;
    }
    return out;
  }
}

/** Σ (w ? x : -x): the fixed-point datapath. */
function signedSum(row: Uint32Array, x: Int32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (row[i >>> 5]! >>> (i & 31)) & 1 ? x[i]! : -x[i]!;
  return s;
}

function hexBit(word: string, i: number): number {
  const d = word.length - 1 - (i >>> 2);
  return (parseInt(word[d]!, 16) >>> (i & 3)) & 1;
}

/** A hex word (MSB digit first) as packed bits, 8 digits per 32-bit word. */
function hexWordBits(word: string): Uint32Array {
  const out = new Uint32Array(wordsFor(word.length * 4));
  for (let w = 0; w < out.length; w++) {
    const end = word.length - 8 * w;
    out[w] = parseInt(word.slice(Math.max(0, end - 8), end), 16) >>> 0;
  }
  return out;
}

function rowsFromImage(img: MemoryImage, mw: number, mh: number, pe: number, simd: number): Uint32Array[] {
  const sfN = mw / simd;
  const rows = Array.from({ length: mh }, () => new Uint32Array(wordsFor(mw)));
  img.words.forEach((word, addr) => {
    const nf = Math.floor(addr / sfN);
    const sf = addr % sfN;
    const bits = hexWordBits(word);
    for (let p = 0; p < pe; p++) {
      const row = rows[nf * pe + p]!;
      for (let s = 0; s < simd; s++) {
        const i = p * simd + s;
        if ((bits[i >>> 5]! >>> (i & 31)) & 1) {
          const col = sf * simd + s;
          row[col >>> 5]! |= 1 << (col & 31);
        }
      }
    }
  });
  return rows;
}

function thresholdsFromImage(img: MemoryImage, pe: number, tW: number, signed: boolean, thresh: Int32Array, invert: Uint8Array): void {
  const lane = tW + 1;
  img.words.forEach((word, nf) => {
    for (let p = 0; p < pe; p++) {
      let t = 0;
      for (let b = 0; b < tW; b++) t |= hexBit(word, p * lane + b) << b;
      // Fixed-point thresholds are two's complement in T_W bits.
      if (signed && (t >>> (tW - 1)) & 1) t -= 2 ** tW;
      thresh[nf * pe + p] = t;
      invert[nf * pe + p] = hexBit(word, p * lane + tW);
    }
  });
}
