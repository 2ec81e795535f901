import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { designFiles, writeDesign } from '../src/emit/generate.js';
import { randomModel } from '../src/model/random-model.js';
import { compareStreams } from '../src/verify/compare-streams.js';
import { runRtl } from '../src/verify/run-rtl.js';
import { makeStimulus } from '../sim/stimulus.js';
import { frames, toolOrSkip, workDir } from './cases.js';

const design = () => {
  const m = randomModel({ name: 'streams', arch: [16, 8, 4], seed: 9 });
  const c = compile(m, { fold: { layers: [{ pe: 2, simd: 4 }, { pe: 4, simd: 8 }], fifoDepth: 'auto', source: 'test' } });
  const stim = makeStimulus(c.plan, frames(6, 16, 3), { gapProbability: 0.2, maxGap: 2, stallProbability: 0.2, seed: 1 });
  return { c, files: designFiles(c.plan, stim) };
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
