import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/util/paths.js';
import { toolOrSkip, workDir } from './cases.js';

const root = packageRoot();
const bnn = (args: string[]) => execa('node', [join(root, 'dist/src/cli/main.js'), ...args], { cwd: root, reject: false });

describe('bnn CLI', async () => {
  it('simulate --json reports predictions, II, latency and per-block counters', async () => {
    const r = await bnn(['simulate', 'models/tfc-random.yaml', '--frames', '5', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.predictions).toHaveLength(5);
    expect(j.cycles.ii.measured).toBe(j.cycles.ii.analytic);
    expect(j.cycles.latency).toBeGreaterThan(0);
    expect(j.blocks.map((b: { name: string }) => b.name)).toContain('fc0_mvtu');
  });

  it('a bad model gives a JSON error naming file and field, and a non-zero exit', async () => {
    const dir = workDir('cli-bad');
    const { writeFileSync, readFileSync } = await import('node:fs');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(join(root, 'models/tfc-random.yaml'), 'utf8').replace('inputs: 784', 'inputs: 783'));
    const r = await bnn(['simulate', bad, '--json']);
    expect(r.exitCode).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j.error).toMatchObject({ code: 'MODEL_INVALID', file: bad, field: 'layers[0].inputs' });
  });

  it('an illegal folding lists the valid values', async () => {
    const dir = workDir('cli-fold');
    const { writeFileSync } = await import('node:fs');
    const fold = join(dir, 'fold.yaml');
    writeFileSync(fold, 'layers:\n  - {pe: 5, simd: 16}\n  - {pe: 8, simd: 8}\n  - {pe: 8, simd: 8}\n  - {pe: 10, simd: 8}\n');
    const r = await bnn(['simulate', 'models/tfc-random.yaml', '--fold', fold]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('layers[0].pe');
    expect(r.stderr).toContain('one of 1, 2, 4, 8, 16, 32, 64');
  });

  const run = await toolOrSkip('verilator');
  it.skipIf(!run)('verify --json prints one summary object with frames, mismatches and predictions', async () => {
    const out = workDir('cli-verify');
    const r = await bnn(['verify', 'models/tfc-random.yaml', '--sim', 'verilator', '--frames', '3', '--seed', '4', '--json', '-o', out]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, frames: 3, mismatches: 0, sim: 'verilator' });
    expect(j.predictions).toEqual(j.golden);
    expect(j.cycles.ii.analytic).toBeGreaterThan(0);
  });
});
