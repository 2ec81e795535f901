import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { templatePath } from '../util/paths.js';
import { flashImage, mvtuSpramSource, spramLoadWords, spramShape, weightChecksum } from './spram-weights.js';

describe('bnn_mvtu_spram: mvtu.v with its weight ROM outside', () => {
  const mvtu = readFileSync(templatePath('mvtu.v'), 'utf8');
  const spram = mvtuSpramSource(mvtu);

  it('differs from mvtu.v only in the module name, the ROM and the three weight ports', () => {
    expect(spram).toMatch(/^module bnn_mvtu_spram #\(/m);
    expect(spram).not.toMatch(/wmem|WEIGHT_FILE/);
    expect(spram).toContain("$readmemh(THRESH_FILE, tmem)");
    expect(spram).toContain('output wire             w_en,');
    expect(spram).toContain('assign w_en = issue;');
    // Every other line of mvtu.v is still there, in order.
    const kept = mvtu.split('\n').filter((l) => !/wmem|WEIGHT_FILE|^module bnn_mvtu|m_axis_tready$|reg \[PE\*SIMD-1:0\] w_q;|^ {2}always @\(posedge ap_clk\) begin$|^ {2}end$/.test(l));
    const lines = spram.split('\n');
    let at = 0;
    for (const l of kept) {
      const i = lines.indexOf(l, at);
      expect(i, l).toBeGreaterThanOrEqual(at);
      at = i + 1;
    }
  });

  it('refuses a mvtu.v whose ROM lines changed, rather than writing a wrong module', () => {
    expect(() => mvtuSpramSource(mvtu.replace('if (issue) w_q <= wmem[waddr];', 'w_q <= wmem[waddr];'))).toThrow(/no longer has exactly one/);
  });
});

describe('the flash image of the SPRAM weights', () => {
  it('lanes of 16 bits, lane 0 = bits 15..0 first, pad bits zero', () => {
    // A 20-bit word 0xabcde: lane 0 0xbcde, lane 1 0x000a.
    expect(spramLoadWords({ file: 'w', width: 20, depth: 2, words: ['abcde', '01234'] }, spramShape(20, 2))).toEqual([0xbcde, 0xa, 0x1234, 0x0]);
    expect(spramShape(32, 6272)).toEqual({ kind: 'spram', lanes: 2, banks: 1 });
    expect(spramShape(8, 25088)).toEqual({ kind: 'spram', lanes: 1, banks: 2 });
  });

  it('header BNNW + count, words little-endian, checksum (rotate-left-1 XOR) at the end', () => {
    const words = [0x1234, 0xffff, 0x0001];
    const img = flashImage(words);
    expect(Array.from(img)).toEqual([0x42, 0x4e, 0x4e, 0x57, 3, 0, 0, 0, 0x34, 0x12, 0xff, 0xff, 0x01, 0x00, ...[0, 1, 2, 3].map((i) => (weightChecksum(words) >>> (8 * i)) & 0xff)]);
    // ((0x1234 << 1) ^ 0xffff) << 1 ^ 1
    expect(weightChecksum(words)).toBe((((0x1234 << 1) ^ 0xffff) << 1) ^ 1);
    // Order matters: the same words swapped give another checksum.
    expect(weightChecksum([0xffff, 0x1234, 0x0001])).not.toBe(weightChecksum(words));
  });
});
