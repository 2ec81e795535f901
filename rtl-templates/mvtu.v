`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// (files are named after the block, modules carry the bnn_ prefix to avoid clashes in user projects)
// Matrix-vector-threshold unit: PE neurons x SIMD synapses per cycle, XNOR-popcount datapath.
// Input: SIMD bits per beat, SF = MW/SIMD beats per vector. Output: PE bits (or PE popcount
// scores when USE_THRESH = 0) per beat, NF = MH/PE beats per vector. II = NF*SF cycles.
// The vector is stored while the first neuron fold streams it in and replayed for the others.
// Pipeline: issue (memory read) -> accumulate/threshold -> output register; a full output
// register freezes the unit. Twin: sim/mvtu.ts. Parameters, images, cost: src/blocks/mvtu.ts.
module bnn_mvtu #(
  parameter integer MW = 64,
  parameter integer MH = 64,
  parameter integer PE = 1,
  parameter integer SIMD = 1,
  parameter integer ACC_W = 7,        // holds 0..MW
  parameter integer T_W = 7,          // holds 0..MW+1
  parameter integer USE_THRESH = 1,
  parameter integer OUT_W = PE,       // PE when USE_THRESH, else PE*ACC_W (set by the plan)
  parameter WEIGHT_FILE = "weights.mem",
  parameter THRESH_FILE = "thresholds.mem"
) (
  input  wire             ap_clk,
  input  wire             ap_rst_n,
  input  wire [SIMD-1:0]  s_axis_tdata,
  input  wire             s_axis_tvalid,
  output wire             s_axis_tready,
  output wire [OUT_W-1:0] m_axis_tdata,
  output wire             m_axis_tvalid,
  input  wire             m_axis_tready
);
  localparam integer SF = MW / SIMD;
  localparam integer NF = MH / PE;
  localparam integer SF_W = (SF > 1) ? $clog2(SF) : 1;
  localparam integer NF_W = (NF > 1) ? $clog2(NF) : 1;
  localparam integer WA_W = (SF * NF > 1) ? $clog2(SF * NF) : 1;
  localparam integer SF_LAST_I = SF - 1;
  localparam integer NF_LAST_I = NF - 1;
  localparam integer WA_LAST_I = SF * NF - 1;
  localparam [SF_W-1:0] SF_LAST = SF_LAST_I[SF_W-1:0];
  localparam [NF_W-1:0] NF_LAST = NF_LAST_I[NF_W-1:0];
  localparam [WA_W-1:0] WA_LAST = WA_LAST_I[WA_W-1:0];
  localparam integer TL = T_W + 1;      // threshold lane: T_W bits of threshold, 1 invert bit
  localparam integer CMP_W = T_W + 1;   // comparison width, wider than both ACC_W and T_W

  // ---- issue stage -------------------------------------------------------------------------
  reg [SF_W-1:0] sf;
  reg [NF_W-1:0] nf;
  reg [WA_W-1:0] waddr;
  reg            out_valid;
  reg            b_valid;

  wire en = !out_valid || m_axis_tready;
  wire first_fold = (nf == {NF_W{1'b0}});
  wire in_avail = first_fold ? s_axis_tvalid : 1'b1;
  wire issue = en && in_avail;
  assign s_axis_tready = en && first_fold;

  wire [SIMD-1:0] in_chunk;
  generate
    if (NF > 1) begin : g_ibuf
      reg [SIMD-1:0] ibuf [0:SF-1];
      always @(posedge ap_clk) begin
        if (issue && first_fold) ibuf[sf] <= s_axis_tdata;
      end
      assign in_chunk = first_fold ? s_axis_tdata : ibuf[sf];
    end else begin : g_noibuf
      assign in_chunk = s_axis_tdata;
    end
  endgenerate

  reg [PE*SIMD-1:0] wmem [0:SF*NF-1];
  initial $readmemh(WEIGHT_FILE, wmem);
  reg [PE*SIMD-1:0] w_q;
  always @(posedge ap_clk) begin
    if (issue) w_q <= wmem[waddr];
  end

  // ---- accumulate stage --------------------------------------------------------------------
  reg [SIMD-1:0] b_in;
  reg            b_first;
  reg            b_last;
  reg [PE*ACC_W-1:0] acc;
  wire [PE*ACC_W-1:0] sums;
  wire [OUT_W-1:0] result;
  reg  [OUT_W-1:0] out_data;

  function [ACC_W-1:0] popcount;
    input [SIMD-1:0] x;
    integer i;
    begin
      popcount = {ACC_W{1'b0}};
      for (i = 0; i < SIMD; i = i + 1)
        if (x[i]) popcount = popcount + 1'b1;
    end
  endfunction

  genvar p;
  generate
    for (p = 0; p < PE; p = p + 1) begin : g_pe
      wire [ACC_W-1:0] pc = popcount(~(w_q[p*SIMD +: SIMD] ^ b_in));
      assign sums[p*ACC_W +: ACC_W] = (b_first ? {ACC_W{1'b0}} : acc[p*ACC_W +: ACC_W]) + pc;
    end
    if (USE_THRESH != 0) begin : g_thresh
      reg [PE*TL-1:0] tmem [0:NF-1];
      initial $readmemh(THRESH_FILE, tmem);
      reg [PE*TL-1:0] t_q;
      always @(posedge ap_clk) begin
        if (issue) t_q <= tmem[nf];
      end
      for (p = 0; p < PE; p = p + 1) begin : g_cmp
        wire [CMP_W-1:0] sum_ext = {{(CMP_W-ACC_W){1'b0}}, sums[p*ACC_W +: ACC_W]};
        wire [CMP_W-1:0] t_ext = {1'b0, t_q[p*TL +: T_W]};
        assign result[p] = (sum_ext >= t_ext) ^ t_q[p*TL + T_W];
      end
    end else begin : g_scores
      assign result = sums;
    end
  endgenerate

  always @(posedge ap_clk) begin
    if (en && issue) begin
      b_in    <= in_chunk;
      b_first <= (sf == {SF_W{1'b0}});
      b_last  <= (sf == SF_LAST);
    end
    if (en && b_valid) acc <= sums;
    if (en && b_valid && b_last) out_data <= result;
  end

  always @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      sf <= {SF_W{1'b0}};
      nf <= {NF_W{1'b0}};
      waddr <= {WA_W{1'b0}};
      b_valid <= 1'b0;
      out_valid <= 1'b0;
    end else if (en) begin
      b_valid <= issue;
      out_valid <= b_valid && b_last;
      if (issue) begin
        waddr <= (waddr == WA_LAST) ? {WA_W{1'b0}} : waddr + 1'b1;
        if (sf == SF_LAST) begin
          sf <= {SF_W{1'b0}};
          nf <= (nf == NF_LAST) ? {NF_W{1'b0}} : nf + 1'b1;
        end else begin
          sf <= sf + 1'b1;
        end
      end
    end
  end

  assign m_axis_tvalid = out_valid;
  assign m_axis_tdata  = out_data;
endmodule
