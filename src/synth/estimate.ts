import { estimateBinarize } from '../blocks/binarize.js';
import { estimateDwc } from '../blocks/dwc.js';
import { estimateFifo } from '../blocks/fifo.js';
import { estimateLabelSelect } from '../blocks/label-select.js';
import { estimateMvtu, type BlockEstimate } from '../blocks/mvtu.js';
import { estimatePool } from '../blocks/pool.js';
import { estimateSwg } from '../blocks/swg.js';
import type { Plan, PlanBlock } from '../plan/types.js';

/** The cost model of each block kind (the model lives beside the block it describes). */
export function estimateBlock(b: PlanBlock): BlockEstimate {
  switch (b.kind) {
    case 'mvtu':
      return estimateMvtu(b.params);
    case 'fifo':
      return estimateFifo(b.params);
    case 'dwc':
      return estimateDwc(b.params);
    case 'label_select':
      return estimateLabelSelect(b.params);
    case 'binarize':
      return estimateBinarize(b.params);
    case 'swg':
      return estimateSwg(b.params);
    case 'pool':
      return estimatePool(b.params);
  }
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
