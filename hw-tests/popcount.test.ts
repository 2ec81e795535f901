import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bitsFor } from '../src/util/math.js';
import { templatePath } from '../src/util/paths.js';
import { toolOrSkip, workDir } from './cases.js';

// bnn_popcount (rtl-templates/popcount.v): the compressor tree (IMPL 1) and the bit heap (IMPL 2)
// against the plain sum (IMPL 0), the reference. Every (w, x) pair for SIMD 1..6, random and
// extreme vectors for wider ones, on both simulators.
const EXHAUSTIVE = [1, 2, 3, 4, 5, 6];
const RANDOM = [7, 8, 13, 16, 17, 32, 37, 64, 100, 257];
const VECTORS = 300;
const icarus = await toolOrSkip('iverilog');
const verilator = await toolOrSkip('verilator');

function testbench(): string {
  const L: string[] = ['`timescale 1ns / 1ps', 'module tb;', '  integer errors, n, i;'];
  for (const s of [...EXHAUSTIVE, ...RANDOM]) {
    const ow = Math.max(2, bitsFor(s));
    L.push(`  reg [${s - 1}:0] w${s}, x${s};`, `  wire [${ow - 1}:0] r${s}_0, r${s}_1, r${s}_2;`);
    for (const impl of [0, 1, 2])
      L.push(`  bnn_popcount #(.SIMD(${s}), .OUT_W(${ow}), .IMPL(${impl})) u${s}_${impl} (.w(w${s}), .x(x${s}), .count(r${s}_${impl}));`);
    L.push(`  task check${s}; begin
    #1;
    if (r${s}_1 !== r${s}_0 || r${s}_2 !== r${s}_0) begin
      errors = errors + 1;
      if (errors < 10) $display("MISMATCH SIMD=${s} w=%h x=%h sum=%0d tree=%0d heap=%0d", w${s}, x${s}, r${s}_0, r${s}_1, r${s}_2);
    end
  end endtask`);
  }
  L.push('  initial begin', '    errors = 0;');
  for (const s of EXHAUSTIVE)
    L.push(`    for (n = 0; n < ${1 << (2 * s)}; n = n + 1) begin {w${s}, x${s}} = n[${2 * s - 1}:0]; check${s}; end`);
  for (const s of RANDOM)
    L.push(`    for (n = 0; n < ${VECTORS}; n = n + 1) begin
      for (i = 0; i < ${s}; i = i + 1) begin w${s}[i] = $random; x${s}[i] = (n == 0) ? w${s}[i] : (n == 1) ? !w${s}[i] : $random; end
      check${s};
    end`);
  L.push('    $display("checked errors=%0d", errors);', '    $finish;', '  end', 'endmodule', '');
  return L.join('\n');
}

describe('bnn_popcount: tree and bit heap equal the plain sum', () => {
  it.skipIf(!icarus)('in Icarus', { timeout: 300_000 }, async () => {
    const dir = workDir('popcount-icarus');
    writeFileSync(join(dir, 'tb.v'), testbench());
    await execa('iverilog', ['-g2005', '-s', 'tb', '-o', 'tb.vvp', 'tb.v', templatePath('popcount.v')], { cwd: dir });
    const r = await execa('vvp', ['-n', 'tb.vvp'], { cwd: dir });
    expect(r.stdout).not.toMatch(/MISMATCH/);
    expect(r.stdout).toMatch(/checked errors=0\b/);
  });

  it.skipIf(!verilator)('in Verilator (and lint-clean with -Wall)', { timeout: 900_000 }, async () => {
    const dir = workDir('popcount-verilator');
    writeFileSync(join(dir, 'tb.v'), testbench());
    // The template itself must pass -Wall; the generated testbench need not.
    writeFileSync(join(dir, 'lint_top.v'), `\`timescale 1ns / 1ps
module lint_top (input wire [36:0] w, input wire [36:0] x, output wire [5:0] cnt_sum, output wire [5:0] cnt_tree, output wire [5:0] cnt_heap);
  bnn_popcount #(.SIMD(37), .OUT_W(6), .IMPL(0)) u0 (.w(w), .x(x), .count(cnt_sum));
  bnn_popcount #(.SIMD(37), .OUT_W(6), .IMPL(1)) u1 (.w(w), .x(x), .count(cnt_tree));
  bnn_popcount #(.SIMD(37), .OUT_W(6), .IMPL(2)) u2 (.w(w), .x(x), .count(cnt_heap));
endmodule
`);
    const lint = await execa('verilator', ['--lint-only', '-Wall', '--top-module', 'lint_top', 'lint_top.v', templatePath('popcount.v')], { cwd: dir, reject: false, all: true });
    expect(lint.all).toBe('');
    await execa('verilator', ['--binary', '-j', '2', '-Wno-fatal', '--top-module', 'tb', '-Mdir', 'obj', '-o', 'Vtb', 'tb.v', templatePath('popcount.v')], { cwd: dir });
    const r = await execa(join(dir, 'obj', 'Vtb'), [], { cwd: dir });
    expect(r.stdout).not.toMatch(/MISMATCH/);
    expect(r.stdout).toMatch(/checked errors=0\b/);
  });
});
