import { binarizeKit, type BinarizeBlock } from './binarize.js';
import { dwcKit, type DwcBlock } from './dwc.js';
import { fifoKit, type FifoBlock } from './fifo.js';
import type { BlockKit } from './kit.js';
import { labelSelectKit, type LabelSelectBlock } from './label-select.js';
import { mvtuKit, type MvtuBlock } from './mvtu.js';
import { poolKit, type PoolBlock } from './pool.js';
import { swgKit, type SwgBlock } from './swg.js';

/** Every block a plan can hold. A new kind: its file in src/blocks/, one line here and one entry below. */
export type PlanBlock = BinarizeBlock | FifoBlock | MvtuBlock | DwcBlock | LabelSelectBlock | SwgBlock | PoolBlock;

export type BlockKind = PlanBlock['kind'];

export type BlockOfKind<K extends BlockKind> = Extract<PlanBlock, { kind: K }>;

/** The kit of each block kind (src/blocks/kit.ts): what the emitter, simulator and estimator ask. */
export const BLOCK_KITS: { [K in BlockKind]: BlockKit<BlockOfKind<K>> } = {
  binarize: binarizeKit,
  fifo: fifoKit,
  dwc: dwcKit,
  mvtu: mvtuKit,
  label_select: labelSelectKit,
  swg: swgKit,
  pool: poolKit,
};

export function kitOf<B extends PlanBlock>(b: B): BlockKit<B> {
  // The mapped type guarantees BLOCK_KITS[b.kind] is the kit of b's own kind.
  return BLOCK_KITS[b.kind] as unknown as BlockKit<B>;
}

/** Template files a set of blocks needs (each kind's dependencies, then its own file), kinds in name order, each file once. */
export function templateFilesOf(blocks: readonly PlanBlock[]): string[] {
  const kinds = [...new Set(blocks.map((b) => b.kind))].sort();
  return [...new Set(kinds.flatMap((k) => [...BLOCK_KITS[k].uses, BLOCK_KITS[k].template].map((t) => t.file)))];
}

/** Every module the block templates define. */
export function blockTemplateModules(): string[] {
  return [...new Set(Object.values(BLOCK_KITS).flatMap((k) => [k.template.module, ...k.uses.map((u) => u.module)]))];
}
