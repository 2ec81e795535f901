import { BnnError } from '../errors.js';
import { getBit } from '../model/bits.js';
import { bitsFor, divisors } from '../util/math.js';
import { enginePixels, type IntegerEngineLayer } from '../compiler/integer-model.js';
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
  /** Accumulator width: holds 0..MW (binary) or the signed sum's range (fixed-point inputs). */
  ACC_W: number;
  /** Threshold width: holds 0..MW+1 (binary) or the signed range plus one. */
  T_W: number;
  /** 1: PE output bits through thresholds; 0: PE raw popcount scores (last layer). */
  USE_THRESH: 0 | 1;
  /** 1: binary inputs; > 1: fixed-point inputs of this width (a non-binary first layer). */
  INPUT_BITS: number;
  INPUT_SIGNED: 0 | 1;
  /**
   * Binary popcount structure (rtl-templates/popcount.v IMPL): 0 plain sum, 1 compressor tree over
   * whole numbers, 2 bit-heap compressor tree; all bit-identical (see mvtuPopcount).
   */
  POPCOUNT: 0 | 1 | 2;
}

/**
 * The bit heap (2) is the smallest popcount at every PE×SIMD point measured, on xc7 and iCE40
 * (BENCHMARKS.md, `bench-synth.js datapath`; docs/datapath.md), so the plan uses it for every
 * binary engine; fixed-point engines have no popcount (0: the parameter is unused there).
 */
export function mvtuPopcount(inputBits: number): 0 | 1 | 2 {
  return inputBits === 1 ? 2 : 0;
}

/** Name of an engine's popcount implementation, as plan.json's POPCOUNT and the report show it. */
export function mvtuPopcountName(p: Pick<MvtuParams, 'POPCOUNT' | 'INPUT_BITS'>): string {
  if (p.INPUT_BITS > 1) return 'none (fixed-point add/subtract)';
  return ['plain sum', 'compressor tree', 'bit heap'][p.POPCOUNT]!;
}

export interface MemoryImage {
  /** File name under mem/ (legal: derived from the legalized block name). */
  file: string;
  width: number;
  depth: number;
  /** One hex word per address, ceil(width/4) digits, MSB first (as $readmemh reads). */
  words: string[];
}

/** A padded engine (src/compiler/padding.ts): real and padded MW/MH and what the pad costs. */
export interface MvtuPadding {
  inputs: { real: number; padded: number };
  neurons: { real: number; padded: number };
  /** Lane-cycles per frame spent on pad inputs or pad neurons (PE·SIMD·cycles − MW·MH·pixels). */
  padLaneCyclesPerFrame: number;
  /** Weight memory bits holding pad weights. */
  padWeightBits: number;
}

export interface MvtuBlock extends BlockBase {
  kind: 'mvtu';
  params: MvtuParams;
  padding?: MvtuPadding;
  weights: MemoryImage;
  thresholds?: MemoryImage;
}

export interface Folding {
  pe: number;
  simd: number;
  /** Pad the fan-in up to a multiple of SIMD and the neurons up to a multiple of PE (src/compiler/padding.ts). */
  pad?: boolean;
}

/** Most lanes (PE·SIMD) one engine may have: beyond this the weight word is impractically wide. */
export const MAX_LANES = 1 << 16;

