`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// Boot loader for weights kept in the board's SPI flash (image written by bnn board, see
// docs/boards.md; layout and checksum in src/blocks/spram-weights.ts): after reset it wakes the
// flash (0xAB, then WAKE_CLKS clocks for tRES1), reads from ADDR with command 0x03 (SPI mode 0,
// SCK = clock / 2) the header "BNNW" + word count (32-bit, little-endian), WORDS 16-bit words
// (little-endian) and a 32-bit checksum, and hands every word on at once (ld_valid for one
// cycle). done: the image was the expected one (magic, count, and the checksum as stored and
// as compiled in for this design); error: it was not (nothing written to the flash, or another
// design's weights). One of them goes high at the end and stays.
module bnn_spi_flash_loader #(
  parameter integer ADDR = 1048576,   // flash byte address of the image
  parameter integer WORDS = 1,
  parameter integer CHECKSUM = 0,
  parameter integer WAKE_CLKS = 48
) (
  input  wire        ap_clk,
  input  wire        ap_rst_n,
  output reg         spi_sck = 1'b0,
  output reg         spi_cs_n = 1'b1,
  output wire        spi_mosi,
  input  wire        spi_miso,
  output reg  [15:0] ld_data = 16'd0,
  output reg         ld_valid = 1'b0,
  output reg         done = 1'b0,
  output reg         error = 1'b0
);
  // ---- one byte over SPI: 8 bits, MSB first, two clocks each -------------------------------
  reg [7:0] tx = 8'd0;
  reg [7:0] rx = 8'd0;
  reg [2:0] bitn = 3'd0;
  reg       ph = 1'b0;
  reg       busy = 1'b0;
  reg       byte_done = 1'b0;
  reg       start = 1'b0;
  reg [7:0] start_tx = 8'd0;
  assign spi_mosi = tx[7];
  always @(posedge ap_clk) begin
    byte_done <= 1'b0;
    if (!ap_rst_n) begin
      busy <= 1'b0;
      spi_sck <= 1'b0;
      ph <= 1'b0;
    end else if (start) begin
      busy <= 1'b1;
      tx <= start_tx;
      bitn <= 3'd0;
      ph <= 1'b0;
    end else if (busy) begin
      if (!ph) begin
        // Rising SCK: the flash samples MOSI, MISO has been stable since the last falling edge.
        spi_sck <= 1'b1;
        rx <= {rx[6:0], spi_miso};
        ph <= 1'b1;
      end else begin
        spi_sck <= 1'b0;
        ph <= 1'b0;
        tx <= {tx[6:0], 1'b0};
        bitn <= bitn + 3'd1;
        if (bitn == 3'd7) begin
          busy <= 1'b0;
          byte_done <= 1'b1;
        end
      end
    end
  end

  // ---- the sequence ---------------------------------------------------------------------
  localparam [2:0] S_WAKE = 3'd0, S_WAKE_END = 3'd1, S_WAIT = 3'd2, S_CMD = 3'd3, S_DATA = 3'd4, S_END = 3'd5;
  localparam integer TOTAL = 8 + 2 * WORDS + 4;  // bytes after command and address
  localparam [31:0] MAGIC = 32'h574e4e42;        // "BNNW", first byte lowest
  localparam [31:0] WORDS_V = WORDS;
  localparam [31:0] CHECK_V = CHECKSUM;
  localparam [31:0] ADDR_V = ADDR;
  localparam [31:0] LAST_I = TOTAL - 1;
  reg [2:0]  state = S_WAKE;
  reg [31:0] wait_n = 32'd0;
  reg [2:0]  cmd_n = 3'd0;
  reg [31:0] n = 32'd0;               // bytes received after the address
  reg        ok = 1'b1;
  reg [31:0] sum = 32'd0;             // rotate-left-by-one XOR over the words
  reg [31:0] trailer = 32'd0;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [31:0] idx = n - 32'd8;        // data byte index
  wire [31:0] tix = n - 32'd8 - 2 * WORDS_V;
  /* verilator lint_on UNUSEDSIGNAL */
  reg [7:0] lo = 8'd0;
  wire [7:0] cmd_byte = (cmd_n == 3'd0) ? 8'h03 : (cmd_n == 3'd1) ? ADDR_V[23:16] : (cmd_n == 3'd2) ? ADDR_V[15:8] : ADDR_V[7:0];
  wire [15:0] word = {rx, lo};

  always @(posedge ap_clk) begin
    start <= 1'b0;
    ld_valid <= 1'b0;
    if (!ap_rst_n) begin
      state <= S_WAKE;
      spi_cs_n <= 1'b1;
      done <= 1'b0;
      error <= 1'b0;
    end else case (state)
      S_WAKE: begin
        spi_cs_n <= 1'b0;
        start <= 1'b1;
        start_tx <= 8'hab;
        state <= S_WAKE_END;
      end
      S_WAKE_END: if (byte_done) begin
        spi_cs_n <= 1'b1;
        wait_n <= 32'd0;
        state <= S_WAIT;
      end
      S_WAIT: begin
        wait_n <= wait_n + 32'd1;
        if (wait_n == WAKE_CLKS) begin
          spi_cs_n <= 1'b0;
          start <= 1'b1;
          start_tx <= 8'h03;
          cmd_n <= 3'd1;
          state <= S_CMD;
        end
      end
      S_CMD: if (byte_done) begin
        start <= 1'b1;
        if (cmd_n == 3'd4) begin
          start_tx <= 8'h00;
          n <= 32'd0;
          ok <= 1'b1;
          sum <= 32'd0;
          state <= S_DATA;
        end else begin
          start_tx <= cmd_byte;
          cmd_n <= cmd_n + 3'd1;
        end
      end
      S_DATA: if (byte_done) begin
        if (n < 4) begin
          if (rx != MAGIC[8 * n[1:0] +: 8]) ok <= 1'b0;
        end else if (n < 8) begin
          if (rx != WORDS_V[8 * n[1:0] +: 8]) ok <= 1'b0;
        end else if (n < 8 + 2 * WORDS_V) begin
          if (!idx[0]) lo <= rx;
          else begin
            ld_data <= word;
            ld_valid <= 1'b1;
            sum <= {sum[30:0], sum[31]} ^ {16'd0, word};
          end
        end else begin
          trailer[8 * tix[1:0] +: 8] <= rx;
        end
        n <= n + 32'd1;
        if (n == LAST_I) begin
          spi_cs_n <= 1'b1;
          state <= S_END;
        end else start <= 1'b1;
      end
      S_END: begin
        if (ok && trailer == sum && sum == CHECK_V) done <= 1'b1;
        else error <= 1'b1;
        state <= S_END;
      end
      default: state <= S_END;
    endcase
  end
endmodule
