import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { writeDesign } from '../src/emit/generate.js';
import { generateDesign } from '../src/pipeline/design.js';
import { randomModel } from '../src/model/random-model.js';
import { compareLogs, parseLog } from '../src/verify/compare-logs.js';
import { runRtl } from '../src/verify/run-rtl.js';
import { makeStimulus } from '../sim/stimulus.js';
import { frames, toolOrSkip, workDir } from './cases.js';

/**
 * The checker must be able to fail: flip one weight bit in the emitted memory image (the RTL now
 * computes something else) and the comparison must name the first differing beat; a VCD can be
 * dumped for it.
 */
describe('a broken design is caught', async () => {
  const run = await toolOrSkip('iverilog');
  it.skipIf(!run)('a flipped weight bit gives output mismatches, the first one named, and a VCD', async () => {
    const m = randomModel({ name: 'tamper', arch: [16, 8, 4], seed: 9 });
    const c = compile(m, { fold: { layers: [{ pe: 2, simd: 4 }, { pe: 4, simd: 8 }], fifoDepth: 'auto', source: 'test' } });
    const stim = makeStimulus(c.plan, frames(24, 16, 3), { gapProbability: 0.2, maxGap: 2, stallProbability: 0.2, seed: 1 });
    const files = generateDesign(c.plan, stim).files;
    const dir = workDir('tamper');
    writeDesign(dir, files);
    // Sanity: untouched, it matches.
    await runRtl(dir, 'icarus');
    const expected = parseLog(files.get('tb/expected.log')!);
    expect(compareLogs(expected, parseLog(readFileSync(join(dir, 'tb/out.log'), 'utf8'))).outputMismatches).toBe(0);
    // Flip every weight of the last layer's first neuron: its score changes, so do some classes.
    const img = join(dir, 'mem/fc1_mvtu_weights.mem');
    const words = readFileSync(img, 'utf8').trim().split('\n');
    words[0] = (BigInt('0x' + words[0]!) ^ 0xffn).toString(16).padStart(words[0]!.length, '0');
    writeFileSync(img, words.join('\n') + '\n');
    await runRtl(dir, 'icarus', { vcd: true });
    const cmp = compareLogs(expected, parseLog(readFileSync(join(dir, 'tb/out.log'), 'utf8')));
    expect(cmp.outputMismatches).toBeGreaterThan(0);
    expect(cmp.first?.kind).toBe('O');
    expect(cmp.first?.expected).not.toBe(cmp.first?.got);
    expect(existsSync(join(dir, 'tb/wave.vcd'))).toBe(true);
  });
});
