`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// (files are named after the block, modules carry the bnn_ prefix to avoid clashes in user projects)
// Max-pool, K x K windows with stride K, channels last. ELEM_BITS = 1: the max of +-1 values is
// their OR as bits; ELEM_BITS > 1: the max of integers per channel (two's complement when SIGNED).
// Input: H x W x C in raster order, SIMD channels per beat; rows and columns beyond
// OH*K / OW*K are dropped. A row of OW*C/SIMD partial results is kept; an output beat leaves
// with the window's last input beat. Twin: sim/pool.ts. Parameters: src/blocks/pool.ts.
module bnn_pool #(
  parameter integer H = 4,
  parameter integer W = 4,
  parameter integer C = 1,
  parameter integer SIMD = 1,
  parameter integer K = 2,
  parameter integer ELEM_BITS = 1,
  parameter integer SIGNED = 0
) (
  input  wire            ap_clk,
  input  wire            ap_rst_n,
  input  wire [SIMD*ELEM_BITS-1:0] s_axis_tdata,
  input  wire            s_axis_tvalid,
  output wire            s_axis_tready,
  output wire [SIMD*ELEM_BITS-1:0] m_axis_tdata,
  output wire            m_axis_tvalid,
  input  wire            m_axis_tready
);
  localparam integer BW = SIMD * ELEM_BITS;
  localparam integer CB = C / SIMD;
  localparam integer OW = W / K;
  localparam integer OH = H / K;
  localparam integer CBW = (CB > 1) ? $clog2(CB) : 1;
  localparam integer KW = (K > 1) ? $clog2(K) : 1;
  localparam integer XW = $clog2(W + 1);
  localparam integer YW = $clog2(H + 1);
  localparam integer AW = (OW * CB > 1) ? $clog2(OW * CB) : 1;
  localparam integer CB_LAST_I = CB - 1;
  localparam integer K_LAST_I = K - 1;
  localparam integer W_LAST_I = W - 1;
  localparam integer H_LAST_I = H - 1;
  localparam integer OWK_I = OW * K;
  localparam integer OHK_I = OH * K;
  localparam [CBW-1:0] CB_LAST = CB_LAST_I[CBW-1:0];
  localparam [KW-1:0]  K_LAST = K_LAST_I[KW-1:0];
  localparam [XW-1:0]  W_LAST = W_LAST_I[XW-1:0];
  localparam [YW-1:0]  H_LAST = H_LAST_I[YW-1:0];
  localparam [XW-1:0]  OWK = OWK_I[XW-1:0];
  localparam [YW-1:0]  OHK = OHK_I[YW-1:0];

  reg [BW-1:0] partial [0:OW*CB-1];
  reg [CBW-1:0] cb;
  reg [XW-1:0]  x;
  reg [YW-1:0]  y;
  reg [KW-1:0]  kx;
  reg [KW-1:0]  ky;
  reg [AW-1:0]  slot;        // (x / K) * CB + cb
  reg [AW-1:0]  slot_row;    // (x / K) * CB: the first slot of the current window column
  reg           out_valid;
  reg [BW-1:0] out_data;

  wire en = !out_valid || m_axis_tready;
  assign s_axis_tready = en;
  wire accept = en && s_axis_tvalid;
  wire kept = (x < OWK) && (y < OHK);
  wire first = (kx == {KW{1'b0}}) && (ky == {KW{1'b0}});
  wire last = (kx == K_LAST) && (ky == K_LAST);
  wire [BW-1:0] held = partial[slot];
  wire [BW-1:0] larger;
  genvar e;
  generate
    if (ELEM_BITS == 1) begin : g_or
      assign larger = held | s_axis_tdata;
    end else begin : g_max
      // Two's complement order is the unsigned order with the sign bit flipped.
      localparam [ELEM_BITS-1:0] FLIP = {(SIGNED != 0), {(ELEM_BITS-1){1'b0}}};
      for (e = 0; e < SIMD; e = e + 1) begin : g_e
        wire [ELEM_BITS-1:0] a = held[e*ELEM_BITS +: ELEM_BITS];
        wire [ELEM_BITS-1:0] b = s_axis_tdata[e*ELEM_BITS +: ELEM_BITS];
        assign larger[e*ELEM_BITS +: ELEM_BITS] = ((a ^ FLIP) < (b ^ FLIP)) ? b : a;
      end
    end
  endgenerate
  wire [BW-1:0] merged = first ? s_axis_tdata : larger;

  always @(posedge ap_clk) begin
    if (accept && kept) begin
      partial[slot] <= merged;
      if (last) out_data <= merged;
    end
  end

  always @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      cb <= {CBW{1'b0}};
      x <= {XW{1'b0}};
      y <= {YW{1'b0}};
      kx <= {KW{1'b0}};
      ky <= {KW{1'b0}};
      slot <= {AW{1'b0}};
      slot_row <= {AW{1'b0}};
      out_valid <= 1'b0;
    end else if (en) begin
      out_valid <= accept && kept && last;
      if (accept) begin
        if (cb != CB_LAST) begin
          cb <= cb + 1'b1;
          slot <= slot + 1'b1;
        end else begin
          cb <= {CBW{1'b0}};
          if (x != W_LAST) begin
            x <= x + 1'b1;
            if (kx != K_LAST) begin
              kx <= kx + 1'b1;
              slot <= slot_row;
            end else begin
              kx <= {KW{1'b0}};
              slot <= slot + 1'b1;
              slot_row <= slot + 1'b1;
            end
          end else begin
            x <= {XW{1'b0}};
            kx <= {KW{1'b0}};
            slot <= {AW{1'b0}};
            slot_row <= {AW{1'b0}};
            if (y != H_LAST) begin
              y <= y + 1'b1;
              ky <= (ky == K_LAST) ? {KW{1'b0}} : ky + 1'b1;
            end else begin
              y <= {YW{1'b0}};
              ky <= {KW{1'b0}};
            end
          end
        end
      end
    end
  end

  assign m_axis_tvalid = out_valid;
  assign m_axis_tdata = out_data;
endmodule
