import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { templatePath } from '../src/util/paths.js';
import { toolOrSkip, workDir } from './cases.js';

/**
 * The multi-bit parameters of bnn_mvtu (N_THRESH, OUT_BITS, OUT_BIAS over binary and A-bit
 * inputs) and bnn_pool (ELEM_BITS, SIGNED) across their corners, in one top: Verilator -Wall
 * must say nothing, Icarus must elaborate it. The co-simulation suites lint whole designs; this
 * reaches corners no design there has (15 thresholds on one PE, OUT_BIAS −8, 1-wide pools).
 */
const verilator = await toolOrSkip('verilator');
const icarus = await toolOrSkip('iverilog');

interface MvtuCorner {
  MW: number;
  MH: number;
  PE: number;
  SIMD: number;
  ACC_W: number;
  T_W: number;
  INPUT_BITS: number;
  INPUT_SIGNED: 0 | 1;
  N_THRESH: number;
  OUT_BITS: number;
  OUT_BIAS: number;
}

const MVTU: MvtuCorner[] = [
  // binary inputs (popcount 0..MW), signed 3 levels (BNN-PYNQ W1A2)
  { MW: 16, MH: 8, PE: 2, SIMD: 4, ACC_W: 5, T_W: 5, INPUT_BITS: 1, INPUT_SIGNED: 0, N_THRESH: 2, OUT_BITS: 2, OUT_BIAS: -1 },
  // signed 2-bit inputs, one threshold, 2-bit unsigned out
  { MW: 8, MH: 4, PE: 4, SIMD: 8, ACC_W: 6, T_W: 6, INPUT_BITS: 2, INPUT_SIGNED: 1, N_THRESH: 1, OUT_BITS: 2, OUT_BIAS: 0 },
  // unsigned 3-bit inputs, 7 thresholds, PE = SIMD = 1
  { MW: 12, MH: 6, PE: 1, SIMD: 1, ACC_W: 8, T_W: 8, INPUT_BITS: 3, INPUT_SIGNED: 0, N_THRESH: 7, OUT_BITS: 3, OUT_BIAS: 0 },
  // 4-bit signed inputs, 15 thresholds, OUT_BIAS -8 (elements -8..7)
  { MW: 6, MH: 3, PE: 3, SIMD: 2, ACC_W: 7, T_W: 7, INPUT_BITS: 4, INPUT_SIGNED: 1, N_THRESH: 15, OUT_BITS: 4, OUT_BIAS: -8 },
];

const POOL = [
  { H: 4, W: 4, C: 2, SIMD: 1, K: 2, ELEM_BITS: 2, SIGNED: 1 },
  { H: 6, W: 6, C: 4, SIMD: 4, K: 3, ELEM_BITS: 3, SIGNED: 0 },
  { H: 5, W: 5, C: 3, SIMD: 3, K: 2, ELEM_BITS: 4, SIGNED: 1 },
];

function lintTop(): string {
  const L = ['`timescale 1ns / 1ps', 'module lint_top (', '  input wire ap_clk,', '  input wire ap_rst_n,'];
  const ports: string[] = [];
  const body: string[] = [];
  MVTU.forEach((p, i) => {
    const inW = p.SIMD * p.INPUT_BITS;
    const outW = p.PE * p.OUT_BITS;
    ports.push(`  input wire [${inW - 1}:0] m${i}_in`, `  input wire m${i}_iv`, `  output wire m${i}_ir`, `  output wire [${outW - 1}:0] m${i}_out`, `  output wire m${i}_ov`, `  input wire m${i}_or`);
    const params = Object.entries({ ...p, USE_THRESH: 1, OUT_W: outW, POPCOUNT: p.INPUT_BITS === 1 ? 2 : 0 }).map(([k, v]) => `.${k}(${v})`);
    body.push(`  bnn_mvtu #(${params.join(', ')}, .WEIGHT_FILE("w.mem"), .THRESH_FILE("t.mem")) u_m${i} (
    .ap_clk(ap_clk), .ap_rst_n(ap_rst_n), .s_axis_tdata(m${i}_in), .s_axis_tvalid(m${i}_iv), .s_axis_tready(m${i}_ir),
    .m_axis_tdata(m${i}_out), .m_axis_tvalid(m${i}_ov), .m_axis_tready(m${i}_or));`);
  });
  POOL.forEach((p, i) => {
    const w = p.SIMD * p.ELEM_BITS;
    ports.push(`  input wire [${w - 1}:0] p${i}_in`, `  input wire p${i}_iv`, `  output wire p${i}_ir`, `  output wire [${w - 1}:0] p${i}_out`, `  output wire p${i}_ov`, `  input wire p${i}_or`);
    const params = Object.entries(p).map(([k, v]) => `.${k}(${v})`);
    body.push(`  bnn_pool #(${params.join(', ')}) u_p${i} (
    .ap_clk(ap_clk), .ap_rst_n(ap_rst_n), .s_axis_tdata(p${i}_in), .s_axis_tvalid(p${i}_iv), .s_axis_tready(p${i}_ir),
    .m_axis_tdata(p${i}_out), .m_axis_tvalid(p${i}_ov), .m_axis_tready(p${i}_or));`);
  });
  L.push(ports.join(',\n'), ');', ...body, 'endmodule', '');
  return L.join('\n');
}

const files = () => [templatePath('popcount.v'), templatePath('mvtu.v'), templatePath('pool.v')];

describe('multi-bit template parameters', () => {
  it.skipIf(!verilator)('bnn_mvtu (N_THRESH, OUT_BITS, OUT_BIAS) and bnn_pool (ELEM_BITS, SIGNED): Verilator -Wall clean', { timeout: 300_000 }, async () => {
    const dir = workDir('multibit-lint');
    writeFileSync(join(dir, 'lint_top.v'), lintTop());
    const r = await execa('verilator', ['--lint-only', '-Wall', '--top-module', 'lint_top', 'lint_top.v', ...files()], { cwd: dir, reject: false, all: true });
    expect(r.all).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it.skipIf(!icarus)('the same top elaborates in Icarus (-g2005)', { timeout: 300_000 }, async () => {
    const dir = workDir('multibit-lint-icarus');
    writeFileSync(join(dir, 'lint_top.v'), lintTop());
    // Memories the engines read at time 0 (Icarus warns about missing files, it does not fail).
    writeFileSync(join(dir, 'w.mem'), '0\n');
    writeFileSync(join(dir, 't.mem'), '0\n');
    const r = await execa('iverilog', ['-g2005', '-Wall', '-s', 'lint_top', '-o', 'lint.vvp', 'lint_top.v', ...files()], { cwd: dir, reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toMatch(/error/i);
  });
});
