import { execa } from 'execa';
import { existsSync } from 'node:fs';
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

describe('bnn fold --device on iCE40', () => {
  it('fold --device ice40-hx8k --json on tfc-mnist: an iCE40 estimate within the part; sfc-mnist is refused', { timeout: 60_000 }, async () => {
    const r = await bnn(['fold', 'models/tfc-mnist.yaml', '--device', 'ice40-hx8k', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.target).toEqual({ device: 'ice40-hx8k' });
    expect(j.chosen.ice40.lc).toBeGreaterThan(0);
    expect(j.chosen.ice40.lc).toBeLessThanOrEqual(7680);
    expect(j.chosen.ice40.ebr).toBeLessThanOrEqual(32);
    expect(j.pareto.length).toBeGreaterThan(3);
    const sfc = await bnn(['fold', 'models/sfc-mnist.yaml', '--device', 'ice40-hx8k', '--json']);
    expect(sfc.exitCode).toBe(2);
    expect(JSON.parse(sfc.stdout).error.code).toBe('FOLD_INVALID');
  });
});

describe('--fold auto on the design commands', () => {
  const rate = ['--fps', '100000', '--clock', '100'];
  it("generate --fold auto --fps --clock: plan II <= 1000, bnn fold's folding, and its choice under autoFold", async () => {
    const dir = join(workDir('cli-fold-auto'), 'gen');
    const [g, f] = await Promise.all([
      bnn(['generate', 'models/sfc-mnist.yaml', '--fold', 'auto', ...rate, '-o', dir, '--frames', '1', '--json']),
      bnn(['fold', 'models/sfc-mnist.yaml', ...rate, '--json']),
    ]);
    expect(g.exitCode).toBe(0);
    const gen = JSON.parse(g.stdout);
    const fold = JSON.parse(f.stdout);
    expect(gen.ii.cycles).toBeLessThanOrEqual(1000);
    const engines = gen.blocks.filter((b: { kind: string }) => b.kind === 'mvtu').map((b: { params: { PE: number; SIMD: number } }) => ({ pe: b.params.PE, simd: b.params.SIMD }));
    expect(engines).toEqual(fold.chosen.layers);
    expect(gen.ii.cycles).toBe(fold.chosen.ii);
    const { ok: _ok, ...record } = fold;
    expect(gen.autoFold).toEqual(record);
  });

  it('simulate --fold auto --device --json: the choice inside the folding summary, and the run at that folding', async () => {
    const r = await bnn(['simulate', 'models/sfc-mnist.yaml', '--fold', 'auto', '--device', 'xc7z020', '--frames', '2', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    const a = j.folding.autoFold;
    expect(a.target).toEqual({ device: 'xc7z020' });
    expect(a.chosen.lut + a.chosen.lutram).toBeLessThanOrEqual(53200);
    expect(a.chosen.bram36).toBeLessThanOrEqual(140);
    expect(j.folding.layers.map((l: { pe: number; simd: number }) => ({ pe: l.pe, simd: l.simd }))).toEqual(a.chosen.layers);
    expect(j.folding.file).toBeUndefined();
    expect(j.cycles.ii.analytic).toBe(a.chosen.ii);
  });

  it('--fold auto without a target, or a target without --fold auto: USAGE errors naming the option', async () => {
    const never = join(workDir('cli-fold-auto'), 'never');
    const [noTarget, noAuto, halfRate, synthNoAuto] = await Promise.all([
      bnn(['simulate', 'models/sfc-mnist.yaml', '--fold', 'auto', '--json']),
      bnn(['generate', 'models/sfc-mnist.yaml', ...rate, '-o', never, '--json']),
      bnn(['verify', 'models/sfc-mnist.yaml', '--fold', 'auto', '--fps', '100000', '--json']),
      bnn(['synth', 'models/sfc-mnist.yaml', '--device', 'xc7z020', '-o', join(workDir('cli-fold-auto'), 'never-synth'), '--json']),
    ]);
    for (const r of [noTarget, noAuto, halfRate, synthNoAuto]) expect(r.exitCode).toBe(2);
    expect(JSON.parse(noTarget.stdout).error).toMatchObject({ code: 'USAGE', field: '--fps/--clock or --device' });
    expect(JSON.parse(noAuto.stdout).error).toMatchObject({ code: 'USAGE', field: '--fold', expected: 'auto' });
    expect(existsSync(never)).toBe(false);
    expect(JSON.parse(halfRate.stdout).error).toMatchObject({ code: 'USAGE', field: '--fps/--clock/--device' });
    expect(JSON.parse(synthNoAuto.stdout).error).toMatchObject({ code: 'USAGE', field: '--fold', expected: 'auto' });
  });

  it('report --fold auto --fps takes its --clock for the target', async () => {
    const out = join(workDir('cli-fold-auto'), 'report.html');
    const r = await bnn(['report', 'models/sfc-mnist.yaml', '--fold', 'auto', '--fps', '200000', '--clock', '100', '-o', out, '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.autoFold.target).toEqual({ iiMax: 500, fps: 200000, clockMHz: 100 });
    expect(j.autoFold.chosen.ii).toBeLessThanOrEqual(500);
  });
});
