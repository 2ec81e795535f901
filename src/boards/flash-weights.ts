import { flashImage, spramLoadWords, weightChecksum } from '../blocks/spram-weights.js';
import { spramEngines } from '../emit/spram-top.js';
import type { Plan } from '../plan/types.js';
import type { BoardDef } from './boards.js';

/**
 * The weights of a board build's SPRAM engines as they sit in the board's SPI flash: the image
 * file (`iceprog -o OFFSET`), its 16-bit words in load order and their checksum, which the
 * boot loader (rtl-templates/spi_flash_loader.v) is built with, so a flash holding another
 * design's weights, or none, is refused rather than run.
 */
export interface FlashWeights {
  /** Flash byte address of the image. */
  offset: number;
  words: number;
  checksum: number;
  image: Uint8Array;
  /** The image's file in the board folder. */
  file: string;
}

/** undefined: the plan keeps every weight in block RAM (nothing to load). */
export function flashWeights(plan: Plan, board: BoardDef): FlashWeights | undefined {
  const engines = spramEngines(plan);
  if (!engines.length) return undefined;
  if (!board.flash) throw new Error(`internal: ${board.name} has no flash for SPRAM weights`);
  const words = engines.flatMap((b) => spramLoadWords(b.weights, b.weightMemory));
  return { offset: board.flash.weightsOffset, words: words.length, checksum: weightChecksum(words), image: flashImage(words), file: `weights_${board.name}.bin` };
}

/** Clocks the loader takes from reset to done (wake-up, its wait, command, header, words, checksum), with a margin. */
export function flashLoadClocks(f: Pick<FlashWeights, 'words'>, wakeClks: number): number {
  const bytes = 1 + 4 + 8 + 2 * f.words + 4;
  return Math.ceil((wakeClks + 20 * bytes) * 1.1) + 64;
}

/** Clocks of the flash's tRES1 (3 µs, release from deep power-down) at a clock, rounded up with a margin. */
export function flashWakeClocks(clockHz: number): number {
  return Math.ceil(4e-6 * clockHz);
}
