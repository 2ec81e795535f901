import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { pynqFiles } from '../src/boards/pynq/files.js';
import { compile } from '../src/compiler/compile.js';
import { encodeElems } from '../src/blocks/memory-image.js';
import { writeDesign } from '../src/emit/generate.js';
import { inAxisBits, outAxisBits } from '../src/emit/top-verilog.js';
import { stimulusFiles } from '../src/emit/stimulus-files.js';
import type { Plan } from '../src/plan/types.js';
import { randomModel } from '../src/model/random-model.js';
import { run } from '../sim/engine.js';
import { makeStimulus } from '../sim/stimulus.js';
import { frames, toolOrSkip, workDir } from './cases.js';

/** The accelerator followed by bnn_axis_tlast, as in pynq/bd.tcl, with a pseudo-random m_axis_tready; logs "data last". */
function tlastBench(plan: Plan, inBeats: number, outBeats: number): string {
  const iw = inAxisBits(plan);
  const ow = outAxisBits(plan);
  const beats = plan.blocks[plan.blocks.length - 1]!.out.beatsPerFrame;
  return `\`timescale 1ns / 1ps
module tb_tlast;
  reg clk = 1'b0;
  always #5 clk = ~clk;
  reg rstn = 1'b0;
  integer cyc = 0;
  integer idx = 0;
  integer n_out = 0;
  integer fd;
  reg [15:0] lfsr = 16'hace1;
  reg [${iw - 1}:0] in_mem [0:${inBeats - 1}];
  initial begin
    $readmemh("tb/in.mem", in_mem);
    fd = $fopen("tb/tlast.log", "w");
  end
  wire s_valid = rstn && (idx < ${inBeats});
  wire s_ready;
  wire [${ow - 1}:0] a_data;
  wire a_valid;
  wire a_ready;
  wire [${ow - 1}:0] m_data;
  wire m_valid;
  wire m_last;
  wire m_ready = lfsr[0] | lfsr[3];
  ${plan.top} dut (.ap_clk(clk), .ap_rst_n(rstn), .s_axis_tdata(in_mem[idx < ${inBeats} ? idx : 0]), .s_axis_tvalid(s_valid), .s_axis_tready(s_ready),
    .m_axis_tdata(a_data), .m_axis_tvalid(a_valid), .m_axis_tready(a_ready));
  bnn_axis_tlast #(.W(${ow}), .BEATS(${beats})) tl (.ap_clk(clk), .ap_rst_n(rstn), .s_axis_tdata(a_data), .s_axis_tvalid(a_valid), .s_axis_tready(a_ready),
    .m_axis_tdata(m_data), .m_axis_tvalid(m_valid), .m_axis_tready(m_ready), .m_axis_tlast(m_last));
  always @(posedge clk) begin
    cyc <= cyc + 1;
    lfsr <= {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
    if (cyc == 3) rstn <= 1'b1;
    if (s_valid && s_ready) idx <= idx + 1;
    if (m_valid && m_ready) begin
      $fwrite(fd, "%h %0d\\n", m_data, m_last);
      n_out <= n_out + 1;
      if (n_out + 1 == ${outBeats}) begin $fclose(fd); $finish; end
    end
    if (cyc > 200000) begin $fclose(fd); $finish; end
  end
endmodule
`;
}

describe('bnn_axis_tlast after the accelerator: TLAST on the last beat of every frame, data untouched', async () => {
  const have = await toolOrSkip('iverilog');
  const model = randomModel({ name: 'tl', arch: [48, 32, 24, 10], seed: 3 });
  it.skipIf(!have).each(['class', 'scores'] as const)('output %s under random backpressure (Icarus)', async (output) => {
    const c = compile(model, { fold: { layers: [{ pe: 4, simd: 12 }, { pe: 4, simd: 8 }, { pe: 5, simd: 8 }], fifoDepth: 'auto', source: 'test' }, output });
    const plan = c.plan;
    const stim = makeStimulus(plan, frames(4, 48, 5));
    const want = run(plan, stim).out.map((o) => encodeElems(o.data, plan.blocks[plan.blocks.length - 1]!.out.elemBits, outAxisBits(plan)));
    const files = pynqFiles(plan);
    for (const [k, v] of stimulusFiles(plan, stim)) files.set(k, v);
    files.set('tb/tb_tlast.v', tlastBench(plan, stim.beats.length, want.length));
    const dir = workDir('pynq-tlast');
    writeDesign(dir, files);
    const sources = [...files.get('files.f')!.trim().split('\n'), 'rtl/axis_tlast.v', 'tb/tb_tlast.v'];
    await execa('iverilog', ['-g2005', '-s', 'tb_tlast', '-o', 'tb/tlast.vvp', ...sources], { cwd: dir });
    await execa('vvp', ['-n', 'tb/tlast.vvp'], { cwd: dir });
    const got = readFileSync(join(dir, 'tb/tlast.log'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    const beats = plan.blocks[plan.blocks.length - 1]!.out.beatsPerFrame;
    expect(beats).toBe(output === 'scores' ? 2 : 1);
    expect(got.map((g) => g[0])).toEqual(want);
    expect(got.map((g) => g[1])).toEqual(want.map((_, k) => ((k + 1) % beats === 0 ? '1' : '0')));
  });
});
