import { BLOCK_KITS, type BlockKind, type BlockOfKind } from '../src/blocks/registry.js';
import type { Plan } from '../src/plan/types.js';
import { BinarizeSim } from './binarize.js';
import type { SimBlock } from './block.js';
import { DwcSim } from './dwc.js';
import { FifoSim } from './fifo.js';
import { LabelSelectSim } from './label-select.js';
import { MvtuSim } from './mvtu.js';
import { PoolSim } from './pool.js';
import { SwgSim } from './swg.js';

/** The twin of each block kind: one per template (src/blocks/registry.ts has the rest of the kind). */
export const TWINS: { [K in BlockKind]: (b: BlockOfKind<K>) => SimBlock } = {
  binarize: (b) => new BinarizeSim(b),
  fifo: (b) => new FifoSim(b),
  dwc: (b) => new DwcSim(b),
  mvtu: (b) => new MvtuSim(b),
  label_select: (b) => new LabelSelectSim(b),
  swg: (b) => new SwgSim(b),
  pool: (b) => new PoolSim(b),
};

/**
 * The twins of a plan's blocks, and which are combinational: the same fact (the kit's `clocked`)
 * by which the emitter leaves a block's clock unconnected, so the two cannot disagree.
 */
export function twinsFor(plan: Plan): { blocks: SimBlock[]; comb: boolean[] } {
  const blocks = plan.blocks.map((b) => (TWINS[b.kind] as (x: typeof b) => SimBlock)(b));
  return { blocks, comb: plan.blocks.map((b) => !BLOCK_KITS[b.kind].clocked) };
}
