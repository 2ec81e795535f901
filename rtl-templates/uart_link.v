`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// The board's frame protocol over a UART (docs/boards.md), between the serial line and the
// accelerator's AXI4-Stream ports. Host → board, per frame:
//   A5 5A | length (2 bytes, little-endian) = FRAME_BYTES | FRAME_BYTES payload bytes | XOR of the payload
// one payload byte per raw input element (its low ELEM_BITS bits), in the accelerator's element
// order. Board → host (protocol version 2), one response per frame or per rejected header:
//   C3 | status | class | score count S | S scores of SCORE_BYTES bytes each
// S = CLASSES for an ok frame, else 0; each score little-endian, sign-extended (SIGNED) or
// zero-extended from VAL_W bits. The scores arrive on s_axis (PE values per beat, NF beats per
// frame, pad lanes last); the class arrives on c_t* one cycle after the frame's last score beat
// (a bnn_label_select beside the link on the same stream).
// status 0 ok, 1 bad length, 2 bad checksum, 3 timeout (more than TIMEOUT clocks between two bytes
// of a frame), 4 overrun. Every path returns to hunting for A5 5A, so no byte sequence hangs it.
// Payload bytes go to the accelerator as they arrive; a frame cut short is padded with zeros so
// the accelerator stays aligned to frame boundaries, and its result is discarded.
module bnn_uart_link #(
  parameter integer CLKS_PER_BIT = 104,
  parameter integer FRAME_BYTES = 784,
  parameter integer LANES = 28,
  parameter integer ELEM_BITS = 8,
  parameter integer IN_W = 224,
  parameter integer OUT_W = 8,
  parameter integer TIMEOUT = 1200000,
  parameter integer PE = 1,
  parameter integer NF = 1,
  parameter integer VAL_W = 8,
  parameter integer CLASSES = 1,
  parameter integer SCORE_BYTES = 1,
  parameter integer SIGNED = 0
) (
  input  wire            ap_clk,
  input  wire            ap_rst_n,
  input  wire            uart_rx,
  output wire            uart_tx,
  output wire [IN_W-1:0] m_axis_tdata,
  output wire            m_axis_tvalid,
  input  wire            m_axis_tready,
  input  wire [OUT_W-1:0] s_axis_tdata,
  input  wire            s_axis_tvalid,
  output wire            s_axis_tready,
  input  wire [7:0]      c_tdata,
  input  wire            c_tvalid,
  output wire            busy,
  output reg             last_error,
  output reg  [7:0]      last_class
);
  localparam integer BW = LANES * ELEM_BITS;
  localparam integer TW = $clog2(TIMEOUT + 1);
  localparam integer LW = $clog2(LANES + 1);
  localparam integer TIMEOUT_I = TIMEOUT;
  localparam integer LAST_LANE_I = LANES - 1;
  localparam integer FRAME_BYTES_I = FRAME_BYTES;
  localparam [TW-1:0] TIMEOUT_C = TIMEOUT_I[TW-1:0];
  localparam [LW-1:0] LAST_LANE = LAST_LANE_I[LW-1:0];
  localparam [15:0] FRAME_LEN = FRAME_BYTES_I[15:0];

  localparam [2:0] SYNC0 = 3'd0, SYNC1 = 3'd1, LEN0 = 3'd2, LEN1 = 3'd3, PAYLOAD = 3'd4, CSUM = 3'd5, PAD = 3'd6;
  localparam [2:0] ST_OK = 3'd0, ST_BADLEN = 3'd1, ST_BADSUM = 3'd2, ST_TIMEOUT = 3'd3, ST_OVERRUN = 3'd4;

  wire [7:0] rx_data;
  wire rx_valid;
  /* verilator lint_off UNUSEDSIGNAL */
  wire rx_frame_err;
  /* verilator lint_on UNUSEDSIGNAL */
  bnn_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) rx_i (
    .ap_clk(ap_clk), .ap_rst_n(ap_rst_n), .rx(uart_rx), .data(rx_data), .valid(rx_valid), .frame_err(rx_frame_err)
  );

  // ---- receive: header, payload into beats, checksum ----
  reg [2:0] state;
  reg [7:0] len_lo;
  reg [15:0] count;
  reg [7:0] csum;
  reg overrun;
  reg [TW-1:0] idle;
  // Bytes enter at the top; the lowest slot is never filled before the beat is complete.
  /* verilator lint_off UNUSEDSIGNAL */
  reg [BW-1:0] asm_data;
  /* verilator lint_on UNUSEDSIGNAL */
  reg [LW-1:0] asm_n;
  reg [BW-1:0] beat;
  reg beat_valid;

  // Status queue to the transmitter: {has_result, code}; a result-carrying entry waits for its
  // frame's output beats. Four entries: a response is never longer than a frame (src/boards/link-params.ts
  // checks it), so it never fills.
  reg [3:0] q_mem [0:3];
  reg [1:0] q_wr;
  reg [1:0] q_rd;
  reg [2:0] q_n;
  reg q_push;
  reg [3:0] q_in;
  wire q_pop;

  wire beat_free = !beat_valid || m_axis_tready;
  wire pad_step = (state == PAD) && (asm_n != LAST_LANE || beat_free);
  wire pay_step = (state == PAYLOAD) && rx_valid;
  wire [7:0] in_byte = (state == PAD) ? 8'd0 : rx_data;
  // Elements arrive first to last and travel LSB first: each new one enters at the top.
  wire [BW-1:0] asm_next;
  generate
    if (LANES > 1) begin : g_shift
      assign asm_next = {in_byte[ELEM_BITS-1:0], asm_data[BW-1:ELEM_BITS]};
    end else begin : g_single
      assign asm_next = in_byte[ELEM_BITS-1:0];
    end
  endgenerate
  wire [15:0] count_next = count + 16'd1;

  assign m_axis_tvalid = beat_valid;
  generate
    if (IN_W > BW) begin : g_pad
      assign m_axis_tdata = {{(IN_W - BW){1'b0}}, beat};
    end else begin : g_nopad
      assign m_axis_tdata = beat;
    end
  endgenerate
  assign busy = (state != SYNC0);

  always @(posedge ap_clk) begin
    q_push <= 1'b0;
    if (!ap_rst_n) begin
      state <= SYNC0;
      len_lo <= 8'd0;
      count <= 16'd0;
      csum <= 8'd0;
      overrun <= 1'b0;
      idle <= {TW{1'b0}};
      asm_data <= {BW{1'b0}};
      asm_n <= {LW{1'b0}};
      beat <= {BW{1'b0}};
      beat_valid <= 1'b0;
      q_in <= 4'd0;
    end else begin
      if (beat_valid && m_axis_tready) beat_valid <= 1'b0;
      if (rx_valid || state == SYNC0 || state == PAD) idle <= {TW{1'b0}};
      else idle <= idle + 1'b1;
      if (pay_step || pad_step) begin
        count <= count_next;
        csum <= csum ^ in_byte;
        if (asm_n == LAST_LANE) begin
          asm_n <= {LW{1'b0}};
          asm_data <= {BW{1'b0}};
          if (beat_free) begin
            beat <= asm_next;
            beat_valid <= 1'b1;
          end else overrun <= 1'b1;
        end else begin
          asm_n <= asm_n + 1'b1;
          asm_data <= asm_next;
        end
      end
      case (state)
        SYNC0: if (rx_valid && rx_data == 8'hA5) state <= SYNC1;
        SYNC1: if (rx_valid) state <= (rx_data == 8'h5A) ? LEN0 : (rx_data == 8'hA5) ? SYNC1 : SYNC0;
        LEN0: if (rx_valid) begin
          len_lo <= rx_data;
          state <= LEN1;
        end
        LEN1: if (rx_valid) begin
          if ({rx_data, len_lo} == FRAME_LEN) begin
            state <= PAYLOAD;
            count <= 16'd0;
            csum <= 8'd0;
            overrun <= 1'b0;
            asm_n <= {LW{1'b0}};
            asm_data <= {BW{1'b0}};
          end else begin
            state <= SYNC0;
            q_push <= 1'b1;
            q_in <= {1'b0, ST_BADLEN};
          end
        end
        PAYLOAD: if (pay_step && count_next == FRAME_LEN) state <= CSUM;
        CSUM: if (rx_valid) begin
          state <= SYNC0;
          q_push <= 1'b1;
          q_in <= {1'b1, overrun ? ST_OVERRUN : (rx_data == csum) ? ST_OK : ST_BADSUM};
        end
        PAD: if (pad_step && count_next == FRAME_LEN) begin
          state <= SYNC0;
          q_push <= 1'b1;
          q_in <= {1'b1, ST_TIMEOUT};
        end
        default: state <= SYNC0;
      endcase
      // A silent line in the middle of a frame: give up on it (pad the payload, or drop the header).
      if (!rx_valid && idle == TIMEOUT_C) begin
        case (state)
          SYNC1: state <= SYNC0;
          LEN0, LEN1: begin
            state <= SYNC0;
            q_push <= 1'b1;
            q_in <= {1'b0, ST_TIMEOUT};
          end
          PAYLOAD: state <= PAD;
          CSUM: begin
            state <= SYNC0;
            q_push <= 1'b1;
            q_in <= {1'b1, ST_TIMEOUT};
          end
          default: ;
        endcase
      end
    end
  end

  always @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      q_wr <= 2'd0;
      q_rd <= 2'd0;
      q_n <= 3'd0;
    end else begin
      if (q_push && q_n != 3'd4) begin
        q_mem[q_wr] <= q_in;
        q_wr <= q_wr + 1'b1;
      end
      if (q_pop) q_rd <= q_rd + 1'b1;
      q_n <= q_n + ((q_push && q_n != 3'd4) ? 3'd1 : 3'd0) - (q_pop ? 3'd1 : 3'd0);
    end
  end

  // ---- transmit: one response per queue entry; a result waits for its frame's scores and class ----
  localparam integer SV_W = PE * VAL_W;
  localparam integer ALL_W = SV_W * NF;
  localparam integer EXT_W = 8 * SCORE_BYTES;
  localparam integer NF_W = (NF > 1) ? $clog2(NF) : 1;
  localparam integer SB_W = (SCORE_BYTES > 1) ? $clog2(SCORE_BYTES) : 1;
  localparam integer NF_LAST_I = NF - 1;
  localparam integer SB_LAST_I = SCORE_BYTES - 1;
  localparam integer CLS_LAST_I = CLASSES - 1;
  localparam [NF_W-1:0] NF_LAST = NF_LAST_I[NF_W-1:0];
  localparam [SB_W-1:0] SB_LAST = SB_LAST_I[SB_W-1:0];
  localparam [7:0] CLS_LAST = CLS_LAST_I[7:0];
  localparam integer CLASSES_I = CLASSES;
  localparam [7:0] N_SCORES = CLASSES_I[7:0];
  localparam [2:0] T_IDLE = 3'd0, T_RESULT = 3'd1, T_CLASS = 3'd2, T_SEND = 3'd3, T_SCORES = 3'd4;
  reg [2:0] t_state;
  reg [2:0] t_code;
  reg [7:0] t_class;
  reg [1:0] t_idx;
  reg [NF_W-1:0] t_beat;
  reg [SB_W-1:0] t_byte;
  reg [7:0] t_score;
  // A frame's scores, score 0 in the low bits; sending shifts the next one down.
  reg [ALL_W-1:0] scores;
  wire [ALL_W-1:0] scores_in;
  generate
    if (NF > 1) begin : g_many
      assign scores_in = {s_axis_tdata[SV_W-1:0], scores[ALL_W-1:SV_W]};
    end else begin : g_one
      assign scores_in = s_axis_tdata[SV_W-1:0];
    end
  endgenerate
  /* verilator lint_off UNUSEDSIGNAL */
  wire [OUT_W-1:0] s_axis_unused = s_axis_tdata;  // bytes rounding a beat up carry nothing
  /* verilator lint_on UNUSEDSIGNAL */
  wire [VAL_W-1:0] score = scores[VAL_W-1:0];
  wire [EXT_W-1:0] score_ext;
  generate
    if (EXT_W > VAL_W) begin : g_ext
      assign score_ext = {{(EXT_W - VAL_W){SIGNED != 0 ? score[VAL_W-1] : 1'b0}}, score};
    end else begin : g_noext
      assign score_ext = score;
    end
  endgenerate
  wire [7:0] score_byte;
  generate
    if (SCORE_BYTES > 1) begin : g_bytes
      assign score_byte = score_ext[{t_byte, 3'b000} +: 8];
    end else begin : g_byte
      assign score_byte = score_ext;
    end
  endgenerate
  wire has_scores = (t_code == ST_OK);
  wire [3:0] q_head = q_mem[q_rd];
  wire tx_ready;
  wire [7:0] head_byte = (t_idx == 2'd0) ? 8'hC3 : (t_idx == 2'd1) ? {5'd0, t_code} : (t_idx == 2'd2) ? t_class : (has_scores ? N_SCORES : 8'd0);
  wire [7:0] tx_byte = (t_state == T_SCORES) ? score_byte : head_byte;
  wire tx_valid = (t_state == T_SEND) || (t_state == T_SCORES);

  assign q_pop = (t_state == T_IDLE) && (q_n != 3'd0);
  assign s_axis_tready = (t_state == T_RESULT);

  bnn_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) tx_i (
    .ap_clk(ap_clk), .ap_rst_n(ap_rst_n), .data(tx_byte), .valid(tx_valid), .ready(tx_ready), .tx(uart_tx)
  );

  always @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      t_state <= T_IDLE;
      t_code <= 3'd0;
      t_class <= 8'd0;
      t_idx <= 2'd0;
      t_beat <= {NF_W{1'b0}};
      t_byte <= {SB_W{1'b0}};
      t_score <= 8'd0;
      scores <= {ALL_W{1'b0}};
      last_error <= 1'b0;
      last_class <= 8'd0;
    end else begin
      case (t_state)
        T_IDLE: if (q_n != 3'd0) begin
          t_code <= q_head[2:0];
          t_class <= 8'd0;
          t_idx <= 2'd0;
          t_beat <= {NF_W{1'b0}};
          t_byte <= {SB_W{1'b0}};
          t_score <= 8'd0;
          t_state <= q_head[3] ? T_RESULT : T_SEND;
          if (!q_head[3]) last_error <= 1'b1;
        end
        T_RESULT: if (s_axis_tvalid) begin
          scores <= scores_in;
          t_beat <= t_beat + 1'b1;
          if (t_beat == NF_LAST) t_state <= T_CLASS;
        end
        // The label select answers the cycle after the last beat; a frame that failed its check
        // still produced a result: consume it, report no class.
        T_CLASS: if (c_tvalid) begin
          if (t_code == ST_OK) begin
            t_class <= c_tdata;
            last_class <= c_tdata;
          end
          last_error <= (t_code != ST_OK);
          t_state <= T_SEND;
        end
        T_SEND: if (tx_ready) begin
          t_idx <= t_idx + 1'b1;
          if (t_idx == 2'd3) t_state <= has_scores ? T_SCORES : T_IDLE;
        end
        default: if (tx_ready) begin
          if (t_byte == SB_LAST) begin
            t_byte <= {SB_W{1'b0}};
            scores <= scores >> VAL_W;
            t_score <= t_score + 8'd1;
            if (t_score == CLS_LAST) t_state <= T_IDLE;
          end else t_byte <= t_byte + 1'b1;
        end
      endcase
    end
  end
endmodule
