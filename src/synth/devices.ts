import { ICE40_DEVICES, type Ice40Target } from './ice40.js';

/** What automatic folding may spend on one device, and where the figures come from. */
export interface Device {
  name: string;
  family: 'xc7' | 'ice40';
  /** xc7: 6-input LUTs; iCE40: logic cells (one LUT4 + FF each). */
  lut: number;
  ff: number;
  /** xc7: 36 kbit block RAMs; iCE40: 4 kbit EBRs. */
  bram: number;
  source: string;
}

/** iCE40 parts: the figures synth already checks against (src/synth/ice40.ts); a logic cell has one FF. */
function ice40(name: Ice40Target, source: string): Device {
  const d = ICE40_DEVICES[name];
  return { name, family: 'ice40', lut: d.lcs, ff: d.lcs, bram: d.bram, source };
}

export const DEVICES: Device[] = [
  {
    name: 'xc7z020',
    family: 'xc7',
    lut: 53200,
    ff: 106400,
    bram: 140,
    source: 'AMD/Xilinx DS190, Zynq-7000 SoC Data Sheet: Overview, device table (Z-7020: 53,200 LUTs, 106,400 flip-flops, 140 36 Kb block RAMs)',
  },
  {
    name: 'xc7a100t',
    family: 'xc7',
    lut: 63400,
    ff: 126800,
    bram: 135,
    source: 'AMD/Xilinx DS180, 7 Series FPGAs Data Sheet: Overview, Artix-7 device table (XC7A100T: 63,400 LUTs, 126,800 flip-flops, 135 36 Kb block RAMs)',
  },
  ice40('ice40-hx8k', 'Lattice FPGA-DS-02029, iCE40 LP/HX Family Data Sheet, family selection table (HX8K: 7,680 logic cells, 32 4 kbit EBRs) and package I/O table (CT256: 206 user I/O); iCE40 logic cell = LUT4 + DFF + carry, which is what bnn fold --device estimates'),
  ice40('ice40-up5k', 'Lattice FPGA-DS-02008, iCE40 UltraPlus Family Data Sheet, family selection table (UP5K: 5,280 logic cells, 30 4 kbit EBRs, 4 256 kbit SPRAMs) and package I/O table (SG48: 39 user I/O)'),
];

export function deviceNamed(name: string): Device | undefined {
  return DEVICES.find((d) => d.name === name);
}
