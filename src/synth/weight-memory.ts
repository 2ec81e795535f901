import { BnnError } from '../errors.js';
import { ice40EbrFor } from '../blocks/cost.js';
import type { MvtuBlock } from '../blocks/mvtu.js';
import { spramCount, spramShape } from '../blocks/spram-weights.js';
import type { Plan } from '../plan/types.js';
import { ICE40_DEVICES, type Ice40Target } from './ice40.js';

/**
 * Where each engine's weights go on an iCE40: the ROM of mvtu.v (Yosys maps it to 4 kbit EBRs)
 * or, on an UltraPlus part, SPRAM (4 x 256 kbit, no initial contents: loaded from the board's
 * flash after configuration). Analytic, so it runs before synthesis: EBRs a ROM needs in the
 * cheapest SB_RAM40_4K aspect ratio, plus one estimate per input replay buffer; while that
 * exceeds the part's EBRs, the engine whose ROM needs the most EBRs moves to SPRAM, if its
 * SPRAMs (ceil(PE·SIMD/16) side by side, ceil(SF·NF/16K) deep) are still free. Place and route
 * has the last word; the choice is recorded in the plan (`weightMemory`) and the report.
 */

export interface EngineWeightMemory {
  engine: string;
  memory: 'ebr' | 'spram';
  /** Weight bits (PE·SIMD x SF·NF). */
  bits: number;
  /** EBRs the ROM would take. */
  ebr: number;
  /** SPRAMs it takes when in SPRAM (else 0). */
  spram: number;
}

export interface WeightPlacement {
  plan: Plan;
  engines: EngineWeightMemory[];
  /** EBRs estimated for what stays in block RAM (ROMs + input buffers), and the part's. */
  ebrEstimate: number;
  ebrAvailable: number;
  spramUsed: number;
  spramAvailable: number;
}

function mvtus(plan: Plan): MvtuBlock[] {
  return plan.blocks.filter((b): b is MvtuBlock => b.kind === 'mvtu');
}

/** The input replay buffer (SF words of SIMD·INPUT_BITS, when NF > 1). */
function ibufEbr(b: MvtuBlock): number {
  const p = b.params;
  return p.MH / p.PE > 1 ? ice40EbrFor(p.SIMD * p.INPUT_BITS, p.MW / p.SIMD) : 0;
}

/** The threshold memory when the plan put it in block RAM (THRESH_RAM = 1), else 0 (LUTs). */
function thresholdEbr(b: MvtuBlock): number {
  return b.params.THRESH_RAM && b.thresholds ? ice40EbrFor(b.thresholds.width, b.thresholds.depth) : 0;
}

/** The plan with the named engines' weights in SPRAM (the others unchanged); the plan itself when none is named. */
export function withSpramWeights(plan: Plan, engines: readonly string[]): Plan {
  if (!engines.length) return plan;
  const named = new Set(engines);
  for (const n of named)
    if (!plan.blocks.some((b) => b.kind === 'mvtu' && b.name === n)) throw new Error(`internal: no engine ${n} in plan ${plan.name}`);
  return { ...plan, blocks: plan.blocks.map((b) => (b.kind === 'mvtu' && named.has(b.name) ? { ...b, weightMemory: spramShape(b.weights.width, b.weights.depth) } : b)) };
}

export function placeWeights(plan: Plan, target: Ice40Target): WeightPlacement {
  const dev = ICE40_DEVICES[target];
  const engines = mvtus(plan);
  const rom = new Map(engines.map((b) => [b.name, ice40EbrFor(b.weights.width, b.weights.depth)]));
  const fixed = engines.reduce((a, b) => a + ibufEbr(b) + thresholdEbr(b), 0);
  const inSpram = new Set<string>();
  let spramUsed = 0;
  let ebr = fixed + [...rom.values()].reduce((a, x) => a + x, 0);
  // Largest ROM first (plan order among equals): each move frees the most EBRs per SPRAM.
  const order = [...engines].sort((a, b) => rom.get(b.name)! - rom.get(a.name)!);
  for (const b of order) {
    if (ebr <= dev.bram) break;
    const need = spramCount(spramShape(b.weights.width, b.weights.depth));
    if (spramUsed + need > dev.spram) continue;
    inSpram.add(b.name);
    spramUsed += need;
    ebr -= rom.get(b.name)!;
  }
  const totalBits = engines.reduce((a, b) => a + b.weights.width * b.weights.depth, 0);
  const capacity = dev.bram * 4096 + dev.spram * 16384 * 16;
  if (totalBits > capacity)
    throw new BnnError({
      code: 'USAGE',
      message: `the weights (${totalBits} bits) do not fit ${target}: ${dev.bram} EBRs of 4 kbit${dev.spram ? ` and ${dev.spram} SPRAMs of 256 kbit` : ' (it has no SPRAM)'} hold ${capacity} bits`,
      field: '--board',
      got: target,
    });
  return {
    plan: withSpramWeights(plan, [...inSpram]),
    engines: engines.map((b) => {
      const s = inSpram.has(b.name);
      return { engine: b.name, memory: s ? 'spram' : 'ebr', bits: b.weights.width * b.weights.depth, ebr: rom.get(b.name)!, spram: s ? spramCount(spramShape(b.weights.width, b.weights.depth)) : 0 };
    }),
    ebrEstimate: ebr,
    ebrAvailable: dev.bram,
    spramUsed,
    spramAvailable: dev.spram,
  };
}
