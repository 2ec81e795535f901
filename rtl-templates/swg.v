`timescale 1ns / 1ps
// verilator lint_off DECLFILENAME
// (files are named after the block, modules carry the bnn_ prefix to avoid clashes in user projects)
// Sliding-window generator for a KxK convolution with stride S and padding P, channels last.
// Input: the H x W x C image in raster order, SIMD channels (of ELEM_BITS bits) per beat.
// Output: for every output pixel (raster order), its window in im2col order (ky, kx, c),
// SIMD elements per beat: OH*OW*K*K*C/SIMD beats per frame; elements outside the image are PAD.
// Line buffer: a ring of R = 2K+S rows, so that the next frame's first rows (and the next
// output row's) are written while the current rows are still being read. The reader emits a
// beat once every row its output row needs is complete, and releases rows as it moves down.
// Twin: sim/swg.ts. Parameters and cost: src/blocks/swg.ts.
module bnn_swg #(
  parameter integer H = 8,
  parameter integer W = 8,
  parameter integer C = 1,
  parameter integer SIMD = 1,
  parameter integer ELEM_BITS = 1,
  parameter integer K = 3,
  parameter integer S = 1,
  parameter integer P = 0,
  parameter integer PAD = 0,          // value of a padded element
  parameter integer OH = 6,           // (H + 2P - K)/S + 1, set by the plan
  parameter integer OW = 6
) (
  input  wire                      ap_clk,
  input  wire                      ap_rst_n,
  input  wire [SIMD*ELEM_BITS-1:0] s_axis_tdata,
  input  wire                      s_axis_tvalid,
  output wire                      s_axis_tready,
  output wire [SIMD*ELEM_BITS-1:0] m_axis_tdata,
  output wire                      m_axis_tvalid,
  input  wire                      m_axis_tready
);
  localparam integer BW = SIMD * ELEM_BITS;
  localparam integer CB = C / SIMD;
  localparam integer R = 2 * K + S;
  localparam integer ROW = W * CB;                 // beats per input row
  localparam integer DEPTH = R * ROW;
  localparam integer AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
  localparam integer RW = $clog2(R + 1);           // holds 0..R
  // Signed row coordinates -P..H+K; also compared (signed) with the row count `filled` (0..R),
  // so at least RW+1 bits: a small image (H < K+S, e.g. 2x2 under a 3x3 kernel) otherwise saw
  // filled >= 4 as negative and stalled for good. H+K itself must fit: with $clog2(H+1)+1 bits a
  // padded 7-row image under a 3x3 kernel wrapped iy0+K = 8 to -8, asked for one row too many
  // for its last output row, and held the frame's last row until the next frame arrived.
  localparam integer HW0 = $clog2(H + K + 1) + 1;
  localparam integer HW = (HW0 > RW) ? HW0 : RW + 1;
  localparam integer XW = $clog2(W + 1) + 1;       // signed column coordinates
  localparam integer CBW = (CB > 1) ? $clog2(CB) : 1;
  localparam integer KW = (K > 1) ? $clog2(K) : 1;
  localparam integer OYW = (OH > 1) ? $clog2(OH) : 1;
  localparam integer OXW = (OW > 1) ? $clog2(OW) : 1;
  localparam integer POSW = (ROW > 1) ? $clog2(ROW) : 1;

  localparam integer DEPTH_LAST_I = DEPTH - 1;
  localparam integer ROW_LAST_I = ROW - 1;
  localparam integer R_I = R;
  localparam integer H_I = H;
  localparam integer W_I = W;
  localparam integer K_I = K;
  localparam integer S_I = S;
  localparam integer P_I = P;
  localparam integer CB_LAST_I = CB - 1;
  localparam integer K_LAST_I = K - 1;
  localparam integer OH_LAST_I = OH - 1;
  localparam integer OW_LAST_I = OW - 1;
  localparam integer PAD_I = PAD;
  localparam [AW-1:0]   DEPTH_LAST = DEPTH_LAST_I[AW-1:0];
  localparam [POSW-1:0] ROW_LAST = ROW_LAST_I[POSW-1:0];
  localparam [RW-1:0]   RN = R_I[RW-1:0];
  localparam [HW-1:0]   HN = H_I[HW-1:0];
  localparam [XW-1:0]   WN = W_I[XW-1:0];
  localparam [HW-1:0]   KH = K_I[HW-1:0];
  localparam [HW-1:0]   SH = S_I[HW-1:0];
  localparam [XW-1:0]   SX = S_I[XW-1:0];
  localparam [HW-1:0]   PH = P_I[HW-1:0];
  localparam [XW-1:0]   PX = P_I[XW-1:0];
  localparam [CBW-1:0]  CB_LAST = CB_LAST_I[CBW-1:0];
  localparam [KW-1:0]   K_LAST = K_LAST_I[KW-1:0];
  localparam [OYW-1:0]  OH_LAST = OH_LAST_I[OYW-1:0];
  localparam [OXW-1:0]  OW_LAST = OW_LAST_I[OXW-1:0];
  localparam [ELEM_BITS-1:0] PAD_E = PAD_I[ELEM_BITS-1:0];

  reg [BW-1:0] mem [0:DEPTH-1];

  // ---- writer: rows in arrival order into the ring --------------------------------------
  reg [AW-1:0]   waddr;
  reg [POSW-1:0] wpos;       // beat within the row being written
  reg [RW-1:0]   filled;     // complete rows held from the reader's base row on
  assign s_axis_tready = (filled != RN);
  wire push = s_axis_tvalid && s_axis_tready;
  wire row_done = push && (wpos == ROW_LAST);
  always @(posedge ap_clk) begin
    if (push) mem[waddr] <= s_axis_tdata;
  end

  // ---- reader ----------------------------------------------------------------------------
  reg [OYW-1:0] oy;
  reg [OXW-1:0] ox;
  reg [KW-1:0]  ky;
  reg [KW-1:0]  kx;
  reg [CBW-1:0] cb;
  reg [HW-1:0]  iy0;         // oy*S - P (two's complement)
  reg [XW-1:0]  ix0;         // ox*S - P
  reg [HW-1:0]  base_row;    // frame row held in slot bslot
  reg [RW-1:0]  bslot;
  reg           out_valid;
  reg [BW-1:0]  out_data;

  wire [HW-1:0] iy = iy0 + {{(HW-KW){1'b0}}, ky};
  wire [XW-1:0] ix = ix0 + {{(XW-KW){1'b0}}, kx};
  wire in_image = !iy[HW-1] && (iy < HN) && !ix[XW-1] && (ix < WN);
  // Rows the current output row needs, counted from the base row: min(H, iy0 + K) - base_row.
  wire [HW-1:0] need_end = ($signed(iy0 + KH) < $signed(HN)) ? iy0 + KH : HN;
  wire [HW-1:0] need = need_end - base_row;
  wire last_k = (kx == K_LAST) && (ky == K_LAST) && (cb == CB_LAST);
  wire row_end = last_k && (ox == OW_LAST);
  wire frame_end = row_end && (oy == OH_LAST);
  // Rows released at the end of an output row: up to the next output row's first row
  // (clamped at 0), or the rest of the frame at its end.
  wire [HW-1:0] next_lo = $signed(iy0 + SH) > 0 ? iy0 + SH : {HW{1'b0}};
  wire [HW-1:0] release_n = frame_end ? HN - base_row : (row_end ? next_lo - base_row : {HW{1'b0}});
  wire [HW-1:0] want = ($signed(release_n) > $signed(need)) ? release_n : need;
  wire [HW-1:0] filled_h = {{(HW-RW){1'b0}}, filled};
  wire ready_rows = ($signed(filled_h) >= $signed(want));
  wire en = !out_valid || m_axis_tready;
  wire step = en && ready_rows;

  // Slot of row iy: bslot + (iy - base_row), wrapped into 0..R-1.
  wire [HW-1:0] rel = iy - base_row;
  wire [HW:0]   slot_sum = {1'b0, {{(HW-RW){1'b0}}, bslot}} + {1'b0, rel};
  wire [HW:0]   slot_w = (slot_sum >= {1'b0, {{(HW-RW){1'b0}}, RN}}) ? slot_sum - {1'b0, {{(HW-RW){1'b0}}, RN}} : slot_sum;
  localparam integer ROW_I = ROW;
  localparam integer CB_I = CB;
  wire [31:0] slot32 = {{(31-HW){1'b0}}, slot_w};
  wire [31:0] ix32 = {{(32-XW){1'b0}}, ix};
  wire [31:0] cb32 = {{(32-CBW){1'b0}}, cb};
  // The address is below DEPTH whenever it is used (in_image), so the high bits are zero.
  /* verilator lint_off UNUSEDSIGNAL */
  wire [31:0] raddr_w = slot32 * ROW_I + ix32 * CB_I + cb32;
  /* verilator lint_on UNUSEDSIGNAL */
  wire [AW-1:0] raddr = raddr_w[AW-1:0];
  wire [BW-1:0] pad_beat = {SIMD{PAD_E}};
  wire [BW-1:0] beat = in_image ? mem[raddr] : pad_beat;

  wire [RW-1:0] released = release_n[RW-1:0];
  wire [RW:0]   bslot_sum = {1'b0, bslot} + {1'b0, released};
  wire [RW-1:0] bslot_next = (bslot_sum >= {1'b0, RN}) ? bslot_sum[RW-1:0] - RN : bslot_sum[RW-1:0];

  always @(posedge ap_clk) begin
    if (en && step) out_data <= beat;
  end

  always @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      waddr <= {AW{1'b0}};
      wpos <= {POSW{1'b0}};
      filled <= {RW{1'b0}};
      oy <= {OYW{1'b0}};
      ox <= {OXW{1'b0}};
      ky <= {KW{1'b0}};
      kx <= {KW{1'b0}};
      cb <= {CBW{1'b0}};
      iy0 <= -PH;
      ix0 <= -PX;
      base_row <= {HW{1'b0}};
      bslot <= {RW{1'b0}};
      out_valid <= 1'b0;
    end else begin
      if (push) begin
        waddr <= (waddr == DEPTH_LAST) ? {AW{1'b0}} : waddr + 1'b1;
        wpos <= (wpos == ROW_LAST) ? {POSW{1'b0}} : wpos + 1'b1;
      end
      filled <= filled + {{(RW-1){1'b0}}, row_done} - ((step && row_end) ? released : {RW{1'b0}});
      if (en) out_valid <= step;
      if (step) begin
        if (cb != CB_LAST) cb <= cb + 1'b1;
        else begin
          cb <= {CBW{1'b0}};
          if (kx != K_LAST) kx <= kx + 1'b1;
          else begin
            kx <= {KW{1'b0}};
            if (ky != K_LAST) ky <= ky + 1'b1;
            else begin
              ky <= {KW{1'b0}};
              if (ox != OW_LAST) begin
                ox <= ox + 1'b1;
                ix0 <= ix0 + SX;
              end else begin
                ox <= {OXW{1'b0}};
                ix0 <= -PX;
                base_row <= frame_end ? {HW{1'b0}} : base_row + release_n;
                bslot <= bslot_next;
                if (oy != OH_LAST) begin
                  oy <= oy + 1'b1;
                  iy0 <= iy0 + SH;
                end else begin
                  oy <= {OYW{1'b0}};
                  iy0 <= -PH;
                end
              end
            end
          end
        end
      end
    end
  end

  assign m_axis_tvalid = out_valid;
  assign m_axis_tdata = out_data;
endmodule
