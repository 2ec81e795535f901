import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/util/paths.js';
import { workDir } from './cases.js';

const root = packageRoot();
const bnn = (args: string[]) => execa('node', [join(root, 'dist/src/cli/main.js'), ...args], { cwd: root, reject: false });

describe('bnn board: the PYNQ-Z2 files, and --output scores', () => {
  it('--board pynq-z2 writes the block design, the driver and the TLAST block (scores allowed)', async () => {
    const dir = join(workDir('cli-pynq'), 'pz');
    const r = await bnn(['board', 'models/tfc-random.yaml', '--board', 'pynq-z2', '--output', 'scores', '-o', dir, '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, board: 'pynq-z2', design: 'tfc_random', output: 'scores', built: false, blockDesign: 'pynq/bd.tcl', driver: 'pynq/bnn_driver.py' });
    for (const f of ['pynq/bd.tcl', 'pynq/bnn_driver.py', 'rtl/axis_tlast.v', 'vivado/create_project.tcl', 'rtl/tfc_random.v']) expect(existsSync(join(dir, f)), f).toBe(true);
  });

  it('a UART board (it sends class and scores) refuses any --output before writing anything', async () => {
    const dir = join(workDir('cli-board-scores'), 'b');
    const r = await bnn(['board', 'models/tfc-random.yaml', '--board', 'icebreaker', '--output', 'scores', '-o', dir, '--json']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'USAGE', field: '--output', got: 'scores' });
    expect(existsSync(dir)).toBe(false);
  });
});
