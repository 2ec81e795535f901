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
