import type { Plan } from '../plan/types.js';
import { flattenCounts, topInstances, type YosysNetlist, type YosysStat } from './yosys-json.js';

/** 7-series resources, as Vivado's utilization report names them. */
export interface XilinxResources {
  /** LUTs used as logic (LUT1..LUT6). */
  lut: number;
  /** LUTs used as memory (distributed RAM, SRL), counted in LUT sites. */
  lutram: number;
  ff: number;
  carry4: number;
  muxf7: number;
  muxf8: number;
  ramb18: number;
  ramb36: number;
  /** RAMB36 equivalents: ramb36 + ramb18 / 2. */
  bram36: number;
  dsp: number;
  /** Cells of any other type (buffers etc.), by type. */
  other: Record<string, number>;
}

/** LUT sites each distributed-RAM / shift-register primitive occupies. */
const LUTRAM_SITES: Record<string, number> = {
  RAM16X1S: 1, RAM32X1S: 1, RAM64X1S: 1, RAM128X1S: 2, RAM256X1S: 4,
  RAM16X1D: 2, RAM32X1D: 2, RAM64X1D: 2, RAM128X1D: 4, RAM256X1D: 8,
  RAM32M: 4, RAM64M: 4, RAM32M16: 8, RAM64M8: 8,
  SRL16E: 1, SRLC16E: 1, SRLC32E: 1,
};

export function xilinxResources(counts: Record<string, number>): XilinxResources {
  const r: XilinxResources = { lut: 0, lutram: 0, ff: 0, carry4: 0, muxf7: 0, muxf8: 0, ramb18: 0, ramb36: 0, bram36: 0, dsp: 0, other: {} };
  for (const [t, n] of Object.entries(counts)) {
    if (/^LUT[1-6]$/.test(t)) r.lut += n;
    else if (t in LUTRAM_SITES) r.lutram += n * LUTRAM_SITES[t]!;
    else if (/^(FD[RSCP]E|FD[RSCP]E_1|LDCE|LDPE)$/.test(t)) r.ff += n;
    else if (t === 'CARRY4' || t === 'CARRY8') r.carry4 += n;
    else if (t === 'MUXF7') r.muxf7 += n;
    else if (t === 'MUXF8') r.muxf8 += n;
    else if (t === 'RAMB18E1') r.ramb18 += n;
    else if (t === 'RAMB36E1') r.ramb36 += n;
    else if (/^DSP48/.test(t)) r.dsp += n;
    else if (t !== 'INV') r.other[t] = (r.other[t] ?? 0) + n;
  }
  // INV cells only appear transiently; a LUT1 in practice. Count them as logic LUTs.
  r.lut += counts.INV ?? 0;
  r.bram36 = r.ramb36 + r.ramb18 / 2;
  return r;
}

export interface XilinxBlockResult {
  block: string;
  kind: string;
  module: string;
  resources: XilinxResources;
}

export interface XilinxSynthResult {
  family: 'xc7';
  blocks: XilinxBlockResult[];
  total: XilinxResources;
}

/** Per-block and total resources: each plan block is the top's instance of the same name. */
export function xilinxResult(plan: Plan, stat: YosysStat, top: YosysNetlist): XilinxSynthResult {
  const inst = topInstances(top, plan.top);
  const blocks = plan.blocks.map((b) => {
    const module = inst.get(b.name);
    if (!module) throw new Error(`block ${b.name} is not an instance of ${plan.top} in the synthesized netlist`);
    return { block: b.name, kind: b.kind, module, resources: xilinxResources(flattenCounts(stat, module)) };
  });
  return { family: 'xc7', blocks, total: xilinxResources(flattenCounts(stat, plan.top)) };
}

/** Yosys script: read the design, keep the hierarchy, synthesize for 7-series, write statistics. */
export function xc7Script(plan: Plan, rtlFiles: string[]): string {
  return `# Yosys: out-of-context synthesis of ${plan.top} for Xilinx 7-series (run from this folder:
#   yosys -s synth_xc7.ys). The hierarchy is kept so that every plan block is one instance;
# bnn reads xc7_stat.json (cell counts per module) and xc7_top.json (which
# instance is which module) to report resources per block.
${rtlFiles.map((f) => `read_verilog -defer ${f}`).join('\n')}
hierarchy -check -top ${plan.top}
# Weight memories are ROMs: ask for block RAM (Yosys would otherwise build them from logic).
setattr -set rom_style "block" m:wmem
synth_xilinx -top ${plan.top} -family xc7 -noiopad -noclkbuf
tee -q -o xc7_stat.json stat -json -tech xilinx
write_verilog -noattr xc7_netlist.v
# Keep only the top (its cells are the plan's blocks) for the instance → module map.
delete =* =${plan.top} %d
write_json xc7_top.json
`;
}
