import { bitsFor, clog2 } from '../util/math.js';
import { bram18For, ice40EbrFor, ice40Linear, yosysPrefersIce40Ffs, lutramSites, yosysPrefersLutram, type BlockEstimate, type Ice40Estimate, type Ice40Features } from './cost.js';
import type { MemoryImage } from './memory-image.js';
import { thresholdImage, weightImage } from './mvtu-images.js';
import { enginePixels, type IntegerEngineLayer } from '../model/integer-model.js';
import { streamBits, type BlockBase } from '../plan/stream.js';
import { intParams, type BlockKit } from './kit.js';

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
  /**
   * Multi-bit output elements (a hidden layer with A-bit activations; all three present or all
   * absent, absent on one-bit layers, whose plan and top list their parameters as before):
   * N_THRESH thresholds per neuron (1..2^OUT_BITS − 1), element u = code + OUT_BIAS in OUT_BITS
   * bits (two's complement when OUT_BIAS < 0), code = how many thresholds the accumulator reaches.
   */
  N_THRESH?: number;
  OUT_BITS?: number;
  OUT_BIAS?: number;
}

/** Thresholds per neuron, output element bits and bias of an engine (one-bit layers: 1, 1, 0). */
export function mvtuLevels(p: Pick<MvtuParams, 'N_THRESH' | 'OUT_BITS' | 'OUT_BIAS'>): { count: number; bits: number; bias: number } {
  return { count: p.N_THRESH ?? 1, bits: p.OUT_BITS ?? 1, bias: p.OUT_BIAS ?? 0 };
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
  if (p.INPUT_BITS > 1) return `none (add/subtract of ${p.INPUT_BITS}-bit inputs)`;
  return ['plain sum', 'compressor tree', 'bit heap'][p.POPCOUNT]!;
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

/**
 * Where an engine's weights live when not in the ROM of mvtu.v (block RAM): iCE40 UltraPlus
 * SPRAM, loaded after configuration (src/blocks/spram-weights.ts, rtl-templates/spram_weights.v).
 * Chosen per engine for a device (src/synth/weight-memory.ts); the engine's timing is the same.
 */
export interface SpramWeightMemory {
  kind: 'spram';
  /** SPRAMs side by side: ceil(PE·SIMD / 16); the MVTU reads all of them every cycle. */
  lanes: number;
  /** Rows of them: ceil(SF·NF / 16384). */
  banks: number;
}

export interface MvtuBlock extends BlockBase {
  kind: 'mvtu';
  params: MvtuParams;
  padding?: MvtuPadding;
  weights: MemoryImage;
  thresholds?: MemoryImage;
  /** Absent: the weights are mvtu.v's ROM ($readmemh, block RAM). */
  weightMemory?: SpramWeightMemory;
}

/** Cycles per output pixel (the whole frame for a dense layer): NF·SF. */
export function mvtuCycles(p: Pick<MvtuParams, 'MW' | 'MH' | 'PE' | 'SIMD'>): number {
  return (p.MH / p.PE) * (p.MW / p.SIMD);
}

/**
 * Accumulator and threshold widths for MW inputs of `inputBits` bits whose sums range over
 * [accMin, accMax] (binary inputs: the popcount 0..MW; thresholds up to MW + 1 or accMax + 1).
 */
export function mvtuWidths(MW: number, inputBits: number, accMin: number, accMax: number): { ACC_W: number; T_W: number } {
  if (inputBits === 1)
    // At least 2 bits: the popcount adds zero-extended single bits ({ACC_W-1 zeros, bit}).
    return { ACC_W: Math.max(2, bitsFor(MW)), T_W: bitsFor(MW + 1) };
  return { ACC_W: bitsFor(Math.max(-accMin, accMax)) + 1, T_W: bitsFor(Math.max(-accMin, accMax + 1)) + 1 };
}

/** Build the engine for one layer: parameters, weight image (addr nf·SF+sf, bit p·SIMD+s) and threshold image. */
export function mvtuBlock(name: string, layer: IntegerEngineLayer, f: { pe: number; simd: number }): MvtuBlock {
  const MW = layer.inputs;
  const MH = layer.outputs;
  const { pe: PE, simd: SIMD } = f;
  const SF = MW / SIMD;
  const NF = MH / PE;
  const { ACC_W, T_W } = mvtuWidths(MW, layer.inputBits, layer.accMin, layer.accMax);
  const USE_THRESH = layer.thresholds ? 1 : 0;
  const pixels = enginePixels(layer);
  const shape = { MW, MH, PE, SIMD };
  const weights = weightImage(`${name}_weights.mem`, layer.weights, shape);
  const t = layer.thresholds;
  const thresholds = t ? thresholdImage(`${name}_thresholds.mem`, t, PE, NF, T_W) : undefined;
  const multiBit = t !== undefined && t.outBits > 1;
  return {
    kind: 'mvtu',
    name,
    layer: layer.name,
    in: { elems: SIMD, elemBits: layer.inputBits, beatsPerFrame: pixels * SF },
    out: { elems: PE, elemBits: t ? t.outBits : ACC_W, beatsPerFrame: pixels * NF },
    cyclesPerFrame: pixels * SF * NF,
    params: {
      MW, MH, PE, SIMD, ACC_W, T_W, USE_THRESH, INPUT_BITS: layer.inputBits, INPUT_SIGNED: layer.inputSigned ? 1 : 0, POPCOUNT: mvtuPopcount(layer.inputBits),
      ...(multiBit ? { N_THRESH: t.count, OUT_BITS: t.outBits, OUT_BIAS: t.outBias } : {}),
    },
    weights,
    ...(thresholds ? { thresholds } : {}),
  };
}

// ---- cost model (7-series, Yosys synth_xilinx; calibrated by scripts/bench-synth.ts) ---------
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

/**
 * What several thresholds per neuron add to the threshold stage (zero for one threshold, so a
 * one-bit engine's estimate is the model above). Threshold memory = MH·N_THRESH·T_W bits, which
 * `bnn synth` leaves to Yosys: it becomes a LUT ROM (no block RAM at any point measured, even
 * 256 words × 181 bits). Features, over the extra threshold bits per PE, PE·(T − 1)·T_W (each one
 * bit of a comparator; the code count, invert and bias ride on them): those bits when NF = MH/PE
 * > 1; those bits when NF = 1, where every threshold is a constant and Yosys folds it into its
 * comparator; and the bits times the LUT6s of one ROM bit, ceil(NF/64), except for NF ≤ 4, where
 * Yosys folds the ROM's address bits into the compare logic. Measured LUTs per extra threshold
 * bit: 0.1–0.6 at NF = 1, ~0.9 at NF = 4, 1.3–2.1 at NF = 8..32, ~4.8 at NF = 256.
 */
export function mvtuThresholdFeatures(p: Pick<MvtuParams, 'MH' | 'PE' | 'ACC_W' | 'T_W' | 'USE_THRESH' | 'N_THRESH'>): number[] {
  const extra = p.USE_THRESH ? (p.N_THRESH ?? 1) - 1 : 0;
  if (extra <= 0) return [0, 0, 0];
  const bits = p.PE * extra * p.T_W;
  const NF = p.MH / p.PE;
  return [NF > 1 ? bits : 0, NF > 1 ? 0 : bits, bits * (NF <= 4 ? 0 : Math.ceil(NF / 64))];
}

/**
 * Features of engines over A-bit or fixed-point inputs (INPUT_BITS > 1), whose lanes are
 * ACC_W-bit adders (add or subtract each input) rather than XNOR-popcount bits: PE·SIMD·ACC_W,
 * the accumulators and one-threshold compare PE·ACC_W, the replay buffer's read mux over its
 * SIMD·INPUT_BITS-bit words, counters, constant. Coefficients in MVTU_LUT_MODEL_FIXED.
 */
export function mvtuFixedFeatures(p: Pick<MvtuParams, 'MW' | 'MH' | 'PE' | 'SIMD' | 'ACC_W' | 'INPUT_BITS'>): number[] {
  const SF = p.MW / p.SIMD;
  const NF = p.MH / p.PE;
  return [p.PE * p.SIMD * p.ACC_W, p.PE * p.ACC_W, NF > 1 ? p.SIMD * p.INPUT_BITS * Math.ceil(SF / 64) : 0, SF * NF > 1 ? Math.log2(SF * NF) : 0, 1];
}

/**
 * Threshold terms (mvtuThresholdFeatures) of binary-input engines: 0.81 LUT per extra threshold
 * bit (0.14 when the thresholds are constants, NF = 1), plus 0.85 per bit per LUT6 of ROM depth.
 * Fitted (least squares on the relative error of the whole engine) on the LUTs they add to the
 * measured W1A1 engine of the same shape and folding, Yosys 0.23 synth_xilinx, 33 points
 * (W1A2/W1A3/W1A4 outputs: 2/6/15 thresholds; MW×MH 9×16, 64×32, 144×32, 256×64, 1024×256;
 * PE×SIMD 1×4 … 16×16; NF 1 … 256): mean |error| 8.9 %, worst 36.1 %, the bit-heap model's own
 * error on these shapes included (its W1A1 points: 11.0 % / 42.7 %, worst on MW = 9).
 * `node dist/scripts/bench-synth.js multibit`.
 */
export const MVTU_THRESH_MODEL = [0.8118, 0.1373, 0.8492];

/**
 * A-bit/fixed-point-input engines: mvtuFixedFeatures then mvtuThresholdFeatures, one fit (least
 * squares on relative error; same sweep, 39 points: W1A2 and W1A3 signed inputs with 2 and 6
 * thresholds, 2-bit inputs to a score layer, 8-bit first layers; MW×MH 9×16 … 1024×256, PE×SIMD
 * 1×1 … 16×16): 0.96 LUT per adder bit of the lanes (PE·SIMD·ACC_W), 1.52 per accumulator bit,
 * 4.51 per bit of the replay buffer's read mux, 7.50 per counter bit, −16.6; thresholds 1.20 /
 * 0.49 / 0.64 on the three threshold features. Mean |error| 7.8 %, worst 40.5 %. Outside the
 * sweep, cnn-fashion-w1a2's score layer (MW 800, PE×SIMD 1×2) comes out at twice Yosys' count.
 * `node dist/scripts/bench-synth.js multibit`.
 */
export const MVTU_LUT_MODEL_FIXED = [0.9643, 1.5192, 4.5101, 7.496, -16.6391];
export const MVTU_THRESH_MODEL_FIXED = [1.1993, 0.488, 0.6368];

/**
 * Threshold register t_q (PE·N_THRESH·T_W bits, one threshold word per neuron fold): Yosys
 * keeps it as flip-flops only for a deep enough ROM; for a few words it moves the register to
 * the ROM's address (log2 NF bits) instead. Measured: none at NF = 4, about half at NF = 8,
 * nearly all from NF = 16 on (`bench-synth.js multibit`).
 */
export function mvtuThresholdRegisterShare(NF: number): number {
  return Math.min(1, Math.max(0, (Math.log2(NF) - 2) / 2));
}

export function estimateMvtu(p: MvtuParams): BlockEstimate {
  const SF = p.MW / p.SIMD;
  const NF = p.MH / p.PE;
  const dot = (x: number[], m: number[]) => x.reduce((a, v, i) => a + v * m[i]!, 0);
  const fixed = p.INPUT_BITS > 1;
  const core = fixed ? dot(mvtuFixedFeatures(p), MVTU_LUT_MODEL_FIXED) : dot(mvtuLutFeatures(p), p.POPCOUNT === 2 ? MVTU_LUT_MODEL_HEAP : MVTU_LUT_MODEL);
  const lut = Math.max(1, Math.round(core + dot(mvtuThresholdFeatures(p), fixed ? MVTU_THRESH_MODEL_FIXED : MVTU_THRESH_MODEL)));
  const wBram = bram18For(p.PE * p.SIMD, SF * NF);
  // Input replay buffer (SF words of SIMD·INPUT_BITS): distributed RAM while small, else block RAM.
  const ibW = p.SIMD * p.INPUT_BITS;
  const ibufLut = NF > 1 && yosysPrefersLutram(ibW, SF, true);
  const lutram = NF > 1 && ibufLut ? lutramSites(ibW, SF, true) : 0;
  const ibufBram = NF > 1 && !ibufLut ? bram18For(ibW, SF) : 0;
  // Accumulators, input register, output register, threshold register, counters and pipeline
  // flags; the weight register sits in the block RAM.
  const counters = clog2(SF) + clog2(NF) + clog2(SF * NF) + 4;
  const { count, bits } = mvtuLevels(p);
  const ff =
    p.PE * p.ACC_W + ibW + (p.USE_THRESH ? p.PE * bits : p.PE * p.ACC_W) + (p.USE_THRESH ? Math.round(mvtuThresholdRegisterShare(NF) * p.PE * count * p.T_W) : 0) + counters + (wBram || SF * NF <= 1 ? 0 : p.PE * p.SIMD);
  const bram18 = wBram + ibufBram;
  return { lut, ff, lutram, bram18, bram36: bram18 / 2 };
}

// ---- cost model (iCE40, Yosys synth_ice40; fitted by scripts/fit-ice40.ts) --------------------------

/**
 * iCE40 features. LUT4: binary XNOR-popcount lanes (PE·SIMD), adder lanes of A-bit/fixed-point
 * engines (PE·SIMD·ACC_W), accumulators and the first compare (PE·ACC_W), the threshold ROM in
 * LUT4s (PE·T·(T_W+1) bits, a LUT4 per output bit per 16 words), the extra comparators of several
 * thresholds (PE·(T − 1)·ACC_W), the input replay buffer's read mux when it is small enough to
 * be flip-flops (yosysPrefersIce40Ffs; SIMD·INPUT_BITS·(SF − 1) two-way muxes, else EBR),
 * counters, constant. FF: accumulators, input register, output register, threshold register,
 * the replay buffer's bits, counters, constant. Carry: accumulators, adder lanes, comparators,
 * counters, constant. The weight ROM is EBR (rom_style block), or SPRAM when the plan says so.
 */
export function mvtuIce40Features(p: MvtuParams): Ice40Features {
  const SF = p.MW / p.SIMD;
  const NF = p.MH / p.PE;
  const { count, bits } = mvtuLevels(p);
  const T = p.USE_THRESH ? count : 0;
  const iw = p.SIMD * p.INPUT_BITS;
  const fixed = p.INPUT_BITS > 1;
  const ibufFf = NF > 1 && yosysPrefersIce40Ffs(iw, SF);
  const ibuf = ibufFf ? iw * SF : 0;
  const counters = SF * NF > 1 ? Math.log2(SF * NF) : 0;
  return {
    lut4: [
      fixed ? 0 : p.PE * p.SIMD,
      fixed ? p.PE * p.SIMD * p.ACC_W : 0,
      p.PE * p.ACC_W,
      p.PE * T * (p.T_W + 1) * Math.ceil(NF / 16),
      p.PE * Math.max(0, T - 1) * p.ACC_W,
      ibufFf ? iw * (SF - 1) : 0,
      counters,
      1,
    ],
    ff: [p.PE * p.ACC_W, iw, p.PE * (p.USE_THRESH ? bits : p.ACC_W), NF > 1 ? p.PE * T * (p.T_W + 1) : 0, ibuf, counters, 1],
    carry: [p.PE * p.ACC_W, fixed ? p.PE * p.SIMD * p.ACC_W : 0, p.PE * T * p.ACC_W, counters, 1],
  };
}

export const MVTU_ICE40_MODEL = { lut4: [3.241, 3.298, 0.337, 1.324, -0.696, 1.393, 8.354, -39.504], ff: [0.951, 1.557, 0.618, 0.066, 0.976, 4.237, -11.312], carry: [0.688, 1.5, 1.254, 0.742, 7.073] };

/** EBRs of the weight ROM (none when the weights are in SPRAM or the matrix is one word, a register) and of a large input replay buffer. */
export function mvtuIce40Ebr(p: MvtuParams, spram: boolean): number {
  const SF = p.MW / p.SIMD;
  const words = SF * (p.MH / p.PE);
  const iw = p.SIMD * p.INPUT_BITS;
  // The input replay buffer, when too large for flip-flops.
  const ibuf = p.MH / p.PE > 1 && !yosysPrefersIce40Ffs(iw, SF) ? ice40EbrFor(iw, SF) : 0;
  return (spram || words <= 1 ? 0 : ice40EbrFor(p.PE * p.SIMD, words)) + ibuf;
}

export function estimateMvtuIce40(p: MvtuParams, weightMemory?: SpramWeightMemory): Ice40Estimate {
  const spram = weightMemory ? weightMemory.lanes * weightMemory.banks : 0;
  // Several SPRAM banks deep: a bank-select mux per weight bit in front of the engine (spram_weights.v).
  const bankMux = weightMemory && weightMemory.banks > 1 ? p.PE * p.SIMD * (weightMemory.banks - 1) : 0;
  return ice40Linear(mvtuIce40Features(p), MVTU_ICE40_MODEL, { ebr: mvtuIce40Ebr(p, weightMemory !== undefined), spram }, { lut4: bankMux });
}

export const mvtuKit: BlockKit<MvtuBlock> = {
  template: { file: 'mvtu.v', module: 'bnn_mvtu' },
  uses: [{ file: 'popcount.v', module: 'bnn_popcount' }],
  clocked: true,
  verilogParams: (b) => [
    ...intParams(b.params),
    ['OUT_W', String(streamBits(b.out))],
    ['WEIGHT_FILE', `"mem/${b.weights.file}"`],
    ['THRESH_FILE', b.thresholds ? `"mem/${b.thresholds.file}"` : '""'],
  ],
  // Weights in SPRAM are no $readmemh file: they come from the board's flash image.
  memories: (b) => [...(b.weightMemory ? [] : [b.weights]), ...(b.thresholds ? [b.thresholds] : [])],
  estimate: (b) => estimateMvtu(b.params),
  estimateIce40: (b) => estimateMvtuIce40(b.params, b.weightMemory),
};
