import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { npyFrames } from '../src/inputs/frames.js';
import { readNpy } from '../src/npy/read-npy.js';
import { importOnnxFile } from '../src/onnx/import.js';
import { packageRoot } from '../src/util/paths.js';
import { verify } from '../src/verify/verify.js';
import { toolOrSkip, workDir } from './cases.js';

// The real FINN TFC-w1a1 export, used by path (third-party, see its SOURCE.md); never copied.
const FIXTURE = resolve(packageRoot(), '../shared/fixtures/finn-tfc-w1a1');

describe('FINN TFC-w1a1: import, FINN folding, co-simulation', async () => {
  const { model } = importOnnxFile(join(FIXTURE, 'model.onnx'));
  const compiled = compile(model, { fold: join(FIXTURE, 'folding_config.json') });
  const frames = npyFrames(model, join(FIXTURE, 'input.npy'));
  const expected = Array.from(readNpy(join(FIXTURE, 'expected_output.npy')).data);

  it('takes FINN’s folding PE/SIMD per MVAU', () => {
    expect(compiled.fold.layers).toEqual([
      { pe: 16, simd: 49 },
      { pe: 8, simd: 8 },
      { pe: 8, simd: 8 },
      { pe: 10, simd: 8 },
    ]);
    expect(compiled.plan.ii.cycles).toBe(64);
    expect(expected).toEqual([7, 2, 1, 0]);
  });

  for (const [sim, tool] of [['icarus', 'iverilog'], ['verilator', 'verilator']] as const) {
    const run = await toolOrSkip(tool);
    it.skipIf(!run)(`RTL on ${sim} predicts FINN's expected classes with zero mismatches`, async () => {
      const r = await verify(compiled, {
        sim,
        frames,
        traffic: { gapProbability: 0.3, maxGap: 4, stallProbability: 0.4, seed: 5 },
        dir: workDir(`finn-${sim}`),
      });
      expect(r.mismatches).toBe(0);
      expect(r.inputMismatches).toBe(0);
      expect(r.predictions).toEqual(expected);
      expect(r.golden).toEqual(expected);
      expect(r.ok).toBe(true);
    });
  }
});
