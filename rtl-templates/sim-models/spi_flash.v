`timescale 1ns / 1ps
// Behavioural model of a serial NOR flash (SPI mode 0) for simulation only, enough for the
// board's weight loader: 0xAB releases deep power-down (commands are ignored until T_RES_NS
// later), 0xB9 enters it, 0x03 + 24-bit address reads bytes from there on (MISO changes after
// the falling SCK edge, the address auto-increments). The part starts in deep power-down (as
// iceprog leaves it), so a loader that does not wake it reads nothing. IMAGE holds BYTES bytes
// ($readmemh, one byte per line) at flash address BASE; every other address reads 0xFF (erased).
// verilator lint_off DECLFILENAME
// A behavioural model: blocking assignments in edge-triggered blocks, on purpose.
// verilator lint_off BLKSEQ
module bnn_sim_spi_flash #(
  parameter IMAGE = "flash.mem",
  parameter integer BASE = 0,
  parameter integer BYTES = 1,
  parameter integer T_RES_NS = 3000
) (
  input  wire sck,
  input  wire cs_n,
  input  wire mosi,
  output reg  miso
);
  reg [7:0] mem [0:BYTES-1];
  initial begin
    if (BYTES > 0) $readmemh(IMAGE, mem);
    miso = 1'b1;
  end
  reg        asleep = 1'b1;
  real       awake_at = 0.0;
  reg [31:0] sh = 32'd0;
  integer    nbits = 0;
  reg        reading = 1'b0;
  reg        ignore = 1'b0;
  reg [23:0] addr = 24'd0;
  reg [7:0]  out = 8'hff;
  integer    obit = 0;

  function [7:0] byte_at(input [23:0] a);
    integer off;
    begin
      off = {8'd0, a};
      off = off - BASE;
      byte_at = (off >= 0 && off < BYTES) ? mem[off] : 8'hff;
    end
  endfunction

  always @(negedge cs_n) begin
    nbits = 0;
    reading = 1'b0;
    ignore = ($realtime < awake_at);
  end
  always @(posedge cs_n) begin
    // A command takes effect at the end of its byte, while CS# is low (0xAB, 0xB9).
    if (!ignore && !reading && nbits == 8) begin
      if (sh[7:0] == 8'hab) begin
        if (asleep) awake_at = $realtime + T_RES_NS;
        asleep = 1'b0;
      end else if (sh[7:0] == 8'hb9) asleep = 1'b1;
    end
    reading = 1'b0;
    miso = 1'b1;
  end
  always @(posedge sck) begin
    if (!cs_n && !ignore && !reading) begin
      sh = {sh[30:0], mosi};
      nbits = nbits + 1;
      if (nbits == 32 && sh[31:24] == 8'h03 && !asleep) begin
        addr = sh[23:0];
        reading = 1'b1;
        obit = 0;
        out = byte_at(addr);
      end
    end
  end
  always @(negedge sck) begin
    if (!cs_n && reading) begin
      miso = out[7 - obit];
      if (obit == 7) begin
        obit = 0;
        addr = addr + 24'd1;
        out = byte_at(addr);
      end else obit = obit + 1;
    end
  end
endmodule
