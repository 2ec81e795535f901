import type { Plan } from '../plan/types.js';
import { inAxisBits, outAxisBits } from '../emit/top-verilog.js';
import { flattenCounts, type YosysStat } from './yosys-json.js';

export type Ice40Target = 'ice40-hx8k' | 'ice40-up5k';

export interface Ice40Device {
  nextpnrFlag: string;
  package: string;
  /** Logic cells (LUT4 + FF + carry), 4 kbit block RAMs, user I/O pins of that package. */
  lcs: number;
  bram: number;
  io: number;
  /** SB_SPRAM256KA (16K x 16 bit single-port RAM): 4 on the UltraPlus parts, none on LP/HX. */
  spram: number;
}

export const ICE40_DEVICES: Record<Ice40Target, Ice40Device> = {
  'ice40-hx8k': { nextpnrFlag: '--hx8k', package: 'ct256', lcs: 7680, bram: 32, io: 206, spram: 0 },
  'ice40-up5k': { nextpnrFlag: '--up5k', package: 'sg48', lcs: 5280, bram: 30, io: 39, spram: 4 },
};

export interface Ice40Resources {
  lut4: number;
  ff: number;
  carry: number;
  bram: number;
  dsp: number;
  /** Top-level I/O pins the design needs (clock, reset, both AXI4-Stream ports). */
  io: number;
}

export function ice40Resources(counts: Record<string, number>, io: number): Ice40Resources {
  const r: Ice40Resources = { lut4: 0, ff: 0, carry: 0, bram: 0, dsp: 0, io };
  for (const [t, n] of Object.entries(counts)) {
    if (t === 'SB_LUT4') r.lut4 += n;
    else if (/^SB_DFF/.test(t)) r.ff += n;
    else if (t === 'SB_CARRY') r.carry += n;
    else if (/^SB_RAM40_4K/.test(t)) r.bram += n;
    else if (t === 'SB_MAC16') r.dsp += n;
  }
  return r;
}

/** Pins of the top: clock, reset, input data + valid + ready, output data + valid + ready. */
export function topIoPins(plan: Plan): number {
  return 2 + inAxisBits(plan) + 2 + outAxisBits(plan) + 2;
}

export function ice40SynthResources(plan: Plan, stat: YosysStat): Ice40Resources {
  return ice40Resources(flattenCounts(stat, plan.top), topIoPins(plan));
}

/** Resources that certainly exceed the device, before place and route (empty: may fit). */
export function ice40Overflows(r: Ice40Resources, dev: Ice40Device): string[] {
  const over: string[] = [];
  if (r.lut4 > dev.lcs) over.push(`${r.lut4} LUT4 > ${dev.lcs} logic cells`);
  if (r.ff > dev.lcs) over.push(`${r.ff} flip-flops > ${dev.lcs} logic cells`);
  if (r.bram > dev.bram) over.push(`${r.bram} block RAMs > ${dev.bram}`);
  if (r.io > dev.io) over.push(`${r.io} I/O pins > ${dev.io} on package ${dev.package}`);
  return over;
}

export function ice40Script(plan: Plan, rtlFiles: string[], target: Ice40Target): string {
  return `# Yosys: synthesis of ${plan.top} for ${target} (run from this folder: yosys -s synth_${target}.ys)
${rtlFiles.map((f) => `read_verilog -defer ${f}`).join('\n')}
hierarchy -check -top ${plan.top}
# Weight memories are ROMs: ask for block RAM (Yosys would otherwise build them from logic).
setattr -set rom_style "block" m:wmem
synth_ice40 -top ${plan.top} -json ${target}.json
tee -q -o ${target}_stat.json stat -json
`;
}

/** The commands of the iCE40 flow, in order; the same list is written to pnr_<target>.sh and run by bnn. */
export function ice40Commands(plan: Plan, target: Ice40Target, clockMHz: number): Array<{ step: string; argv: string[] }> {
  const dev = ICE40_DEVICES[target];
  return [
    { step: 'yosys synth_ice40', argv: ['yosys', '-q', '-l', `synth_${target}.log`, '-s', `synth_${target}.ys`] },
    {
      step: 'nextpnr-ice40',
      argv: [
        'nextpnr-ice40', dev.nextpnrFlag, '--package', dev.package, '--json', `${target}.json`, '--asc', `${target}.asc`,
        '--freq', String(clockMHz), '--report', `${target}_report.json`, '--pcf-allow-unconstrained', '--timing-allow-fail', '--seed', '1',
        '-q', '-l', `pnr_${target}.log`,
      ],
    },
    { step: 'icepack', argv: ['icepack', `${target}.asc`, `${plan.top}_${target}.bin`] },
  ];
}

export function ice40ShellScript(plan: Plan, target: Ice40Target, clockMHz: number): string {
  const q = (a: string) => (/^[A-Za-z0-9_./=+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return `#!/bin/sh
# ${target}: synthesis (Yosys), place and route at ${clockMHz} MHz (nextpnr-ice40), bitstream (icepack).
# Out of context: no .pcf, the pins are left to the placer. Achieved Fmax: ${target}_report.json.
set -e
cd "$(dirname "$0")"
${ice40Commands(plan, target, clockMHz).map((c) => c.argv.map(q).join(' ')).join('\n')}
echo "bitstream: ${plan.top}_${target}.bin"
`;
}

/** nextpnr's --report: achieved Fmax per clock and utilisation per bel type. */
export interface NextpnrReport {
  fmax?: Record<string, { achieved: number; constraint: number }>;
  utilization?: Record<string, { available: number; used: number }>;
}

export interface Ice40PnrResult {
  /** Worst achieved Fmax over the design's clocks (MHz). */
  fmaxMHz: number | null;
  constraintMHz: number | null;
  utilization: Record<string, { available: number; used: number }>;
}

export function readNextpnrReport(r: NextpnrReport): Ice40PnrResult {
  const clocks = Object.values(r.fmax ?? {});
  const fmax = clocks.length ? Math.min(...clocks.map((c) => c.achieved)) : null;
  const cons = clocks.length ? Math.min(...clocks.map((c) => c.constraint)) : null;
  return { fmaxMHz: fmax, constraintMHz: cons, utilization: r.utilization ?? {} };
}
