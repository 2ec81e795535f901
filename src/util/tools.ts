import { execa } from 'execa';
import { BnnError } from '../errors.js';

/** The external tools and the Debian packages that provide them. */
export const TOOL_PACKAGES: Record<string, string> = {
  iverilog: 'iverilog',
  vvp: 'iverilog',
  verilator: 'verilator',
  yosys: 'yosys',
  'nextpnr-ice40': 'nextpnr-ice40',
  icepack: 'fpga-icestorm',
  ccache: 'ccache',
  chromium: 'chromium',
};

const found = new Map<string, boolean>();

export async function hasTool(tool: string): Promise<boolean> {
  if (!found.has(tool)) {
    const r = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    found.set(tool, r.exitCode === 0);
  }
  return found.get(tool)!;
}

export async function requireTool(tool: string): Promise<void> {
  if (!(await hasTool(tool)))
    throw new BnnError({
      code: 'TOOL_MISSING',
      message: `${tool} is not installed`,
      expected: `${tool} on PATH (install: apt-get install -y ${TOOL_PACKAGES[tool] ?? tool}, or run npm run setup)`,
    });
}
