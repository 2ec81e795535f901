`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// XNOR-popcount of one MVTU lane group: the number of positions where w and x agree, SIMD lanes.
// Combinational. Used by bnn_mvtu (rtl-templates/mvtu.v), one instance per PE, so that synthesis
// reports the popcount's cost apart from the rest of the engine (docs/datapath.md).
// IMPL = 0: a plain sum of the bits (not a conditional increment): Yosys merges the chain into one
// multi-operand adder and maps it as a carry-save tree, about 4x fewer LUTs than a chain of
// incrementers (BENCHMARKS.md). IMPL = 1: a compressor tree over whole numbers (below). IMPL = 2:
// a bit-heap (Dadda-style) compressor tree, the leanest in LUT6 (docs/datapath.md). All give the
// same result.
module bnn_popcount #(
  parameter integer SIMD = 1,
  parameter integer OUT_W = 2,        // holds 0..SIMD; >= 2
  parameter integer IMPL = 0
) (
  input  wire [SIMD-1:0]  w,
  input  wire [SIMD-1:0]  x,
  output wire [OUT_W-1:0] count
);
  function [OUT_W-1:0] popcount_sum;
    input [SIMD-1:0] v;
    integer i;
    begin
      popcount_sum = {OUT_W{1'b0}};
      for (i = 0; i < SIMD; i = i + 1)
        popcount_sum = popcount_sum + {{(OUT_W-1){1'b0}}, v[i]};
    end
  endfunction

  // IMPL = 1: a compressor tree. Level 0: full adders (3:2) over lanes 3g..3g+2, the XNOR
  // folded in (sum and carry each a function of w0,x0,w1,x1,w2,x2: one LUT6). Then levels of 6:3
  // counters applied column-wise to groups of six OUT_W-bit numbers (each output bit a function
  // of six bits: one LUT6), until two numbers are left for one carry-chain adder. Everything is
  // exact modulo 2^OUT_W, and the popcount (<= SIMD) fits OUT_W bits. Written as a function
  // of word-wide operations on a flat vector of fixed slots (unused slots are constant zero and
  // vanish in synthesis): fast in Icarus, constant loop bounds for Yosys and Verilator.
  // 6:3 levels needed to bring n numbers down to two: a group of r < 6 numbers leaves
  // r (r <= 2), 2 (r = 3: the count of three bits is at most 3) or 3 numbers.
  function integer pc_levels;
    input integer n;
    integer m;
    begin
      m = n;
      pc_levels = 0;
      while (m > 2) begin
        m = 3 * (m / 6) + ((m % 6 <= 2) ? (m % 6) : ((m % 6 == 3) ? 2 : 3));
        pc_levels = pc_levels + 1;
      end
    end
  endfunction

  localparam integer PC_G = (SIMD + 2) / 3;             // numbers after level 0
  localparam integer PC_GROUPS = (PC_G + 5) / 6;        // 6:3 counter groups per level
  localparam integer PC_SLOTS = 6 * PC_GROUPS;
  localparam integer PC_LEVELS = pc_levels(PC_G);

  function [OUT_W-1:0] popcount_tree;
    input [SIMD-1:0] wv;
    input [SIMD-1:0] xv;
    reg [3*PC_G-1:0] xl;                   // XNOR lanes, zero-padded to whole groups of 3
    reg [PC_SLOTS*OUT_W-1:0] v;
    reg [PC_SLOTS*OUT_W-1:0] nv;
    reg [OUT_W-1:0] a0, a1, a2, a3, a4, a5, s1, c1, s2, c2, t;
    integer i, g, k;
    begin
      xl = {(3*PC_G){1'b0}};
      for (i = 0; i < SIMD; i = i + 1)
        xl[i] = ~(wv[i] ^ xv[i]);
      v = {(PC_SLOTS*OUT_W){1'b0}};
      for (g = 0; g < PC_G; g = g + 1) begin
        v[g*OUT_W]     = xl[3*g] ^ xl[3*g+1] ^ xl[3*g+2];
        v[g*OUT_W + 1] = (xl[3*g] & xl[3*g+1]) | (xl[3*g+2] & (xl[3*g] | xl[3*g+1]));
      end
      for (k = 0; k < PC_LEVELS; k = k + 1) begin
        nv = {(PC_SLOTS*OUT_W){1'b0}};
        for (g = 0; g < PC_GROUPS; g = g + 1) begin
          a0 = v[(6*g)*OUT_W +: OUT_W];
          a1 = v[(6*g+1)*OUT_W +: OUT_W];
          a2 = v[(6*g+2)*OUT_W +: OUT_W];
          a3 = v[(6*g+3)*OUT_W +: OUT_W];
          a4 = v[(6*g+4)*OUT_W +: OUT_W];
          a5 = v[(6*g+5)*OUT_W +: OUT_W];
          s1 = a0 ^ a1 ^ a2;
          c1 = (a0 & a1) | (a2 & (a0 | a1));
          s2 = a3 ^ a4 ^ a5;
          c2 = (a3 & a4) | (a5 & (a3 | a4));
          t = s1 & s2;
          // per column: count = (s1 ^ s2) + 2 * (c1 + c2 + t)
          nv[(3*g)*OUT_W +: OUT_W]   = s1 ^ s2;
          nv[(3*g+1)*OUT_W +: OUT_W] = (c1 ^ c2 ^ t) << 1;
          nv[(3*g+2)*OUT_W +: OUT_W] = ((c1 & c2) | (t & (c1 | c2))) << 2;
        end
        v = nv;
      end
      popcount_tree = v[0 +: OUT_W] + v[OUT_W +: OUT_W];
    end
  endfunction

  // ---- IMPL = 2: bit heap ----------------------------------------------------------------------
  // Level 0 folds the XNOR into full adders over lanes 3g..3g+2 (sum into column 0, carry into
  // column 1; each output a function of six inputs: one LUT6). Each further level reduces every
  // column of height > 2 with 6:3 counters (three outputs, each a function of six bits of the
  // column: one LUT6 each, into columns c, c+1, c+2), a full adder for a remainder of 3 or 4, and
  // passes 1 or 2 leftover bits on; a column of height <= 2 passes through. When no column is
  // higher than 2, one carry-chain adder adds the two rows. Bits of columns >= OUT_W are dropped:
  // the count is exact modulo 2^OUT_W and fits OUT_W bits. The schedule depends only on SIMD and
  // OUT_W and is computed by the constant functions below (OUT_W <= 32).
  localparam integer HG = SIMD / 3;                      // level-0 full adders
  localparam integer HR = SIMD % 3;                      // leftover lanes: XNOR bit or half adder

  function integer hp_n6;                                // 6:3 counters (the last may have 5 inputs)
    input integer h;
    hp_n6 = (h <= 2) ? 0 : h / 6 + ((h % 6 == 5) ? 1 : 0);
  endfunction
  function integer hp_nfa;                               // full adders
    input integer h;
    hp_nfa = (h > 2 && (h % 6 == 3 || h % 6 == 4)) ? 1 : 0;
  endfunction
  function integer hp_np;                                // bits passed on unchanged (the last ones)
    input integer h;
    hp_np = (h <= 2) ? h : ((h % 6 == 1 || h % 6 == 2) ? h % 6 : ((h % 6 == 4) ? 1 : 0));
  endfunction

  // Heights of every column after each reduction level, 32 bits per (level, column), 32 columns,
  // levels up to HP_LMAX; computed once (constant functions are slow to evaluate in Yosys).
  localparam integer HP_LMAX = 24;
  function [32*32*(HP_LMAX+1)-1:0] hp_table;
    input integer lmax;
    integer l, j, ha, hb, hd;
    begin
      for (l = 0; l < 32 * (HP_LMAX + 1); l = l + 1)
        hp_table[32*l +: 32] = 0;
      hp_table[0 +: 32] = HG + ((HR > 0) ? 1 : 0);
      hp_table[32 +: 32] = HG + ((HR == 2) ? 1 : 0);
      for (l = 0; l < lmax; l = l + 1)
        for (j = 0; j < OUT_W; j = j + 1) begin
          ha = hp_table[32*(32*l + j) +: 32];
          hb = (j >= 1) ? hp_table[32*(32*l + j - 1) +: 32] : 0;
          hd = (j >= 2) ? hp_table[32*(32*l + j - 2) +: 32] : 0;
          hp_table[32*(32*(l+1) + j) +: 32] = hp_np(ha) + hp_n6(ha) + hp_nfa(ha) + hp_n6(hb) + hp_nfa(hb) + hp_n6(hd);
        end
    end
  endfunction
  localparam [32*32*(HP_LMAX+1)-1:0] HT = (IMPL == 2) ? hp_table(HP_LMAX) : hp_table(0);

  // Levels until no column is higher than 2, and the largest height at any level (>= 2).
  function integer hp_levels;
    input integer lmax;
    integer l, j;
    reg done;
    begin
      hp_levels = lmax;
      for (l = lmax; l >= 0; l = l - 1) begin
        done = 1'b1;
        for (j = 0; j < OUT_W; j = j + 1)
          if (HT[32*(32*l + j) +: 32] > 2) done = 1'b0;
        if (done) hp_levels = l;
      end
    end
  endfunction
  function integer hp_slots;
    input integer lmax;
    integer l, j;
    begin
      hp_slots = 2;
      for (l = 0; l <= lmax; l = l + 1)
        for (j = 0; j < OUT_W; j = j + 1)
          if (HT[32*(32*l + j) +: 32] > hp_slots) hp_slots = HT[32*(32*l + j) +: 32];
    end
  endfunction
  function integer hp_h;                                 // height of column c after k levels
    input integer hk;
    input integer hc;
    hp_h = (hc >= 0 && hc < OUT_W) ? HT[32*(32*hk + hc) +: 32] : 0;
  endfunction

  localparam integer HL = (IMPL == 2) ? hp_levels(HP_LMAX) : 0;
  localparam integer HM = (IMPL == 2) ? hp_slots(HP_LMAX) : 2;

  genvar gk, gc, gj;
  generate
    if (IMPL == 2) begin : g_heap
      wire [SIMD-1:0] xl = ~(w ^ x);
      // Bit i of column c at level k is lv[k*OUT_W + c][i]; slots above a column's height are
      // constant 0 and never read by the counters. One vector per column and level: Icarus wakes
      // every reader of a vector when one bit changes.
      /* verilator lint_off UNUSED */
      wire [HM-1:0] lv [0:(HL+1)*OUT_W-1] /* verilator split_var */;
      /* verilator lint_on UNUSED */
      for (gj = 0; gj < HG; gj = gj + 1) begin : g_l0
        wire a0 = xl[3*gj], a1 = xl[3*gj+1], a2 = xl[3*gj+2];
        assign lv[0][gj] = a0 ^ a1 ^ a2;
        assign lv[1][gj] = (a0 & a1) | (a2 & (a0 | a1));
      end
      if (HR == 1) begin : g_l0_one
        assign lv[0][HG] = xl[3*HG];
      end
      if (HR == 2) begin : g_l0_two
        assign lv[0][HG] = xl[3*HG] ^ xl[3*HG+1];
        assign lv[1][HG] = xl[3*HG] & xl[3*HG+1];
      end
      for (gc = 0; gc < OUT_W; gc = gc + 1) begin : g_l0_zero
        for (gj = (gc == 0 ? HG + (HR > 0 ? 1 : 0) : (gc == 1 ? HG + (HR == 2 ? 1 : 0) : 0)); gj < HM; gj = gj + 1) begin : g_z
          assign lv[gc][gj] = 1'b0;
        end
      end
      for (gk = 0; gk < HL; gk = gk + 1) begin : g_lvl
        for (gc = 0; gc < OUT_W; gc = gc + 1) begin : g_col
          localparam integer H = hp_h(gk, gc);
          localparam integer N6 = hp_n6(H);
          localparam integer NFA = hp_nfa(H);
          localparam integer NP = hp_np(H);
          localparam integer IN = gk * OUT_W + gc;                   // this column, level gk
          localparam integer OUT0 = (gk + 1) * OUT_W + gc;           // this column, level gk+1
          // Next level's column c: passed bits, own counter sums, middles from c-1, tops from c-2.
          localparam integer S0 = NP;
          localparam integer HN1 = hp_h(gk, gc + 1);
          localparam integer M0 = hp_np(HN1) + hp_n6(HN1) + hp_nfa(HN1);
          localparam integer HN2 = hp_h(gk, gc + 2);
          localparam integer T0 = hp_np(HN2) + hp_n6(HN2) + hp_nfa(HN2) + hp_n6(HN1) + hp_nfa(HN1);
          localparam integer HNEXT = hp_h(gk + 1, gc);
          for (gj = 0; gj < NP; gj = gj + 1) begin : g_pass
            assign lv[OUT0][gj] = lv[IN][H - NP + gj];
          end
          for (gj = 0; gj < N6; gj = gj + 1) begin : g_c63
            wire a0 = lv[IN][6*gj], a1 = lv[IN][6*gj + 1], a2 = lv[IN][6*gj + 2];
            wire a3 = lv[IN][6*gj + 3], a4 = lv[IN][6*gj + 4];
            wire a5;
            if (6*gj + 5 < H) begin : g_a5
              assign a5 = lv[IN][6*gj + 5];
            end else begin : g_a5_pad
              assign a5 = 1'b0;
            end
            wire s1 = a0 ^ a1 ^ a2, c1 = (a0 & a1) | (a2 & (a0 | a1));
            wire s2 = a3 ^ a4 ^ a5, c2 = (a3 & a4) | (a5 & (a3 | a4));
            wire t = s1 & s2;
            assign lv[OUT0][S0 + gj] = s1 ^ s2;
            if (gc + 1 < OUT_W) begin : g_m
              assign lv[OUT0 + 1][M0 + gj] = c1 ^ c2 ^ t;
            end
            if (gc + 2 < OUT_W) begin : g_t
              assign lv[OUT0 + 2][T0 + gj] = (c1 & c2) | (t & (c1 | c2));
            end
          end
          for (gj = 0; gj < NFA; gj = gj + 1) begin : g_fa
            wire a0 = lv[IN][6*N6], a1 = lv[IN][6*N6 + 1], a2 = lv[IN][6*N6 + 2];
            assign lv[OUT0][S0 + N6] = a0 ^ a1 ^ a2;
            if (gc + 1 < OUT_W) begin : g_m
              assign lv[OUT0 + 1][M0 + N6] = (a0 & a1) | (a2 & (a0 | a1));
            end
          end
          for (gj = HNEXT; gj < HM; gj = gj + 1) begin : g_z
            assign lv[OUT0][gj] = 1'b0;
          end
        end
      end
      wire [OUT_W-1:0] row_a, row_b;
      for (gc = 0; gc < OUT_W; gc = gc + 1) begin : g_rows
        assign row_a[gc] = lv[HL * OUT_W + gc][0];
        assign row_b[gc] = lv[HL * OUT_W + gc][1];
      end
      assign count = row_a + row_b;
    end else if (IMPL == 1) begin : g_tree
      assign count = popcount_tree(w, x);
    end else begin : g_sum
      assign count = popcount_sum(~(w ^ x));
    end
  endgenerate
endmodule