export function validateMvtuFold(mw: number, mh: number, f: Folding, file: string, field: string): void {
  const check = (v: number, n: number, what: 'pe' | 'simd', dim: string) => {
    if (!Number.isInteger(v) || v < 1 || (!f.pad && n % v !== 0))
      throw new BnnError({
        code: 'FOLD_INVALID',
        message: f.pad ? `${what.toUpperCase()} must be a positive integer` : `${what.toUpperCase()} must divide ${dim} = ${n}, unless the layer is padded (pad: true)`,
        file,
        field: `${field}.${what}`,
        expected: f.pad ? 'an integer >= 1' : `one of ${divisors(n).join(', ')}, or pad: true on this layer`,
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

/** Cycles per output pixel (the whole frame for a dense layer): NF·SF. */
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
export function mvtuBlock(name: string, layer: IntegerEngineLayer, f: Folding): MvtuBlock {
  const MW = layer.inputs;
  const MH = layer.outputs;
  const { pe: PE, simd: SIMD } = f;
  const SF = MW / SIMD;
  const NF = MH / PE;
  const fixed = layer.inputBits > 1;
  const mag = Math.max(-layer.accMin, layer.accMax);
  // At least 2 bits: the popcount adds zero-extended single bits ({ACC_W-1 zeros, bit}).
  const ACC_W = fixed ? bitsFor(mag) + 1 : Math.max(2, bitsFor(MW));
  const T_W = fixed ? bitsFor(Math.max(-layer.accMin, layer.accMax + 1)) + 1 : bitsFor(MW + 1);
  const USE_THRESH = layer.thresholds ? 1 : 0;
  const pixels = enginePixels(layer);
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
    in: { elems: SIMD, elemBits: layer.inputBits, beatsPerFrame: pixels * SF },
    out: USE_THRESH ? { elems: PE, elemBits: 1, beatsPerFrame: pixels * NF } : { elems: PE, elemBits: ACC_W, beatsPerFrame: pixels * NF },
    cyclesPerFrame: pixels * SF * NF,
    params: { MW, MH, PE, SIMD, ACC_W, T_W, USE_THRESH, INPUT_BITS: layer.inputBits, INPUT_SIGNED: layer.inputSigned ? 1 : 0, POPCOUNT: mvtuPopcount(layer.inputBits) },
    weights,
    ...(thresholds ? { thresholds } : {}),
  };
}

// ---- cost model (7-series, Yosys synth_xilinx; calibrated by scripts/bench-synth.ts) ---------

/** Estimated 7-series resources of one block. */
export interface BlockEstimate {
  /** LUTs used as logic. */
  lut: number;
  ff: number;
  /** LUT sites used as distributed RAM. */
  lutram: number;
  /** Block RAM in RAMB18 units, and RAMB36 equivalents (bram18 / 2). */
  bram18: number;
  bram36: number;
}

/** RAMB18 count for a width × depth ROM/RAM (7-series aspect ratios, SDP up to 36 bits wide). */
export function bram18For(width: number, depth: number): number {
  if (depth <= 1 || width * depth === 0) return 0;
  const aspect: Array<[number, number]> = [[512, 36], [1024, 18], [2048, 9], [4096, 4], [8192, 2], [16384, 1]];
  let best = Infinity;
  for (const [d, w] of aspect) best = Math.min(best, Math.ceil(depth / d) * Math.ceil(width / w));
  return best;
}

/** LUT sites of a distributed RAM of width × depth (RAM32M: 32 × 6 SDP / 32 × 8 SP; RAM64M: 64 × 3 / 64 × 4). */
export function lutramSites(width: number, depth: number, singlePort: boolean): number {
  if (depth <= 32) return 4 * Math.ceil(width / (singlePort ? 8 : 6));
  if (depth <= 64) return 4 * Math.ceil(width / (singlePort ? 4 : 3));
  return 4 * Math.ceil(depth / 64) * Math.ceil(width / (singlePort ? 4 : 3));
}

/**
 * Whether Yosys 0.23 (synth_xilinx) puts an inferred RAM in LUTs rather than block RAM: seen up to
 * 60 LUT sites (308 × 8, 98 × 8), block RAM from 128 sites on (224 × 24); the cut is placed at 64.
 */
export function yosysPrefersLutram(width: number, depth: number, singlePort: boolean): boolean {
  return lutramSites(width, depth, singlePort) <= 64;
}

/** Features of the MVTU LUT model (coefficients in MVTU_LUT_MODEL, same order). */
export function mvtuLutFeatures(p: Pick<MvtuParams, 'MW' | 'MH' | 'PE' | 'SIMD' | 'ACC_W'>): number[] {
  const SF = p.MW / p.SIMD;
  const NF = p.MH / p.PE;
  return [
    p.PE * p.SIMD, // XNOR-popcount lanes
    p.PE * p.ACC_W, // accumulator adder, threshold compare and threshold ROM per neuron
    NF > 1 ? p.SIMD * Math.ceil(SF / 64) : 0, // input replay buffer read mux
    SF * NF > 1 ? Math.log2(SF * NF) : 0, // counters
    1,
  ];
}

/**
 * MVTU LUT model (popcount = plain sum, mvtu.v POPCOUNT = 0 and 1, and fixed-point engines): LUTs ≈ MVTU_LUT_MODEL ·
 * mvtuLutFeatures(p), i.e. 2.58 per lane + 1.36 per accumulator bit + buffer mux + counters.
 * Least squares (relative error) against Yosys 0.23 synth_xilinx on 56 (MW, MH, PE, SIMD) points,
 * MW/MH ∈ {64/32, 256/64, 784/64}, PE 1..16, SIMD 4..64: mean |error| 5.7 %, worst 21.5 %
 * (784/64, PE 1, SIMD 8); 26 of the points within 5 %. Refit with `node dist/scripts/bench-synth.js grid`.
 */
export const MVTU_LUT_MODEL = [2.582, 1.363, 1.239, 6.471, 0.888];

/**
 * The same features with the bit-heap popcount (POPCOUNT = 2, the plan's default for binary
 * engines): 1.39 per lane + 2.68 per accumulator bit (accumulator, comparator and the threshold
 * ROM all scale with PE·ACC_W) + buffer mux + counters. Least squares (relative error) against
 * Yosys 0.23 synth_xilinx on the 35 default grid points (`BNN_POPCOUNT=2 node
 * dist/scripts/bench-synth.js grid`): mean |error| 5.8 %, worst 17.1 %; the plain-sum model above
 * was 18.0 % / 42.3 % off on the same netlists.
 */
export const MVTU_LUT_MODEL_HEAP = [1.3931, 2.6808, 1.108, 5.6948, 12.5642];

export function estimateMvtu(p: MvtuParams): BlockEstimate {
  const SF = p.MW / p.SIMD;
  const NF = p.MH / p.PE;
  const model = p.POPCOUNT === 2 && p.INPUT_BITS === 1 ? MVTU_LUT_MODEL_HEAP : MVTU_LUT_MODEL;
  const lut = Math.max(1, Math.round(mvtuLutFeatures(p).reduce((a, x, i) => a + x * model[i]!, 0)));
  const wBram = bram18For(p.PE * p.SIMD, SF * NF);
  // Input replay buffer (SF words of SIMD·INPUT_BITS): distributed RAM while small, else block RAM.
  const ibW = p.SIMD * p.INPUT_BITS;
  const ibufLut = NF > 1 && yosysPrefersLutram(ibW, SF, true);
  const lutram = NF > 1 && ibufLut ? lutramSites(ibW, SF, true) : 0;
  const ibufBram = NF > 1 && !ibufLut ? bram18For(ibW, SF) : 0;
  // Accumulators, input register, output register, threshold register, counters and pipeline
  // flags; the weight register sits in the block RAM.
  const bits = (n: number) => (n > 1 ? Math.ceil(Math.log2(n)) : 1);
  const counters = bits(SF) + bits(NF) + bits(SF * NF) + 4;
  const ff =
    p.PE * p.ACC_W + ibW + (p.USE_THRESH ? p.PE : p.PE * p.ACC_W) + (p.USE_THRESH && NF > 1 ? p.PE * p.T_W : 0) + counters + (wBram || SF * NF <= 1 ? 0 : p.PE * p.SIMD);
  const bram18 = wBram + ibufBram;
  return { lut, ff, lutram, bram18, bram36: bram18 / 2 };
}
