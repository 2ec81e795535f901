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
  /**
   * Where the threshold memory lives (mvtu.v THRESH_RAM): 1 block RAM, 0 left to synthesis (a LUT
   * ROM for these shallow, wide memories). Same cycle behaviour either way; see mvtuThreshRam.
   */
  THRESH_RAM: 0 | 1;
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

/** Threshold memory shape: NF words of PE·(T·T_W + 1) bits (src/blocks/mvtu-images.ts). */
function thresholdShape(p: Pick<MvtuParams, 'MH' | 'PE' | 'T_W' | 'N_THRESH'>): { width: number; depth: number } {
  return { width: p.PE * ((p.N_THRESH ?? 1) * p.T_W + 1), depth: p.MH / p.PE };
}

/** LUTs the threshold memory costs as a LUT ROM: a LUT6 holds 64 words of one bit. */
export function thresholdRomLuts(p: Pick<MvtuParams, 'MH' | 'PE' | 'T_W' | 'N_THRESH'>): number {
  const { width, depth } = thresholdShape(p);
  return width * Math.ceil(depth / 64);
}

/** Block RAMs (RAMB18) the threshold memory takes in block RAM. */
export function thresholdBram18(p: Pick<MvtuParams, 'MH' | 'PE' | 'T_W' | 'N_THRESH'>): number {
  const { width, depth } = thresholdShape(p);
  return Math.max(1, bram18For(width, Math.max(2, depth)));
}

/**
 * LUTs a RAMB18 must save before the thresholds go to block RAM. A RAMB18 is 36 bits wide at
 * 512 words, so a memory of whole 36-bit groups saves 36·⌈NF/64⌉ LUTs per RAMB18 (docs/datapath.md:
 * 136 LUTs for 2 RAMB36 at PE×SIMD = 16×32); narrow memories (a few PEs: 11–44 bits) would take a
 * whole block RAM for a few dozen LUTs and stay in LUTs, which also keeps small designs' block RAM
 * (an iCE40 HX8K has 32 EBRs) for the weights.
 */
export const THRESH_RAM_MIN_LUTS_PER_BRAM18 = 32;

/** The plan's threshold memory choice (mvtu.v THRESH_RAM) for an engine. */
export function mvtuThreshRam(p: Pick<MvtuParams, 'MH' | 'PE' | 'T_W' | 'N_THRESH' | 'USE_THRESH'>): 0 | 1 {
  if (!p.USE_THRESH) return 0;
  return thresholdRomLuts(p) >= THRESH_RAM_MIN_LUTS_PER_BRAM18 * thresholdBram18(p) ? 1 : 0;
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
      THRESH_RAM: mvtuThreshRam({ MH, PE, T_W, USE_THRESH, ...(multiBit ? { N_THRESH: t.count } : {}) }),
    },
    weights,
    ...(thresholds ? { thresholds } : {}),
  };
}

// ---- cost model (7-series, Yosys synth_xilinx; calibrated by scripts/bench-synth.ts) ---------
/** Popcount width in mvtu.v (PC_W): 0..SIMD, at least 2, at most ACC_W. */
export function mvtuPopcountWidth(p: Pick<MvtuParams, 'SIMD' | 'ACC_W'>): number {
  return Math.min(p.ACC_W, Math.max(2, clog2(p.SIMD + 1)));
}

/** Features of the MVTU LUT model (coefficients in MVTU_LUT_MODEL, same order). */
export function mvtuLutFeatures(p: Pick<MvtuParams, 'MW' | 'MH' | 'PE' | 'SIMD' | 'ACC_W' | 'T_W' | 'USE_THRESH' | 'N_THRESH' | 'THRESH_RAM'>): number[] {
  const SF = p.MW / p.SIMD;
  const NF = p.MH / p.PE;
  return [
    p.PE * p.SIMD, // XNOR-popcount lanes
    p.PE * mvtuPopcountWidth(p), // accumulator adder: one LUT per popcount bit (the upper bits ride on the carry chain)
    p.USE_THRESH ? p.PE * p.ACC_W : 0, // threshold compare and invert
    // threshold memory as a LUT ROM, first threshold and invert bit (more thresholds: mvtuThresholdFeatures)
    p.USE_THRESH && !p.THRESH_RAM ? thresholdRomLuts({ MH: p.MH, PE: p.PE, T_W: p.T_W }) : 0,
    NF > 1 ? p.SIMD * Math.ceil(SF / 64) : 0, // input replay buffer read mux
    SF * NF > 1 ? Math.log2(SF * NF) : 0, // counters
    1,
  ];
}

