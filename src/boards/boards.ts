import { BnnError } from '../errors.js';
import type { Ice40Target } from '../synth/ice40.js';

/**
 * The boards `bnn board` builds for: package pins of the clock, the FTDI UART and the user LEDs,
 * from each board's published pinout (sources in docs/boards.md).
 */
export type BoardName = 'icebreaker' | 'hx8k-breakout';

export interface BoardDef {
  name: BoardName;
  title: string;
  target: Ice40Target;
  /** The on-board oscillator (the design runs on it directly: no PLL). */
  clockMHz: number;
  pins: { clk: string; uartRx: string; uartTx: string };
  /** User LEDs in the order of the board top's status vector (see STATUS_LEDS). */
  leds: Array<{ pin: string; label: string }>;
  ledActiveLow: boolean;
  /** How to load the bitstream (FILE is replaced by the bitstream's name). */
  load: string[];
  /** Where the FTDI UART shows up on a Linux host. */
  serialDevice: string;
  /**
   * The configuration flash as the design may use it after configuration (for weights in SPRAM,
   * which a bitstream cannot initialise): its SPI pins, and the offset at which bnn's weight image
   * is written (`iceprog -o`), well above the bitstream.
   */
  flash?: { pins: { sck: string; csN: string; mosi: string; miso: string; io2: string; io3: string }; weightsOffset: number };
}

/** What each LED shows, in order; a board with fewer LEDs shows the first ones. */
export const STATUS_LEDS = ['alive (blinks)', 'last frame rejected', 'receiving a frame', 'class bit 0', 'class bit 1', 'class bit 2', 'class bit 3', 'class bit 4'];

export const BOARDS: Record<BoardName, BoardDef> = {
  icebreaker: {
    name: 'icebreaker',
    title: 'iCEBreaker (iCE40UP5K-SG48)',
    target: 'ice40-up5k',
    clockMHz: 12,
    pins: { clk: '35', uartRx: '6', uartTx: '9' },
    leds: [
      { pin: '37', label: 'LEDG_N' },
      { pin: '11', label: 'LEDR_N' },
    ],
    ledActiveLow: true,
    load: ['iceprog FILE'],
    serialDevice: '/dev/ttyUSB1',
    // FLASH_SCK 15, FLASH_SSB 16, FLASH_IO0 14 (FPGA out), FLASH_IO1 17 (FPGA in), IO2 12, IO3 13.
    flash: { pins: { sck: '15', csN: '16', mosi: '14', miso: '17', io2: '12', io3: '13' }, weightsOffset: 0x100000 },
  },
  'hx8k-breakout': {
    name: 'hx8k-breakout',
    title: 'Lattice iCE40-HX8K breakout (iCE40HX8K-CT256)',
    target: 'ice40-hx8k',
    clockMHz: 12,
    pins: { clk: 'J3', uartRx: 'B10', uartTx: 'B12' },
    leds: ['B5', 'B4', 'A2', 'A1', 'C5', 'C4', 'B3', 'C3'].map((pin, i) => ({ pin, label: `LED${i}` })),
    ledActiveLow: false,
    load: ['iceprog FILE', 'iceprog -S FILE'],
    serialDevice: '/dev/ttyUSB1',
  },
};

export function boardDef(name: string): BoardDef {
  const b = (BOARDS as Record<string, BoardDef | undefined>)[name];
  if (!b)
    throw new BnnError({ code: 'USAGE', message: 'unknown board', field: '--board', expected: Object.keys(BOARDS).join(' or '), got: JSON.stringify(name) });
  return b;
}
