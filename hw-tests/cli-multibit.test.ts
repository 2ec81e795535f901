import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/util/paths.js';
import { toolOrSkip, workDir } from './cases.js';

/** A W1A2 network through the real CLI: random-model --act-bits, generate, verify on Icarus. */
const root = packageRoot();
const bnn = (args: string[], cwd = root) => execa('node', [join(root, 'dist/src/cli/main.js'), ...args], { cwd, reject: false, timeout: 300_000 });
const jsonOf = (stdout: string) => JSON.parse(stdout) as Record<string, unknown> & { ok: boolean; error?: Record<string, string> };
const icarus = await toolOrSkip('iverilog');

describe('multi-bit activations from the CLI', () => {
  it('random-model --act-bits 2 --act-levels 3 --act-bias -1 writes BNN-PYNQ-style W1A2 hidden layers; generate puts A-bit streams in the plan', async () => {
    const p = workDir('cli-act');
    const m = join(p, 'm.yaml');
    const r = await bnn(['random-model', '--arch', '64-32-32-10', '--act-bits', '2', '--act-levels', '3', '--act-bias', '-1', '--name', 'w1a2', '-o', m, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(jsonOf(r.stdout)).toMatchObject({ ok: true, actBits: 2 });
    expect(readFileSync(m, 'utf8').match(/quant:/g)).toHaveLength(2);
    const g = await bnn(['generate', m, '-o', join(p, 'd'), '--quiet']);
    expect(g.exitCode, g.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(join(p, 'd', 'plan.json'), 'utf8')) as { blocks: Array<{ name: string; out: { elemBits: number }; params: Record<string, number> }> };
    const fc0 = plan.blocks.find((b) => b.name === 'fc0_mvtu')!;
    expect(fc0.out.elemBits).toBe(2);
    expect(fc0.params).toMatchObject({ N_THRESH: 2, OUT_BITS: 2, OUT_BIAS: -1 });
    expect(plan.blocks.find((b) => b.name === 'fc1_mvtu')!.params).toMatchObject({ INPUT_BITS: 2, INPUT_SIGNED: 1 });
    // The top passes the negative bias as a Verilog literal.
    expect(readFileSync(join(p, 'd', 'rtl', 'w1a2.v'), 'utf8')).toMatch(/\.OUT_BIAS\(-1\)/);
  });

  it('refuses activation options out of range, or levels that do not fit, before writing anything', async () => {
    const p = workDir('cli-act-bad');
    const bad = async (args: string[]) => jsonOf((await bnn(['random-model', '--arch', '8-4-2', ...args, '-o', join(p, 'm.yaml'), '--json'])).stdout).error;
    expect(await bad(['--act-bits', '5'])).toMatchObject({ code: 'USAGE', field: '--act-bits', expected: '2..4' });
    expect(await bad(['--act-bias', '-1'])).toMatchObject({ code: 'USAGE', field: '--act-bias' });
    expect(await bad(['--act-bits', '2', '--act-bias', '2'])).toMatchObject({ code: 'MODEL_INVALID', field: 'layers[0].activation.quant.outBias' });
    expect(readdirSync(p)).toEqual([]);
  });

  it.skipIf(!icarus)('verify --sim icarus passes on a random W1A2 model', async () => {
    const p = workDir('cli-act-verify');
    const m = join(p, 'm.yaml');
    expect((await bnn(['random-model', '--arch', '48-24-16-10', '--act-bits', '2', '--seed', '7', '-o', m])).exitCode).toBe(0);
    const r = await bnn(['verify', m, '--sim', 'icarus', '--frames', '3', '--json'], p);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(jsonOf(r.stdout)).toMatchObject({ ok: true, mismatches: 0, goldenMismatches: 0, scoreMismatches: 0 });
  });
});
