`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// (files are named after the block, modules carry the bnn_ prefix to avoid clashes in user projects)
// Synchronous stream FIFO. Registered valid (not empty) and ready (not full), so it also cuts
// combinational ready chains between engines. Twin: sim/fifo.ts. Plan/cost: src/blocks/fifo.ts.
module bnn_fifo #(
  parameter integer WIDTH = 8,
  parameter integer DEPTH = 2
) (
  input  wire             ap_clk,
  input  wire             ap_rst_n,
  input  wire [WIDTH-1:0] s_axis_tdata,
  input  wire             s_axis_tvalid,
  output wire             s_axis_tready,
  output wire [WIDTH-1:0] m_axis_tdata,
  output wire             m_axis_tvalid,
  input  wire             m_axis_tready
);
  localparam integer AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
  localparam integer CW = $clog2(DEPTH + 1);
  localparam integer LAST_I = DEPTH - 1;
  localparam integer FULL_I = DEPTH;
  localparam [AW-1:0] LAST = LAST_I[AW-1:0];
  localparam [CW-1:0] FULL = FULL_I[CW-1:0];

  reg [WIDTH-1:0] mem [0:DEPTH-1];
  reg [AW-1:0] rd_ptr;
  reg [AW-1:0] wr_ptr;
  reg [CW-1:0] count;

  wire push = s_axis_tvalid && s_axis_tready;
  wire pop  = m_axis_tvalid && m_axis_tready;

  assign s_axis_tready = (count != FULL);
  assign m_axis_tvalid = (count != {CW{1'b0}});
  assign m_axis_tdata  = mem[rd_ptr];

  always @(posedge ap_clk) begin
    if (push) mem[wr_ptr] <= s_axis_tdata;
  end

  always @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      rd_ptr <= {AW{1'b0}};
      wr_ptr <= {AW{1'b0}};
      count  <= {CW{1'b0}};
    end else begin
      if (push) wr_ptr <= (wr_ptr == LAST) ? {AW{1'b0}} : wr_ptr + 1'b1;
      if (pop)  rd_ptr <= (rd_ptr == LAST) ? {AW{1'b0}} : rd_ptr + 1'b1;
      if (push && !pop) count <= count + 1'b1;
      else if (pop && !push) count <= count - 1'b1;
    end
  end
endmodule
