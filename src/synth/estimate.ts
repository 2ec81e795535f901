import { ice40LogicCells, type BlockEstimate, type Ice40Estimate } from '../blocks/cost.js';
import { kitOf } from '../blocks/registry.js';
import type { Plan, PlanBlock } from '../plan/types.js';

/** The cost model of each block kind (the model lives beside the block it describes). */
export function estimateBlock(b: PlanBlock): BlockEstimate {
  return kitOf(b).estimate(b);
}

export interface PlanEstimate {
  blocks: Array<{ block: string; kind: PlanBlock['kind']; estimate: BlockEstimate }>;
  total: BlockEstimate;
  /** XNOR-popcount lanes (Σ PE·SIMD over engines). */
  lanes: number;
}

export function estimatePlan(plan: Plan): PlanEstimate {
  const blocks = plan.blocks.map((b) => ({ block: b.name, kind: b.kind, estimate: estimateBlock(b) }));
  const total: BlockEstimate = { lut: 0, ff: 0, lutram: 0, bram18: 0, bram36: 0 };
  for (const { estimate: e } of blocks) for (const k of Object.keys(total) as Array<keyof BlockEstimate>) total[k] += e[k];
  const lanes = plan.blocks.reduce((a, b) => a + (b.kind === 'mvtu' ? b.params.PE * b.params.SIMD : 0), 0);
  return { blocks, total, lanes };
}

/** The iCE40 cost model of each block kind. */
export function estimateIce40Block(b: PlanBlock): Ice40Estimate {
  return kitOf(b).estimateIce40(b);
}

export interface PlanIce40Estimate {
  blocks: Array<{ block: string; kind: PlanBlock['kind']; estimate: Ice40Estimate }>;
  total: Ice40Estimate;
}

/** The plan's iCE40 estimate; the logic cells of the total are packed from its totals. */
export function estimateIce40Plan(plan: Plan): PlanIce40Estimate {
  const blocks = plan.blocks.map((b) => ({ block: b.name, kind: b.kind, estimate: estimateIce40Block(b) }));
  const t = { lut4: 0, ff: 0, carry: 0, ebr: 0, spram: 0, lc: 0 };
  for (const { estimate: e } of blocks) for (const k of Object.keys(t) as Array<keyof Ice40Estimate>) t[k] += e[k];
  return { blocks, total: { ...t, lc: ice40LogicCells(t.lut4, t.ff, t.carry) } };
}
