/**
 * What every block's cost model is made of: the estimate's fields and how 7-series memories of a
 * given shape are built (block RAM aspect ratios, distributed RAM sites, Yosys's choice between them).
 */

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

/**
 * Estimated iCE40 resources of one block (Yosys 0.23 synth_ice40; fitted by scripts/fit-ice40.ts).
 * An iCE40 logic cell holds one LUT4, one flip-flop and one carry; `lc` is the cells nextpnr's
 * packer makes of them (ice40LogicCells), the figure a device's size is given in.
 */
export interface Ice40Estimate {
  lut4: number;
  ff: number;
  carry: number;
  /** 4 kbit SB_RAM40_4K block RAMs (EBR). */
  ebr: number;
  /** SB_SPRAM256KA (UltraPlus only; used when the plan puts an engine's weights there). */
  spram: number;
  lc: number;
}

/** SB_RAM40_4K as a ROM or RAM: depth × width per block (the four legal aspect ratios). */
const EBR_MODES: Array<[number, number]> = [[256, 16], [512, 8], [1024, 4], [2048, 2]];

/** EBRs of a width × depth memory in its cheapest aspect ratio (0 for an empty one). */
export function ice40EbrFor(width: number, depth: number): number {
  if (width * depth === 0) return 0;
  return Math.min(...EBR_MODES.map(([d, w]) => Math.ceil(depth / d) * Math.ceil(width / w)));
}

/**
 * Logic cells nextpnr-ice40 packs LUT4s, flip-flops and carries into: a flip-flop shares the
 * cell of the LUT that drives it, a carry that of the LUT computing its sum bit, so the cells
 * are near the LUT count plus the flip-flops and carries that found no partner LUT.
 * LC ≈ ICE40_LC_MODEL · (LUT4, FF, carry), least squares against nextpnr-ice40 --pack-only on the 8
 * designs of scripts/fit-ice40.ts: mean |error| 5.3 %, worst 8.9 % (BENCHMARKS.md, ice40-fit).
 */
export const ICE40_LC_MODEL = [0.829, 0.949, 0.452];

export function ice40LogicCells(lut4: number, ff: number, carry: number): number {
  const [a, b, c] = ICE40_LC_MODEL as [number, number, number];
  return Math.round(a * lut4 + b * ff + c * carry);
}

/** An estimate from its LUT4, FF, carry and memory counts (the logic cells follow). */
export function ice40Estimate(r: Omit<Ice40Estimate, 'lc' | 'spram'> & { spram?: number }): Ice40Estimate {
  const lut4 = Math.max(0, Math.round(r.lut4));
  const ff = Math.max(0, Math.round(r.ff));
  const carry = Math.max(0, Math.round(r.carry));
  return { lut4, ff, carry, ebr: r.ebr, spram: r.spram ?? 0, lc: ice40LogicCells(lut4, ff, carry) };
}

/**
 * Whether Yosys 0.23 (synth_ice40, memory_libmap) builds a memory from flip-flops and LUT muxes
 * rather than EBR: the iCE40 has no distributed RAM, so a small memory costs its bits in
 * flip-flops. A memory read asynchronously through a registered address (fifo.v's rd_ptr, the
 * MVTU's replay buffer at sf) still goes to EBR: Yosys moves the address register into the
 * EBR's read port. In the fit designs (scripts/fit-ice40.ts, Yosys 0.23) every FIFO of up to
 * 64 bits (4×16, 16×4, 32×2) and the 64×2 one were flip-flops, every one of 128 bits or more
 * with more than 2 words (2×64, 4×32, 8×16, 16×8, …, 1×784) EBR.
 */
export const ICE40_FF_MEMORY_BITS = 64;
export function yosysPrefersIce40Ffs(width: number, depth: number): boolean {
  return width * depth <= ICE40_FF_MEMORY_BITS || depth <= 2;
}

/**
 * A memory in flip-flops on an iCE40 (yosysPrefersIce40Ffs): its bits, a depth-way read mux per
 * bit (depth − 1 two-way muxes, ~2/3 of a LUT4 each as 4:1 muxes pack two levels into 1.5
 * LUT4s) plus a write decode per word. Used by the unfitted window generator and pool models.
 */
export function ice40AsyncMemory(width: number, depth: number): { lut4: number; ff: number } {
  if (depth <= 1) return { lut4: 0, ff: width * depth };
  return { lut4: Math.round((2 / 3) * width * (depth - 1) + depth), ff: width * depth };
}

/**
 * LUT4s for logic whose 7-series LUT6 count is known and which was not fitted on iCE40: the
 * ratio of iCE40 LUT4 to xc7 LUT of one MVTU in BENCHMARKS.md's datapath section (2.0 at 4×8,
 * 1.4 at 16×16 to 32×32) — a rough figure, used by the blocks no iCE40-sized shipped model has.
 */
export const ICE40_LUT4_PER_LUT6 = 1.5;

/** Feature vectors of a block's iCE40 LUT4, FF and carry models (one coefficient each, same order). */
export interface Ice40Features {
  lut4: number[];
  ff: number[];
  carry: number[];
}
export type Ice40Model = Ice40Features;

const dot = (x: number[], m: number[]) => x.reduce((a, v, i) => a + v * (m[i] ?? 0), 0);

/** A fitted linear model's estimate, plus the memories counted apart (EBR, SPRAM) and any exact extra counts. */
export function ice40Linear(f: Ice40Features, m: Ice40Model, mem: { ebr: number; spram?: number }, extra: Partial<Record<'lut4' | 'ff' | 'carry', number>> = {}): Ice40Estimate {
  return ice40Estimate({
    lut4: dot(f.lut4, m.lut4) + (extra.lut4 ?? 0),
    ff: dot(f.ff, m.ff) + (extra.ff ?? 0),
    carry: dot(f.carry, m.carry) + (extra.carry ?? 0),
    ebr: mem.ebr,
    spram: mem.spram ?? 0,
  });
}
