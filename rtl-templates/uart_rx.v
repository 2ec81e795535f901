`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// UART receiver, 8N1, LSB first. The line is asynchronous to ap_clk: two flip-flops bring it
// into the clock domain before anything looks at it. A byte whose stop bit is low (line break,
// wrong baud rate, glitch) is dropped and reported on frame_err, so noise never yields a byte.
module bnn_uart_rx #(
  parameter integer CLKS_PER_BIT = 104
) (
  input  wire       ap_clk,
  input  wire       ap_rst_n,
  input  wire       rx,
  output reg  [7:0] data,
  output reg        valid,
  output reg        frame_err
);
  localparam integer CW = $clog2(CLKS_PER_BIT * 3 / 2 + 1);
  localparam integer HALF_I = CLKS_PER_BIT / 2 - 1;
  localparam integer FULL_I = CLKS_PER_BIT - 1;
  localparam [CW-1:0] HALF = HALF_I[CW-1:0];
  localparam [CW-1:0] FULL = FULL_I[CW-1:0];
  localparam [1:0] IDLE = 2'd0, START = 2'd1, BITS = 2'd2, STOP = 2'd3;

  reg rx_meta;
  reg rx_sync;
  reg [1:0] state;
  reg [CW-1:0] cnt;
  reg [2:0] nbit;
  reg [7:0] shift;

  always @(posedge ap_clk) begin
    rx_meta <= rx;
    rx_sync <= rx_meta;
    valid <= 1'b0;
    frame_err <= 1'b0;
    if (!ap_rst_n) begin
      rx_meta <= 1'b1;
      rx_sync <= 1'b1;
      state <= IDLE;
      cnt <= {CW{1'b0}};
      nbit <= 3'd0;
      shift <= 8'd0;
      data <= 8'd0;
    end else begin
      case (state)
        IDLE: if (!rx_sync) begin
          state <= START;
          cnt <= {CW{1'b0}};
        end
        // Middle of the start bit: still low, or it was a glitch.
        START: if (cnt == HALF) begin
          cnt <= {CW{1'b0}};
          state <= rx_sync ? IDLE : BITS;
          nbit <= 3'd0;
        end else cnt <= cnt + 1'b1;
        BITS: if (cnt == FULL) begin
          cnt <= {CW{1'b0}};
          shift <= {rx_sync, shift[7:1]};
          nbit <= nbit + 1'b1;
          if (nbit == 3'd7) state <= STOP;
        end else cnt <= cnt + 1'b1;
        default: if (cnt == FULL) begin
          cnt <= {CW{1'b0}};
          state <= IDLE;
          if (rx_sync) begin
            data <= shift;
            valid <= 1'b1;
          end else frame_err <= 1'b1;
        end else cnt <= cnt + 1'b1;
      endcase
    end
  end
endmodule
