import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeModel } from '../src/model/io.js';
import { randomModel } from '../src/model/random-model.js';
import { runDemo, type DemoStep } from '../src/pipeline/demo.js';
import { toolOrSkip, workDir } from './cases.js';

describe('runDemo (the library pipeline behind bnn demo)', async () => {
  // Icarus only: Verilator's build of a new design costs tens of seconds, and verify() on
  // Verilator is covered by the co-simulation cases.
  const icarus = await toolOrSkip('iverilog');
  it.skipIf(!icarus)('generates, simulates and verifies a small model, reporting each step in order', async () => {
    const dir = workDir('demo');
    const file = join(dir, 'tiny.yaml');
    writeFileSync(file, serializeModel(randomModel({ name: 'tiny', arch: [64, 16, 10], seed: 4 })));
    const steps: DemoStep['kind'][] = [];
    const r = await runDemo({ model: file, out: join(dir, 'out'), frames: 3, seed: 2, simulators: ['icarus'], onStep: (s) => steps.push(s.kind) });
    expect(steps).toEqual(['generated', 'simulated', 'verified']);
    expect(r.verify.map((v) => v.sim)).toEqual(['icarus']);
    expect(r.ok).toBe(true);
    expect(r.simulate.predictions).toHaveLength(3);
    for (const v of r.verify) {
      expect(v.mismatches).toBe(0);
      expect(v.predictions).toEqual(r.simulate.predictions);
      expect(v.golden).toEqual(r.simulate.predictions);
    }
    expect(existsSync(join(r.rtlDir, 'files.f'))).toBe(true);
    expect(r.rtlDir).toBe(join(dir, 'out', 'tiny', 'rtl'));
  });
});
