import type { MemoryImage } from '../blocks/memory-image.js';
import { kitOf } from '../blocks/registry.js';
import type { Plan } from './types.js';

/** Every memory image of a plan, in block order: the files under mem/. */
export function planMemories(plan: Plan): MemoryImage[] {
  return plan.blocks.flatMap((b) => kitOf(b).memories(b));
}