/**
 * MVTU LUT model (popcount = plain sum or tree, mvtu.v POPCOUNT = 0 and 1): LUTs ≈ MVTU_LUT_MODEL ·
 * mvtuLutFeatures(p): per lane, per popcount bit of the accumulator adders, per compare bit, per
 * threshold-ROM LUT, buffer mux, counters, constant. Set by hand for the issue-15 datapath (the
 * bit-heap model with the plain sum's 1.9 LUT/lane, from its 62 LUTs at SIMD 32), not refitted:
 * `node dist/scripts/bench-synth.js grid` prints a refit. The plan does not use these popcounts.
 */
export const MVTU_LUT_MODEL = [1.9, 1, 0.45, 1, 1.1, 6.5, 1];

/**
 * The same features with the bit-heap popcount (POPCOUNT = 2, the plan's default for binary
 * engines). Set by hand from the per-stage figures of `bench-synth.js datapath` (docs/datapath.md):
 * 1.41 per lane (bit heap at SIMD 32), 1 per accumulator adder bit, 0.45 per compare bit (6 LUTs
 * per PE at ACC_W 9 with the invert), 1 per ROM LUT; not yet refitted on the grid
 * (`BNN_POPCOUNT=2 node dist/scripts/bench-synth.js grid`). Error against the four datapath
 * points +10.9 / +17.3 / −1.2 / −2.3 %; hw-tests/synth.test.ts keeps it within 20 % of Yosys on its grid.
 */
export const MVTU_LUT_MODEL_HEAP = [1.41, 1, 0.45, 1, 1.1, 6, 12];

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
export function mvtuThresholdFeatures(p: Pick<MvtuParams, 'MH' | 'PE' | 'ACC_W' | 'T_W' | 'USE_THRESH' | 'N_THRESH' | 'THRESH_RAM'>): number[] {
  const extra = p.USE_THRESH ? (p.N_THRESH ?? 1) - 1 : 0;
  if (extra <= 0) return [0, 0, 0];
  const bits = p.PE * extra * p.T_W;
  const NF = p.MH / p.PE;
  // In block RAM (THRESH_RAM = 1) the ROM-depth term costs no LUTs; the comparators stay.
  const rom = p.THRESH_RAM || NF <= 4 ? 0 : bits * Math.ceil(NF / 64);
  return [NF > 1 ? bits : 0, NF > 1 ? 0 : bits, rom];
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
  // flags; the weight register sits in the block RAM, and so does the threshold register when the
  // thresholds are there (THRESH_RAM).
  const counters = clog2(SF) + clog2(NF) + clog2(SF * NF) + 4;
  const { count, bits } = mvtuLevels(p);
  const ff =
    p.PE * p.ACC_W + ibW + (p.USE_THRESH ? p.PE * bits : p.PE * p.ACC_W) + (p.USE_THRESH && !p.THRESH_RAM ? Math.round(mvtuThresholdRegisterShare(NF) * p.PE * count * p.T_W) : 0) + counters + (wBram || SF * NF <= 1 ? 0 : p.PE * p.SIMD);
  const tBram = p.USE_THRESH && p.THRESH_RAM ? thresholdBram18(p) : 0;
  const bram18 = wBram + ibufBram + tBram;
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
  // Thresholds the plan put in block RAM (mvtuThreshRam), in the threshold image's shape.
  const ts = thresholdShape(p);
  const thr = p.USE_THRESH && p.THRESH_RAM ? ice40EbrFor(ts.width, ts.depth) : 0;
  return (spram || words <= 1 ? 0 : ice40EbrFor(p.PE * p.SIMD, words)) + ibuf + thr;
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
  // SPRAM-weight engines add a bank mux the fit does not model.
  ice40Features: (b) => (b.weightMemory ? null : mvtuIce40Features(b.params)),
};
