`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// (files are named after the block, modules carry the bnn_ prefix to avoid clashes in user projects)
// Stream width converter, any IN_W/OUT_W ratio. A bit buffer of IN_W + OUT_W bits filled
// LSB-first: it offers an output beat while it holds >= OUT_W bits and takes an input beat while
// it holds <= OUT_W bits, so both sides can move one beat per cycle. Twin: sim/dwc.ts.
module bnn_dwc #(
  parameter integer IN_W = 8,
  parameter integer OUT_W = 8
) (
  input  wire             ap_clk,
  input  wire             ap_rst_n,
  input  wire [IN_W-1:0]  s_axis_tdata,
  input  wire             s_axis_tvalid,
  output wire             s_axis_tready,
  output wire [OUT_W-1:0] m_axis_tdata,
  output wire             m_axis_tvalid,
  input  wire             m_axis_tready
);
  localparam integer C = IN_W + OUT_W;
  localparam integer CW = $clog2(C + 1);
  localparam integer OUT_I = OUT_W;
  localparam integer IN_I = IN_W;
  localparam [CW-1:0] OUT_N = OUT_I[CW-1:0];
  localparam [CW-1:0] IN_N = IN_I[CW-1:0];

  reg [C-1:0]  buffer;
  reg [CW-1:0] count;

  wire push = s_axis_tvalid && s_axis_tready;
  wire pop  = m_axis_tvalid && m_axis_tready;
  wire [C-1:0]  kept = pop ? (buffer >> OUT_W) : buffer;
  wire [CW-1:0] base = pop ? (count - OUT_N) : count;
  wire [C-1:0]  incoming = {{OUT_W{1'b0}}, s_axis_tdata} << base;

  assign m_axis_tvalid = (count >= OUT_N);
  assign m_axis_tdata  = buffer[OUT_W-1:0];
  assign s_axis_tready = (count <= OUT_N);

  always @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      buffer <= {C{1'b0}};
      count  <= {CW{1'b0}};
    end else begin
      buffer <= push ? (kept | incoming) : kept;
      count  <= push ? (base + IN_N) : base;
    end
  end
endmodule
