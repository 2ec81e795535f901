import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { writeDesign } from '../src/emit/generate.js';
import { generateDesign } from '../src/pipeline/design.js';
import { randomModel } from '../src/model/random-model.js';
import { compareStreams } from '../src/verify/compare-streams.js';
import { compareLogs, parseLog } from '../src/verify/compare-logs.js';
import { setBit } from '../src/model/bits.js';
import type { Compiled } from '../src/compiler/compile.js';
import type { RtlSimulator } from '../src/verify/run-rtl.js';
import { runRtl } from '../src/verify/run-rtl.js';
import { makeStimulus } from '../sim/stimulus.js';
import { frames, toolOrSkip, workDir } from './cases.js';

const design = () => {
  const m = randomModel({ name: 'streams', arch: [16, 8, 4], seed: 9 });
  const c = compile(m, { fold: { layers: [{ pe: 2, simd: 4 }, { pe: 4, simd: 8 }], fifoDepth: 'auto', source: 'test' } });
  const stim = makeStimulus(c.plan, frames(6, 16, 3), { gapProbability: 0.2, maxGap: 2, stallProbability: 0.2, seed: 1 });
  return { c, files: generateDesign(c.plan, stim).files };
};

describe('every inter-block stream is compared', async () => {
  const icarus = await toolOrSkip('iverilog');
  const verilator = await toolOrSkip('verilator');

  it.skipIf(!icarus)('a wrong first-layer weight is named at fc0_mvtu, with the beat, both values and cycles', async () => {
    const { c, files } = design();
    const dir = workDir('streams');
    writeDesign(dir, files);
    const names = c.plan.blocks.map((b) => b.name);
    await runRtl(dir, 'icarus');
    const clean = compareStreams(names, files.get('tb/expected_streams.log')!, readFileSync(join(dir, 'tb/streams.log'), 'utf8'));
    expect(clean.differences).toEqual([]);
    expect(clean.streams).toBe(names.length);
    expect(clean.beats).toBeGreaterThan(6 * names.length);
    // Invert neuron 0's weights in fold 0: its bit flips on most frames, upstream streams stay equal.
    const img = join(dir, 'mem/fc0_mvtu_weights.mem');
    const words = readFileSync(img, 'utf8').trim().split('\n');
    words[0] = (BigInt('0x' + words[0]!) ^ 0xfn).toString(16).padStart(words[0]!.length, '0');
    writeFileSync(img, words.join('\n') + '\n');
    await runRtl(dir, 'icarus');
    const cmp = compareStreams(names, files.get('tb/expected_streams.log')!, readFileSync(join(dir, 'tb/streams.log'), 'utf8'));
    expect(cmp.first?.block).toBe('fc0_mvtu');
    expect(cmp.differences.map((d) => d.block)).not.toContain('fc0_fifo');
    const f = cmp.first!;
    expect(f.expected).not.toBeNull();
    expect(f.got).not.toBeNull();
    expect(f.expected!.cycle).toBe(f.got!.cycle);
    expect(f.expected!.data).not.toBe(f.got!.data);
  });

  // The emitted scripts are what a user runs without bnn: they must pass on a correct design.
  it.skipIf(!icarus)('the emitted run_icarus.sh passes', async () => {
    const dir = workDir('script-icarus');
    writeDesign(dir, design().files);
    const r = await execa(join(dir, 'run_icarus.sh'), [], { reject: false, all: true });
    expect(r.all).toContain('PASS');
    expect(r.exitCode).toBe(0);
  });

  it.skipIf(!verilator)('the emitted run_verilator.sh passes', { timeout: 120_000 }, async () => {
    const dir = workDir('script-verilator');
    writeDesign(dir, design().files);
    const r = await execa(join(dir, 'run_verilator.sh'), [], { reject: false, all: true });
    expect(r.all).toContain('PASS');
    expect(r.exitCode).toBe(0);
  });
});

