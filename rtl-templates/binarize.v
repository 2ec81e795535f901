`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// (files are named after the block, modules carry the bnn_ prefix to avoid clashes in user projects)
// Input quantizer: each raw unsigned element >= THRESHOLD becomes bit 1 (+1), else 0 (-1).
// Purely combinational; valid and ready pass straight through. Twin: sim/binarize.ts.
module bnn_binarize #(
  parameter integer LANES = 1,
  parameter integer RAW_BITS = 8,
  parameter integer THRESHOLD = 128
) (
  input  wire [LANES*RAW_BITS-1:0] s_axis_tdata,
  input  wire                      s_axis_tvalid,
  output wire                      s_axis_tready,
  output wire [LANES-1:0]          m_axis_tdata,
  output wire                      m_axis_tvalid,
  input  wire                      m_axis_tready
);
  // One bit wider than an element so that THRESHOLD = 2^RAW_BITS (never fires) fits.
  localparam integer T_I = THRESHOLD;
  localparam [RAW_BITS:0] T = T_I[RAW_BITS:0];
  genvar i;
  generate
    for (i = 0; i < LANES; i = i + 1) begin : g_lane
      assign m_axis_tdata[i] = ({1'b0, s_axis_tdata[i*RAW_BITS +: RAW_BITS]} >= T);
    end
  endgenerate
  assign m_axis_tvalid = s_axis_tvalid;
  assign s_axis_tready = m_axis_tready;
endmodule
