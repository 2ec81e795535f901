`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// (files are named after the block, modules carry the bnn_ prefix to avoid clashes in user projects)
// Argmax over the last layer's values: PE values of ACC_W bits per beat, NF beats per frame,
// unsigned (popcounts, bits) or two's complement (SIGNED: a fixed-point layer's sums).
// The lowest class index wins a tie, the highest with TIE_HIGH (highest-set-bit over bits).
// Lanes from CLASSES on are pad neurons of a padded fold and never win (pads are the highest
// indices, so a beat whose lane 0 is a pad holds only pads). One output beat (the class index,
// zero-extended to OUT_W) per frame, valid the cycle after the frame's last value beat is accepted.
// Twin: sim/label-select.ts. Parameters: src/blocks/label-select.ts.
module bnn_label_select #(
  parameter integer PE = 10,
  parameter integer NF = 1,
  parameter integer CLASSES = 10,     // real classes, <= PE*NF
  parameter integer ACC_W = 7,
  parameter integer IDX_W = 4,        // holds 0..PE*NF-1
  parameter integer OUT_W = 8,
  parameter integer SIGNED = 0,
  parameter integer TIE_HIGH = 0
) (
  input  wire               ap_clk,
  input  wire               ap_rst_n,
  input  wire [PE*ACC_W-1:0] s_axis_tdata,
  input  wire               s_axis_tvalid,
  output wire               s_axis_tready,
  output wire [OUT_W-1:0]   m_axis_tdata,
  output wire               m_axis_tvalid,
  input  wire               m_axis_tready
);
  localparam integer NF_W = (NF > 1) ? $clog2(NF) : 1;
  localparam integer NF_LAST_I = NF - 1;
  localparam integer PE_I = PE;
  localparam [NF_W-1:0] NF_LAST = NF_LAST_I[NF_W-1:0];
  // base only steps by PE before the frame's last beat, so it stays below PE*NF.
  localparam [IDX_W-1:0] PE_N = PE_I[IDX_W-1:0];
  // Flipping the sign bit maps two's complement order onto unsigned order.
  localparam integer FLIP_I = (SIGNED != 0) ? (1 << (ACC_W - 1)) : 0;
  localparam [ACC_W-1:0] FLIP = FLIP_I[ACC_W-1:0];
  wire [PE*ACC_W-1:0] key = s_axis_tdata ^ {PE{FLIP}};
  localparam [31:0] CLASSES_N = CLASSES;

  reg [NF_W-1:0]   beat;
  reg [IDX_W-1:0] base;
  reg [ACC_W-1:0]  best_val;
  reg [IDX_W-1:0]  best_idx;
  reg              out_valid;
  reg [IDX_W-1:0]  out_idx;

  // Best lane of this beat (strict > keeps the lowest index on a tie, >= the highest).
  reg [ACC_W-1:0]  lane_val;
  reg [IDX_W-1:0] lane_idx;
  wire [31:0] base32 = {{(32-IDX_W){1'b0}}, base};
  wire lane_ok = base32 < CLASSES_N;
  integer i;
  always @* begin
    lane_val = key[ACC_W-1:0];
    lane_idx = {IDX_W{1'b0}};
    for (i = 1; i < PE; i = i + 1)
      if (base32 + i < CLASSES_N && (key[i*ACC_W +: ACC_W] > lane_val || (TIE_HIGH != 0 && key[i*ACC_W +: ACC_W] == lane_val))) begin
        lane_val = key[i*ACC_W +: ACC_W];
        lane_idx = i[IDX_W-1:0];
      end
  end

  wire [IDX_W-1:0] cand = base + lane_idx;
  wire take = (beat == {NF_W{1'b0}}) || (lane_ok && (lane_val > best_val || (TIE_HIGH != 0 && lane_val == best_val)));
  wire [IDX_W-1:0] new_idx = take ? cand[IDX_W-1:0] : best_idx;
  wire last_beat = (beat == NF_LAST);

  wire en = !out_valid || m_axis_tready;
  wire accept = en && s_axis_tvalid;
  assign s_axis_tready = en;

  always @(posedge ap_clk) begin
    if (accept) begin
      if (take) best_val <= lane_val;
      best_idx <= new_idx;
      if (last_beat) out_idx <= new_idx;
    end
  end

  always @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      beat <= {NF_W{1'b0}};
      base <= {IDX_W{1'b0}};
      out_valid <= 1'b0;
    end else if (en) begin
      out_valid <= s_axis_tvalid && last_beat;
      if (s_axis_tvalid) begin
        if (last_beat) begin
          beat <= {NF_W{1'b0}};
          base <= {IDX_W{1'b0}};
        end else begin
          beat <= beat + 1'b1;
          base <= base + PE_N;
        end
      end
    end
  end

  assign m_axis_tvalid = out_valid;
  generate
    if (OUT_W > IDX_W) begin : g_pad
      assign m_axis_tdata = {{(OUT_W-IDX_W){1'b0}}, out_idx};
    end else begin : g_nopad
      assign m_axis_tdata = out_idx;
    end
  endgenerate
endmodule
