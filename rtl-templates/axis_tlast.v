`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// AXI4-Stream pass-through that adds TLAST on every BEATS-th beat (the last beat of a frame), for
// a DMA whose S2MM channel ends a transfer at TLAST. Data, valid and ready pass unchanged.
module bnn_axis_tlast #(
  parameter integer W = 8,
  parameter integer BEATS = 1
) (
  input  wire         ap_clk,
  input  wire         ap_rst_n,
  input  wire [W-1:0] s_axis_tdata,
  input  wire         s_axis_tvalid,
  output wire         s_axis_tready,
  output wire [W-1:0] m_axis_tdata,
  output wire         m_axis_tvalid,
  input  wire         m_axis_tready,
  output wire         m_axis_tlast
);
  localparam integer CW = (BEATS > 1) ? $clog2(BEATS) : 1;
  localparam integer LAST_I = BEATS - 1;
  localparam [CW-1:0] LAST = LAST_I[CW-1:0];
  reg [CW-1:0] n;

  assign m_axis_tdata = s_axis_tdata;
  assign m_axis_tvalid = s_axis_tvalid;
  assign s_axis_tready = m_axis_tready;
  assign m_axis_tlast = (n == LAST);

  always @(posedge ap_clk) begin
    if (!ap_rst_n) n <= {CW{1'b0}};
    else if (s_axis_tvalid && m_axis_tready) n <= (n == LAST) ? {CW{1'b0}} : n + 1'b1;
  end
endmodule
