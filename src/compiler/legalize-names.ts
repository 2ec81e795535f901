/**
 * The one pass that turns names from a model file into identifiers safe for Verilog and for
 * file names. Nothing downstream uses a model's raw names.
 */
const VERILOG_KEYWORDS = new Set(
  (
    'always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign default defparam ' +
    'design disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive endspecify endtable ' +
    'endtask event for force forever fork function generate genvar highz0 highz1 if ifnone incdir include initial inout ' +
    'input instance integer join large liblist library localparam macromodule medium module nand negedge nmos nor ' +
    'noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1 pulldown pullup ' +
    'pulsestyle_ondetect pulsestyle_onevent rcmos real realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 ' +
    'scalared showcancelled signed small specify specparam strong0 strong1 supply0 supply1 table task time tran tranif0 ' +
    'tranif1 tri tri0 tri1 triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor xor ' +
    // SystemVerilog keywords too: Verilator parses sources as SystemVerilog by default.
    'bit byte logic int shortint longint string class interface package program property sequence clocking ' +
    'type this super void enum struct union typedef import export extends final let'
  ).split(' '),
);

/** One identifier: [A-Za-z_][A-Za-z0-9_]*, at most 48 chars, never a keyword, lower case. */
export function legalIdentifier(raw: string): string {
  let s = raw.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/_+/g, '_');
  if (s === '' || s === '_') s = 'x';
  if (!/^[a-z_]/.test(s)) s = 'n' + s;
  s = s.slice(0, 48);
  if (VERILOG_KEYWORDS.has(s)) s += '_';
  return s;
}

/** Legalize a list of names, keeping them unique (a clash gets a numeric suffix). */
export function legalizeAll(raw: string[], reserved: Iterable<string> = []): string[] {
  const used = new Set(reserved);
  return raw.map((r) => {
    const base = legalIdentifier(r);
    let s = base;
    for (let k = 2; used.has(s); k++) s = `${base}_${k}`;
    used.add(s);
    return s;
  });
}
