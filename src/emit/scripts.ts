import type { Plan } from '../plan/types.js';

/** Build and run scripts that work from the generated folder alone (no bnn needed). */
export function emitScripts(plan: Plan, rtlFiles: string[]): Map<string, string> {
  const files = new Map<string, string>();
  files.set('files.f', rtlFiles.join('\n') + '\n');
  files.set(
    'lint.sh',
    `#!/bin/sh
# Verilator lint of the design sources (no testbench), all warnings on.
set -e
cd "$(dirname "$0")"
verilator --lint-only -Wall --top-module ${plan.top} -f files.f
echo "lint clean: ${plan.top}"
`,
  );
  files.set(
    'run_icarus.sh',
    `#!/bin/sh
# Icarus Verilog: compile and run tb_top, then compare with the bnn simulator's prediction.
# Pass +vcd to dump tb/wave.vcd.
set -e
cd "$(dirname "$0")"
iverilog -g2005 -s tb_top -o tb/sim.vvp -c files.f tb/tb_top.v
vvp -n tb/sim.vvp "$@"
diff -u tb/expected.log tb/out.log
diff -u tb/expected_streams.log tb/streams.log
echo "PASS: RTL output and every inter-block stream match the bnn simulator beat for beat and cycle for cycle"
`,
  );
  files.set(
    'run_verilator.sh',
    `#!/bin/sh
# Verilator (--binary runs the plain Verilog testbench), then compare with the bnn simulator.
set -e
cd "$(dirname "$0")"
verilator --binary -j 2 -Wno-fatal --top-module tb_top -Mdir tb/obj_verilator -o Vtb_top -f files.f tb/tb_top.v
tb/obj_verilator/Vtb_top "$@"
diff -u tb/expected.log tb/out.log
diff -u tb/expected_streams.log tb/streams.log
echo "PASS: RTL output and every inter-block stream match the bnn simulator beat for beat and cycle for cycle"
`,
  );
  files.set(
    'synth.ys',
    `# Yosys: generic synthesis of ${plan.top} (run from this folder: yosys -s synth.ys)
${rtlFiles.map((f) => `read_verilog -defer ${f}`).join('\n')}
hierarchy -check -top ${plan.top}
synth -top ${plan.top}
stat
`,
  );
  return files;
}