/** RTL against the simulator on every stream and the top's output, with gaps and backpressure (no class: these nets end in bits). */
async function streamsMatch(c: Compiled, input: number[][], sim: RtlSimulator): Promise<void> {
  const stim = makeStimulus(c.plan, input, { gapProbability: 0.25, maxGap: 3, stallProbability: 0.35, seed: 23 });
  const files = generateDesign(c.plan, stim).files;
  const dir = workDir(`edge-${sim}`);
  writeDesign(dir, files);
  await runRtl(dir, sim);
  const out = compareLogs(parseLog(files.get('tb/expected.log')!), parseLog(readFileSync(join(dir, 'tb/out.log'), 'utf8')));
  expect(out.timedOut).toBe(false);
  expect(out.first).toBeUndefined();
  const s = compareStreams(c.plan.blocks.map((b) => b.name), files.get('tb/expected_streams.log')!, readFileSync(join(dir, 'tb/streams.log'), 'utf8'));
  expect(s.differences).toEqual([]);
  expect(s.beats).toBeGreaterThan(0);
}

/** Ends in a stride-1, pad-1 conv: its last output row and column read the bottom and right padding. */
function endsInConv(): { c: Compiled; input: number[][] } {
  const m = randomModel({ name: 'ends_conv', seed: 6, input: [5, 4, 2], fixedInput: { signed: false }, layers: [{ conv: 4, kernel: 3, padding: 1 }] });
  // Neuron 0 all +1, neuron 1 all -1: an all-255 frame drives them to the accumulator's max and min.
  const w = (m.layers[0] as { weights: Uint32Array[] }).weights;
  const n = 3 * 3 * 2;
  for (let i = 0; i < n; i++) {
    setBit(w[0]!, i, 1);
    setBit(w[1]!, i, 0);
  }
  // Thresholds exactly at the accumulator's ends: neuron 0 fires only at s = accMax (an interior
  // pixel of the all-255 frame), neuron 1 only at s = accMin (18 · 255 = 4590).
  const acc = 18 * 255;
  (m.layers[0] as { activation: unknown }).activation = { kind: 'threshold', thresholds: [acc, -acc, 0, 1], direction: ['ge', 'le', 'ge', 'le'] };
  // The net ends in bits: the top streams them (output: scores), read by a bit rule.
  m.output = { kind: 'lowest-set-bit' };
  const c = compile(m, { fold: { layers: [{ pe: 2, simd: 2 }], fifoDepth: 'auto', source: 'test', output: 'scores' } });
  expect(c.integer.layers[0]).toMatchObject({ accMin: -acc, accMax: acc });
  const size = 5 * 4 * 2;
  const input = [Array(size).fill(255), Array(size).fill(0), Array.from({ length: size }, (_, i) => (i % 3 ? 255 : 0)), ...frames(3, size, 5)];
  return { c, input };
}

/** Conv (stride 1, pad 1) then a 2x2 pool at the end: pool output is the top's output. */
function endsInPool(): { c: Compiled; input: number[][] } {
  const m = randomModel({ name: 'ends_pool', seed: 7, input: [6, 6, 3], layers: [{ conv: 4, kernel: 3, padding: 1 }, { pool: 2 }] });
  m.output = { kind: 'lowest-set-bit' };
  const c = compile(m, { fold: { layers: [{ pe: 2, simd: 3 }], fifoDepth: 'auto', source: 'test', output: 'scores' } });
  return { c, input: frames(6, 6 * 6 * 3, 8) };
}

describe('nets that end in a conv or a pool: every stream matches', async () => {
  const cases = [
    ['ends in a padded conv, 8-bit inputs at 0 and 255 (accumulator min and max)', endsInConv],
    ['ends in a pool after a padded conv', endsInPool],
  ] as const;
  for (const [sim, tool] of [['icarus', 'iverilog'], ['verilator', 'verilator']] as const) {
    const run = await toolOrSkip(tool);
    for (const [name, make] of cases)
      it.skipIf(!run)(`${name}, ${sim}`, { timeout: 120_000 }, async () => {
        const { c, input } = make();
        await streamsMatch(c, input, sim);
      });
  }
});
