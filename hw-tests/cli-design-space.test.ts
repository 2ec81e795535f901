import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/util/paths.js';
import { workDir } from './cases.js';

const root = packageRoot();
const bnn = (args: string[]) => execa('node', [join(root, 'dist/src/cli/main.js'), ...args], { cwd: root, reject: false });

describe('bnn fold and bnn fifo', () => {
  it('fold --fps 100000 --clock 100 on sfc-mnist: II <= 1000 with estimates; -o writes a fold.yaml simulate takes, never over a file', async () => {
    const out = join(workDir('cli-autofold'), 'fold.yaml');
    const r = await bnn(['fold', 'models/sfc-mnist.yaml', '--fps', '100000', '--clock', '100', '--json', '-o', out]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.target).toEqual({ iiMax: 1000, fps: 100000, clockMHz: 100 });
    expect(j.chosen.ii).toBeLessThanOrEqual(1000);
    expect(j.chosen.lut).toBeGreaterThan(0);
    expect(j.pareto.length).toBeGreaterThan(3);
    const s = JSON.parse((await bnn(['simulate', 'models/sfc-mnist.yaml', '--fold', out, '--frames', '4', '--json'])).stdout);
    expect(s.cycles.ii.measured).toBe(j.chosen.ii);
    const again = await bnn(['fold', 'models/sfc-mnist.yaml', '--fps', '100000', '--clock', '100', '--json', '-o', out]);
    expect(again.exitCode).toBe(2);
    expect(JSON.parse(again.stdout).error).toMatchObject({ code: 'USAGE', file: out });
    const neither = await bnn(['fold', 'models/sfc-mnist.yaml', '--fps', '100', '--json']);
    expect(neither.exitCode).toBe(2);
    expect(JSON.parse(neither.stdout).error.field).toBe('--fps/--clock/--device');
  });

  it('fifo --json: per-FIFO depth, occupancy, bits, memory, and the bits saved against auto', async () => {
    const r = await bnn(['fifo', 'models/sfc-random.yaml', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ii).toBe(448);
    expect(j.fifos.map((f: { name: string }) => f.name)).toEqual(['fc0_fifo', 'fc1_fifo', 'fc2_fifo', 'fc3_fifo']);
    for (const f of j.fifos) {
      expect(f.depth).toBeLessThanOrEqual(f.autoDepth);
      expect(f.maxOccupancy).toBeLessThanOrEqual(f.depth);
      expect(f.bits).toBe(f.width * f.depth);
      expect(typeof f.memory).toBe('string');
    }
    expect(j.bitsSaved).toBe(j.autoBits - j.totalBits);
    expect(j.bitsSaved).toBeGreaterThan(0);
    expect(j.underVerifyTraffic.finished).toBe(true);
  });
});
