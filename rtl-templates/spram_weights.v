`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// Weight memory of one MVTU in iCE40 UltraPlus single-port RAM (SB_SPRAM256KA, 16K x 16 bits):
// LANES SPRAMs side by side hold a word of W <= 16*LANES bits, BANKS rows of them DEPTH words.
// Read port: rd_data is the word at the address of the last cycle rd_en was high, from the
// next cycle on: exactly the registered ROM read of rtl-templates/mvtu.v, so bnn_mvtu_spram
// keeps bnn_mvtu's cycle behaviour and its twin (sim/mvtu.ts). The SPRAMs read every cycle,
// at rd_addr while rd_en and at the held address otherwise, so this does not depend on what
// DATAOUT does while CHIPSELECT is low.
// Load port: SPRAM has no initial contents, so the words are written once after configuration
// (address by address, lane 0 first, 16 bits each), while the MVTU is held in reset; the load
// counters start from their power-up value (0), ld_done stays high afterwards. Cost and image
// layout: src/blocks/spram-weights.ts.
module bnn_spram_weights #(
  parameter integer W = 16,
  parameter integer DEPTH = 16,
  parameter integer LANES = 1,
  parameter integer BANKS = 1,
  parameter integer AW = 4           // address bits of the MVTU (its WA_W)
) (
  input  wire          ap_clk,
  input  wire [AW-1:0] rd_addr,
  input  wire          rd_en,
  output wire [W-1:0]  rd_data,
  input  wire [15:0]   ld_data,
  input  wire          ld_valid,
  output wire          ld_done
);
  localparam integer BW = (BANKS > 1) ? $clog2(BANKS) : 1;
  localparam integer LW = (LANES > 1) ? $clog2(LANES) : 1;
  localparam integer DEPTH_LAST_I = DEPTH - 1;
  localparam integer LANE_LAST_I = LANES - 1;
  localparam [AW-1:0] DEPTH_LAST = DEPTH_LAST_I[AW-1:0];
  localparam [LW-1:0] LANE_LAST = LANE_LAST_I[LW-1:0];

  reg [AW-1:0] held = {AW{1'b0}};
  always @(posedge ap_clk) if (rd_en) held <= rd_addr;
  wire [AW-1:0] ra = rd_en ? rd_addr : held;

  reg [AW-1:0] ld_addr = {AW{1'b0}};
  reg [LW-1:0] ld_lane = {LW{1'b0}};
  reg          done = 1'b0;
  wire wr = ld_valid && !done;
  always @(posedge ap_clk) begin
    if (wr) begin
      if (ld_lane == LANE_LAST) begin
        ld_lane <= {LW{1'b0}};
        if (ld_addr == DEPTH_LAST) done <= 1'b1;
        else ld_addr <= ld_addr + 1'b1;
      end else ld_lane <= ld_lane + 1'b1;
    end
  end
  assign ld_done = done;

  // SPRAM address: 14 bits of row, the bits above select the bank.
  /* verilator lint_off UNUSEDSIGNAL */
  wire [31:0] a32 = {{(32-AW){1'b0}}, wr ? ld_addr : ra};
  wire [31:0] w32 = {{(32-LW){1'b0}}, ld_lane};
  /* verilator lint_on UNUSEDSIGNAL */
  wire [13:0] row = a32[13:0];
  wire [BW-1:0] bank = (BANKS > 1) ? a32[14 +: BW] : {BW{1'b0}};
  reg  [BW-1:0] bank_q = {BW{1'b0}};
  always @(posedge ap_clk) bank_q <= bank;

  wire [16*LANES*BANKS-1:0] q;
  genvar b, l;
  generate
    for (b = 0; b < BANKS; b = b + 1) begin : g_bank
      for (l = 0; l < LANES; l = l + 1) begin : g_lane
        SB_SPRAM256KA ram (
          .ADDRESS(row), .DATAIN(ld_data), .MASKWREN(4'b1111),
          .WREN(wr && bank == b && w32[LW-1:0] == l), .CHIPSELECT(1'b1), .CLOCK(ap_clk),
          .STANDBY(1'b0), .SLEEP(1'b0), .POWEROFF(1'b1),
          .DATAOUT(q[(b*LANES + l)*16 +: 16]));
      end
    end
  endgenerate

  // The lanes of the bank read last cycle; bits above W of the top lane are padding.
  /* verilator lint_off UNUSEDSIGNAL */
  wire [16*LANES-1:0] word = q[bank_q*16*LANES +: 16*LANES];
  /* verilator lint_on UNUSEDSIGNAL */
  assign rd_data = word[W-1:0];
endmodule
