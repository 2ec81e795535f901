`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// UART transmitter, 8N1, LSB first. `ready` is high while idle; a byte is taken when valid and
// ready are both high (the same handshake as the AXI4-Stream ports).
module bnn_uart_tx #(
  parameter integer CLKS_PER_BIT = 104
) (
  input  wire       ap_clk,
  input  wire       ap_rst_n,
  input  wire [7:0] data,
  input  wire       valid,
  output wire       ready,
  output reg        tx
);
  localparam integer CW = $clog2(CLKS_PER_BIT + 1);
  localparam integer FULL_I = CLKS_PER_BIT - 1;
  localparam [CW-1:0] FULL = FULL_I[CW-1:0];

  // Start bit, 8 data bits, stop bit: shifted out LSB first; nleft counts the bits still to go.
  reg [9:0] shift;
  reg [3:0] nleft;
  reg [CW-1:0] cnt;

  assign ready = (nleft == 4'd0);

  always @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      shift <= 10'h3ff;
      nleft <= 4'd0;
      cnt <= {CW{1'b0}};
      tx <= 1'b1;
    end else if (nleft == 4'd0) begin
      tx <= 1'b1;
      if (valid) begin
        shift <= {1'b1, data, 1'b0};
        nleft <= 4'd10;
        cnt <= {CW{1'b0}};
      end
    end else begin
      tx <= shift[0];
      if (cnt == FULL) begin
        cnt <= {CW{1'b0}};
        shift <= {1'b1, shift[9:1]};
        nleft <= nleft - 1'b1;
      end else cnt <= cnt + 1'b1;
    end
  end
endmodule
