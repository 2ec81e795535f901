`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// (files are named after the block, modules carry the bnn_ prefix to avoid clashes in user projects)
// Matrix-vector-threshold unit: PE neurons x SIMD synapses per cycle, XNOR-popcount datapath
// (INPUT_BITS = 1), or add/subtract of INPUT_BITS-wide fixed-point inputs by the +-1 weights for
// a non-binary first layer (then accumulators and thresholds are signed).
// Input: SIMD elements per beat, SF = MW/SIMD beats per vector (one output pixel of a conv). Output: PE elements of
// OUT_BITS bits (or PE popcount scores when USE_THRESH = 0) per beat, NF = MH/PE beats per vector. II = NF*SF cycles.
// Threshold stage: N_THRESH thresholds per neuron, all compared in parallel (a comparator bank per PE), and the
// element is the number reached (or N_THRESH minus it, for 'le' neurons), plus OUT_BIAS. The compares are not
// sequenced (binary search) because with SF = 1 the unit finishes a PE group every cycle: a search over the
// thresholds would multiply the II. One-bit layers: N_THRESH = OUT_BITS = 1, the element is the compare bit.
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
  parameter integer INPUT_BITS = 1,   // 1: binary inputs (XNOR-popcount); > 1: fixed-point inputs
  parameter integer INPUT_SIGNED = 0, // fixed-point inputs are two's complement
  parameter integer OUT_W = PE,       // PE*OUT_BITS when USE_THRESH, else PE*ACC_W (set by the plan)
  parameter integer POPCOUNT = 0,     // binary popcount, bnn_popcount IMPL (rtl-templates/popcount.v)
  parameter integer N_THRESH = 1,     // thresholds per neuron, 1..2^OUT_BITS-1
  parameter integer OUT_BITS = 1,     // output element width (USE_THRESH)
  parameter integer OUT_BIAS = 0,     // element = code + OUT_BIAS, two's complement when negative
  parameter integer THRESH_RAM = 0,   // 1: threshold memory in block RAM (rom_style "block"); 0: Yosys' choice
  parameter WEIGHT_FILE = "weights.mem",
  parameter THRESH_FILE = "thresholds.mem"
) (
  input  wire             ap_clk,
  input  wire             ap_rst_n,
  input  wire [SIMD*INPUT_BITS-1:0] s_axis_tdata,
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
  // Threshold lane per PE: N_THRESH thresholds of T_W bits (k-th at k*T_W), then the invert bit
  // (layout: src/blocks/mvtu-images.ts).
  localparam integer TL = N_THRESH * T_W + 1;
  localparam integer IW = SIMD * INPUT_BITS;
  localparam integer FIXED = (INPUT_BITS > 1) ? 1 : 0;
  // Comparison width, wider than both ACC_W and T_W so that extension never loses the sign.
  localparam integer CMP_W = ((ACC_W > T_W) ? ACC_W : T_W) + 1;
  // Popcount width: 0..SIMD, not the accumulator's: the popcount is its own module (kept in the
  // hierarchy), so synthesis cannot see that its upper bits are zero, and each would cost the
  // accumulator adder a LUT. At least 2 bits (bnn_popcount), at most ACC_W (SIMD <= MW).
  localparam integer PC_W0 = $clog2(SIMD + 1);
  localparam integer PC_W = (PC_W0 < 2) ? 2 : ((PC_W0 > ACC_W) ? ACC_W : PC_W0);

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

  wire [IW-1:0] in_chunk;
  generate
    if (NF > 1) begin : g_ibuf
      reg [IW-1:0] ibuf [0:SF-1];
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
  reg [IW-1:0] b_in;
  reg            b_last;
  reg [PE*ACC_W-1:0] acc;
  wire [PE*ACC_W-1:0] sums;
  wire [OUT_W-1:0] result;
  reg  [OUT_W-1:0] out_data;

  genvar p, k;
  generate
    if (FIXED == 0) begin : g_binary
      for (p = 0; p < PE; p = p + 1) begin : g_pe
        wire [PC_W-1:0] pc;
        bnn_popcount #(.SIMD(SIMD), .OUT_W(PC_W), .IMPL(POPCOUNT)) u_pc (
          .w(w_q[p*SIMD +: SIMD]), .x(b_in[SIMD-1:0]), .count(pc));
        assign sums[p*ACC_W +: ACC_W] = acc[p*ACC_W +: ACC_W] + {{(ACC_W-PC_W){1'b0}}, pc};
      end
    end else begin : g_fixed
      for (p = 0; p < PE; p = p + 1) begin : g_pe
        // Sum of the SIMD inputs, each added (weight +1) or subtracted (weight -1).
        reg [ACC_W-1:0] lane_sum;
        reg [ACC_W-1:0] x;
        integer i;
        always @* begin
          lane_sum = {ACC_W{1'b0}};
          for (i = 0; i < SIMD; i = i + 1) begin
            x = {{(ACC_W-INPUT_BITS){INPUT_SIGNED != 0 && b_in[i*INPUT_BITS + INPUT_BITS - 1]}}, b_in[i*INPUT_BITS +: INPUT_BITS]};
            lane_sum = w_q[p*SIMD + i] ? lane_sum + x : lane_sum - x;
          end
        end
        assign sums[p*ACC_W +: ACC_W] = acc[p*ACC_W +: ACC_W] + lane_sum;
      end
    end
    if (USE_THRESH != 0) begin : g_thresh
      // The read is registered at issue either way (t_q), so where the memory lives does not
      // change the cycle behaviour: THRESH_RAM = 1 asks for block RAM (Yosys would otherwise map
      // this shallow, wide ROM to LUTs, about one LUT per bit per 64 words), 0 leaves it to Yosys.
      reg [PE*TL-1:0] t_q;
      if (THRESH_RAM != 0) begin : g_tbram
        (* rom_style = "block" *) reg [PE*TL-1:0] tmem [0:NF-1];
        initial $readmemh(THRESH_FILE, tmem);
        always @(posedge ap_clk) begin
          if (issue) t_q <= tmem[nf];
        end
      end else begin : g_trom
        reg [PE*TL-1:0] tmem [0:NF-1];
        initial $readmemh(THRESH_FILE, tmem);
        always @(posedge ap_clk) begin
          if (issue) t_q <= tmem[nf];
        end
      end
      for (p = 0; p < PE; p = p + 1) begin : g_cmp
        // Popcounts and their thresholds are unsigned; fixed-point sums and thresholds signed.
        wire [ACC_W-1:0] sum = sums[p*ACC_W +: ACC_W];
        wire [CMP_W-1:0] sum_ext = {{(CMP_W-ACC_W){FIXED != 0 && sum[ACC_W-1]}}, sum};
        wire inv = t_q[p*TL + N_THRESH*T_W];
        wire [N_THRESH-1:0] ge;
        for (k = 0; k < N_THRESH; k = k + 1) begin : g_ge
          wire [T_W-1:0] t = t_q[p*TL + k*T_W +: T_W];
          wire [CMP_W-1:0] t_ext = {{(CMP_W-T_W){FIXED != 0 && t[T_W-1]}}, t};
          assign ge[k] = $signed(sum_ext) >= $signed(t_ext);
        end
        if (OUT_BITS == 1) begin : g_bit
          assign result[p] = ge[0] ^ inv;
        end else begin : g_level
          // code = #(acc >= t_k), or N_THRESH - that for an 'le' neuron (stored as >= t+1);
          // all of it modulo 2^OUT_BITS, where code and the element both fit.
          localparam integer NT_I = N_THRESH;
          localparam integer OB_I = OUT_BIAS;
          localparam [OUT_BITS-1:0] NT = NT_I[OUT_BITS-1:0];
          localparam [OUT_BITS-1:0] OB = OB_I[OUT_BITS-1:0];
          reg [OUT_BITS-1:0] n_ge;
          integer i;
          always @* begin
            n_ge = {OUT_BITS{1'b0}};
            for (i = 0; i < N_THRESH; i = i + 1) n_ge = n_ge + {{(OUT_BITS-1){1'b0}}, ge[i]};
          end
          wire [OUT_BITS-1:0] code = inv ? NT - n_ge : n_ge;
          assign result[p*OUT_BITS +: OUT_BITS] = code + OB;
        end
      end
    end else begin : g_scores
      assign result = sums;
    end
  endgenerate

  always @(posedge ap_clk) begin
    if (en && issue) begin
      b_in    <= in_chunk;
      b_last  <= (sf == SF_LAST);
    end
    if (en && b_valid && b_last) out_data <= result;
  end

  // The accumulators are cleared after the last synapse fold (and by reset) rather than masked
  // at the first: a clear is the flip-flops' synchronous reset (FDRE R, free), whereas a mask in
  // front of the adder costs one LUT per bit, since the carry chain's DI input needs the masked
  // operand on its own (docs/datapath.md). Same cycle behaviour: acc is zero at every first fold.
  always @(posedge ap_clk) begin
    if (!ap_rst_n || (en && b_valid && b_last)) acc <= {(PE*ACC_W){1'b0}};
    else if (en && b_valid) acc <= sums;
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
