import { BnnError } from '../errors.js';
import { getBit } from '../model/bits.js';
import { bitsFor, divisors } from '../util/math.js';
import type { IntegerLayer } from '../compiler/integer-model.js';
import type { BlockBase } from '../plan/types.js';

/**
 * `rtl-templates/mvtu.v` / `sim/mvtu.ts`: the matrix-vector-threshold unit. PE neurons in
 * parallel, each an XNOR-popcount over SIMD inputs per cycle; a neuron fold takes SF = MW/SIMD
 * cycles and a frame NF = MH/PE neuron folds, with the input vector buffered during the first
 * fold and replayed for the others (II = NF·SF, one weight word per cycle).
 *
 * Pipeline: issue (weight/threshold memory read, input select) → accumulate (popcount + add;
 * at the last synapse fold, threshold compare) → output register. A stalled output register
 * freezes the whole unit, so the first result of a fold appears 2 cycles after its last input.
 */
export interface MvtuParams {
  MW: number;
  MH: number;
  PE: number;
  SIMD: number;
  /** Accumulator width: holds 0..MW. */
  ACC_W: number;
  /** Threshold width: holds 0..MW+1. */
  T_W: number;
  /** 1: PE output bits through thresholds; 0: PE raw popcount scores (last layer). */
  USE_THRESH: 0 | 1;
}

export interface MemoryImage {
  /** File name under mem/ (legal: derived from the legalized block name). */
  file: string;
  width: number;
  depth: number;
  /** One hex word per address, ceil(width/4) digits, MSB first (as $readmemh reads). */
  words: string[];
}

export interface MvtuBlock extends BlockBase {
  kind: 'mvtu';
  params: MvtuParams;
  weights: MemoryImage;
  thresholds?: MemoryImage;
}

export interface Folding {
  pe: number;
  simd: number;
}

/** Most lanes (PE·SIMD) one engine may have: beyond this the weight word is impractically wide. */
export const MAX_LANES = 1 << 16;

export function validateMvtuFold(mw: number, mh: number, f: Folding, file: string, field: string): void {
  const check = (v: number, n: number, what: 'pe' | 'simd', dim: string) => {
    if (!Number.isInteger(v) || v < 1 || n % v !== 0)
      throw new BnnError({
        code: 'FOLD_INVALID',
        message: `${what.toUpperCase()} must divide ${dim} = ${n}`,
        file,
        field: `${field}.${what}`,
        expected: `one of ${divisors(n).join(', ')}`,
        got: String(v),
      });
  };
  check(f.pe, mh, 'pe', 'the neuron count MH');
  check(f.simd, mw, 'simd', 'the fan-in MW');
  if (f.pe * f.simd > MAX_LANES)
    throw new BnnError({
      code: 'FOLD_INVALID',
      message: `PE·SIMD = ${f.pe * f.simd} lanes is too wide for one engine`,
      file,
      field,
      expected: `PE·SIMD <= ${MAX_LANES}`,
      got: `PE=${f.pe}, SIMD=${f.simd}`,
    });
}

export function mvtuCycles(p: Pick<MvtuParams, 'MW' | 'MH' | 'PE' | 'SIMD'>): number {
  return (p.MH / p.PE) * (p.MW / p.SIMD);
}

function hexWord(bitAt: (i: number) => number, width: number): string {
  let s = '';
  for (let d = Math.ceil(width / 4) - 1; d >= 0; d--) {
    let nib = 0;
    for (let k = 0; k < 4; k++) {
      const i = d * 4 + k;
      if (i < width && bitAt(i)) nib |= 1 << k;
    }
    s += nib.toString(16);
  }
  return s;
}

/** Build the engine for one layer: parameters, weight image (addr nf·SF+sf, bit p·SIMD+s) and threshold image. */
export function mvtuBlock(name: string, layer: IntegerLayer, f: Folding, inBeatsFrom?: number): MvtuBlock {
  const MW = layer.inputs;
  const MH = layer.outputs;
  const { pe: PE, simd: SIMD } = f;
  const SF = MW / SIMD;
  const NF = MH / PE;
  const ACC_W = bitsFor(MW);
  const T_W = bitsFor(MW + 1);
  const USE_THRESH = layer.thresholds ? 1 : 0;
  const words: string[] = [];
  for (let nf = 0; nf < NF; nf++)
    for (let sf = 0; sf < SF; sf++)
      words.push(hexWord((i) => getBit(layer.weights[nf * PE + Math.floor(i / SIMD)]!, sf * SIMD + (i % SIMD)), PE * SIMD));
  const weights: MemoryImage = { file: `${name}_weights.mem`, width: PE * SIMD, depth: NF * SF, words };
  let thresholds: MemoryImage | undefined;
  if (layer.thresholds) {
    const { value, direction } = layer.thresholds;
    const lane = T_W + 1;
    const tw: string[] = [];
    for (let nf = 0; nf < NF; nf++) {
      tw.push(
        hexWord((i) => {
          const j = nf * PE + Math.floor(i / lane);
          const bit = i % lane;
          // 'le T' is stored as 'not (>= T+1)': one comparator and an inverting bit per neuron.
          const le = direction[j] === 'le';
          if (bit === T_W) return le ? 1 : 0;
          const t = le ? value[j]! + 1 : value[j]!;
          return (t >>> bit) & 1;
        }, PE * lane),
      );
    }
    thresholds = { file: `${name}_thresholds.mem`, width: PE * lane, depth: NF, words: tw };
  }
  return {
    kind: 'mvtu',
    name,
    layer: layer.name,
    in: { elems: SIMD, elemBits: 1, beatsPerFrame: inBeatsFrom ?? SF },
    out: USE_THRESH ? { elems: PE, elemBits: 1, beatsPerFrame: NF } : { elems: PE, elemBits: ACC_W, beatsPerFrame: NF },
    cyclesPerFrame: SF * NF,
    params: { MW, MH, PE, SIMD, ACC_W, T_W, USE_THRESH },
    weights,
    ...(thresholds ? { thresholds } : {}),
  };
}
