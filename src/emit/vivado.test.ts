import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { randomModel } from '../model/random-model.js';
import { makeStimulus } from '../../sim/stimulus.js';
import { generateDesign } from '../pipeline/design.js';
import { DEFAULT_PART, vivadoFiles } from './vivado.js';

describe('vivadoFiles', () => {
  const { plan } = compile(randomModel({ name: 'tfc', arch: [32, 16, 16, 8], seed: 1 }));
  const design = generateDesign(plan, makeStimulus(plan, [new Array(plan.input.elements).fill(0)])).files;
  const viv = vivadoFiles(plan);

  it('emits the project, build, constraint and launcher files', () => {
    expect([...viv.keys()].sort()).toEqual(['vivado/build.tcl', 'vivado/clocks.xdc', 'vivado/create_project.tcl', 'vivado/run_vivado.sh']);
  });

  it('names only files that exist in the design (or in the Vivado files themselves)', () => {
    const all = new Set([...design.keys(), ...viv.keys()]);
    for (const [name, text] of viv) {
      const refs = [...text.matchAll(/\$root ((?:rtl|mem|vivado)\/[A-Za-z0-9_./-]+)\]/g)].map((m) => m[1]!);
      for (const r of refs) {
        if (r.startsWith('vivado/project') || r.startsWith('vivado/ip') || /\.(rpt|bit)$/.test(r)) continue; // outputs
        expect(all.has(r), `${name} names ${r}`).toBe(true);
      }
    }
    const tcl = viv.get('vivado/create_project.tcl')!;
    for (const f of design.keys()) if (f.startsWith('rtl/') || f.startsWith('mem/')) expect(tcl).toContain(f);
  });

  it('constrains ap_clk, targets the default part and packages AXI4-Stream interfaces', () => {
    expect(viv.get('vivado/clocks.xdc')).toMatch(/create_clock -period 10\.000 -name ap_clk \[get_ports ap_clk\]/);
    const tcl = viv.get('vivado/create_project.tcl')!;
    expect(tcl).toContain(`set part ${DEFAULT_PART}`);
    expect(tcl).toContain('ipx::package_project');
    expect(tcl).toContain('xilinx.com:interface:axis:1.0');
    expect(tcl).toMatch(/ipx::associate_bus_interfaces -busif s_axis -clock ap_clk/);
    expect(tcl).toMatch(/ipx::associate_bus_interfaces -busif m_axis -clock ap_clk/);
    // Balanced brackets and braces (a cheap Tcl syntax check).
    for (const t of [tcl, viv.get('vivado/build.tcl')!]) {
      for (const [o, c] of [['{', '}'], ['[', ']']] as const) expect(t.split(o).length).toBe(t.split(c).length);
    }
    const build = viv.get('vivado/build.tcl')!;
    expect(build.indexOf('synth_1')).toBeLessThan(build.indexOf('impl_1'));
    expect(build).toContain('-to_step write_bitstream');
    expect(vivadoFiles(plan, { part: 'xc7a35ticsg324-1L', clockMHz: 200 }).get('vivado/clocks.xdc')).toContain('-period 5.000');
  });
});
