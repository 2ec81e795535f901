import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { outAxisBits } from '../../emit/top-verilog.js';
import { randomModel } from '../../model/random-model.js';
import { pynqFiles } from './files.js';

const model = randomModel({ name: 'pz', arch: [48, 32, 24, 10], seed: 3 });
const fold = (simd0: number, pe2: number) => ({ layers: [{ pe: 4, simd: simd0 }, { pe: 4, simd: 8 }, { pe: pe2, simd: 8 }], fifoDepth: 'auto' as const, source: 'test' });

/** Vivado is not here: the Tcl is checked for what it must contain and for the files it names. */
describe('PYNQ-Z2 block design Tcl', () => {
  it.each([
    ['input 12 bytes, class output', fold(12, 5), 'class' as const],
    ['input 4 bytes (no input converter), scores over 2 beats', fold(4, 5), 'scores' as const],
  ])('%s', (_, f, output) => {
    const c = compile(model, { fold: f, output });
    const files = pynqFiles(c.plan);
    const tcl = files.get('pynq/bd.tcl')!;
    // Every file it reads is in the folder; what it writes goes under pynq/, or vivado/ip, which create_project.tcl packages.
    const named = [...tcl.matchAll(/\[file join \$root ([^\]\s]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(3);
    for (const p of named) {
      if (p === 'vivado/ip') expect(files.get('vivado/create_project.tcl')).toContain('[file join $root vivado/ip]');
      else if (p.startsWith('pynq/project') || p === 'pynq') continue;
      else expect(files.has(p), p).toBe(true);
    }
    expect(files.get('rtl/axis_tlast.v')).toMatch(/^module bnn_axis_tlast /m);
    // The packaged IP's VLNV: vendor and library from the packaging Tcl, the name the top.
    expect(files.get('vivado/create_project.tcl')).toMatch(/ipx::package_project .*-vendor bnn -library bnn /);
    expect(tcl).toContain(`set top ${c.plan.top}\n`);
    expect(tcl).toContain('create_bd_cell -type ip -vlnv bnn:bnn:$top:1.0 accel');
    for (const ip of ['processing_system7:5.5 ps7', 'proc_sys_reset:5.0 rst0', 'axi_dma:7.1 axi_dma_0']) expect(tcl).toContain(`xilinx.com:ip:${ip}`);
    expect(tcl).toContain('CONFIG.c_include_sg {0}');
    expect(tcl).toMatch(/FCLK_CLK0/);
    expect(tcl).toMatch(/FCLK_RESET0_N\] \[get_bd_pins rst0\/ext_reset_in\]/);
    const beats = c.plan.blocks[c.plan.blocks.length - 1]!.out.beatsPerFrame;
    expect(tcl).toContain(`CONFIG.BEATS {${beats}}`);
    expect(beats).toBe(output === 'scores' ? 2 : 1);
    // Width converters exactly where the accelerator's stream is not the DMA's 4 bytes.
    const inBytes = c.plan.blocks[0]!.in.elems;
    expect(tcl.includes('conv_in')).toBe(inBytes !== 4);
    expect(tcl.includes('conv_out')).toBe(outAxisBits(c.plan) !== 32);
    // Every cell an interface connection names was created.
    const cells = new Set([...tcl.matchAll(/create_bd_cell -type \S+ (?:-vlnv|-reference) \S+ (\S+)/g)].map((m) => m[1]!));
    for (const m of tcl.matchAll(/get_bd_intf_pins (\w+)\//g)) expect(cells.has(m[1]!), m[1]).toBe(true);
    expect(tcl.split('{').length).toBe(tcl.split('}').length);
    expect(tcl.split('[').length).toBe(tcl.split(']').length);
  });
});
