import type { BlockEstimate } from '../blocks/cost.js';
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
