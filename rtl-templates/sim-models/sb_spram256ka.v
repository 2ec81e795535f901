`timescale 1ns / 1ps
// Behavioural model of the iCE40 UltraPlus SPRAM primitive, for simulation only (in Icarus and
// in Verilator); synthesis uses the real primitive (Yosys synth_ice40 maps SB_SPRAM256KA). Written
// for bnn from the primitive's port description: 16K x 16 bits, one port, synchronous to CLOCK;
// WREN = 1 writes the nibbles of DATAIN whose MASKWREN bit is set, WREN = 0 reads: DATAOUT
// shows the word one cycle later. CHIPSELECT = 0: no access, DATAOUT holds. STANDBY or SLEEP
// = 1, or POWEROFF = 0 (active low): no access; POWEROFF = 0 also loses the contents. Contents
// start unknown (X): the part has no initial contents, so a design that reads before it writes
// shows X in simulation.
// verilator lint_off DECLFILENAME
module SB_SPRAM256KA (
  input  wire [13:0] ADDRESS,
  input  wire [15:0] DATAIN,
  input  wire [3:0]  MASKWREN,
  input  wire        WREN,
  input  wire        CHIPSELECT,
  input  wire        CLOCK,
  input  wire        STANDBY,
  input  wire        SLEEP,
  input  wire        POWEROFF,
  output reg  [15:0] DATAOUT
);
  reg [15:0] mem [0:16383];
  integer i;
  initial begin
    for (i = 0; i < 16384; i = i + 1) mem[i] = 16'hxxxx;
    DATAOUT = 16'hxxxx;
  end
  wire on = POWEROFF && !STANDBY && !SLEEP;
  always @(posedge CLOCK) begin
    if (!POWEROFF) begin
      for (i = 0; i < 16384; i = i + 1) mem[i] <= 16'hxxxx;
      DATAOUT <= 16'h0000;
    end else if (on && CHIPSELECT) begin
      if (WREN) begin
        if (MASKWREN[0]) mem[ADDRESS][3:0]   <= DATAIN[3:0];
        if (MASKWREN[1]) mem[ADDRESS][7:4]   <= DATAIN[7:4];
        if (MASKWREN[2]) mem[ADDRESS][11:8]  <= DATAIN[11:8];
        if (MASKWREN[3]) mem[ADDRESS][15:12] <= DATAIN[15:12];
      end else DATAOUT <= mem[ADDRESS];
    end
  end
endmodule
