import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomFrames } from '../src/inputs/frames.js';
import { loadModel } from '../src/model/io.js';
import { encodeNpy } from '../src/npy/read-npy.js';
import { packageRoot } from '../src/util/paths.js';
import { toolOrSkip, workDir } from './cases.js';

const root = packageRoot();
const bnn = (args: string[]) => execa('node', [join(root, 'dist/src/cli/main.js'), ...args], { cwd: root, reject: false });
const model = 'models/tfc-random.yaml';

/** Four random frames of tfc-random as a uint8 .npy. */
function inputs(dir: string): string {
  const f = join(dir, 'x.npy');
  writeFileSync(f, encodeNpy('uint8', [4, 784], randomFrames(loadModel(join(root, model)), 4, 5).flat()));
  return f;
}

describe('bnn simulate/verify: scores, --labels, folding and II provenance', async () => {
  it('simulate --json: scores per frame, accuracy against --labels, the folding used, where the II came from', async () => {
    const dir = workDir('cli-labels');
    const x = inputs(dir);
    const fold = join(dir, 'fold.yaml');
    writeFileSync(fold, 'layers:\n  - {pe: 16, simd: 49}\n  - {pe: 8, simd: 8}\n  - {pe: 8, simd: 8}\n  - {pe: 10, simd: 8}\n');
    const first = JSON.parse((await bnn(['simulate', model, '--inputs', x, '--fold', fold, '--json'])).stdout);
    expect(first.scores).toHaveLength(4);
    expect(first.scores.every((s: number[]) => s.length === 10)).toBe(true);
    // each frame's class is the argmax of its scores
    first.scores.forEach((s: number[], f: number) => expect(first.predictions[f]).toBe(s.indexOf(Math.max(...s))));
    expect(first.folding).toMatchObject({ file: fold, layers: [{ layer: 'fc0', pe: 16, simd: 49 }, { pe: 8, simd: 8 }, { pe: 8, simd: 8 }, { pe: 10, simd: 8 }] });
    expect(first.folding.content).toContain('{pe: 16, simd: 49}');
    expect(first.cycles.ii.source).toMatch(/^simulator/);
    const p: number[] = first.predictions;
    const y = join(dir, 'y.npy');
    writeFileSync(y, encodeNpy('int64', [4], [p[0]!, (p[1]! + 1) % 10, p[2]!, (p[3]! + 1) % 10]));
    const j = JSON.parse((await bnn(['simulate', model, '--inputs', x, '--labels', y, '--json'])).stdout);
    expect(j.accuracy).toBe(0.5);
    const human = await bnn(['simulate', model, '--inputs', x, '--labels', y]);
    expect(human.stdout).toContain('accuracy against the labels: 50.00% of 4');
    expect(human.stdout).toContain(`frame 0: ${first.scores[0].join(' ')}`);
  });

  it('--dataset mnist --frames 10000 says that it ran fewer frames', async () => {
    const j = JSON.parse((await bnn(['simulate', model, '--dataset', 'mnist', '--frames', '10000', '--json'])).stdout);
    expect(j.framesRequested).toBe(10000);
    expect(j.frames).toBeLessThan(10000);
    expect(j.warning).toMatch(/ran \d+/);
    const loud = await bnn(['simulate', model, '--dataset', 'mnist', '--frames', '2500']);
    expect(loud.stderr).toContain('warning: --frames 2500 asked for more than');
  });

  const run = await toolOrSkip('iverilog');
  it.skipIf(!run)('verify --json: streamed scores read from the RTL, accuracy, and the II of the RTL run', async () => {
    const dir = workDir('cli-verify-scores');
    const x = inputs(dir);
    const sim = JSON.parse((await bnn(['simulate', model, '--inputs', x, '--json'])).stdout);
    const y = join(dir, 'y.npy');
    writeFileSync(y, encodeNpy('uint8', [4], sim.predictions));
    const r = await bnn(['verify', model, '--sim', 'icarus', '--inputs', x, '--labels', y, '--output', 'scores', '--no-traffic', '--json', '-o', join(dir, 'v')]);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, mismatches: 0, scoreMismatches: 0, scoresFrom: 'rtl', accuracy: 1, output: { rule: 'argmax', stream: 'scores' } });
    expect(j.scores).toEqual(sim.scores);
    expect(j.cycles.ii).toMatchObject({ measured: sim.cycles.ii.measured, simulatorIdeal: sim.cycles.ii.measured });
    expect(j.cycles.ii.source).toMatch(/^RTL \(icarus\).*no input gaps/);
  });
});
