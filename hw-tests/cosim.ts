import { describe, expect, it } from 'vitest';
import { verify } from '../src/verify/verify.js';
import type { RtlSimulator } from '../src/verify/run-rtl.js';
import { COSIM_CASES, frames, toolOrSkip, workDir } from './cases.js';
import { EDGE_CASES } from './edge-cases.js';
import { MULTIBIT_CASES } from './multibit-cases.js';

/** RTL vs simulator, beat by beat and cycle by cycle, with random gaps and backpressure. */
export function cosimSuite(sim: RtlSimulator, tool: string): void {
  describe(`co-simulation on ${sim}`, async () => {
    const run = await toolOrSkip(tool);
    const cases = [...COSIM_CASES, ...EDGE_CASES, ...MULTIBIT_CASES].filter((c) => !c.only || c.only.includes(sim));
    it.skipIf(!run).each(cases)('$name', async (c) => {
      const compiled = c.compiled();
      const input = c.input ? c.input() : frames(c.frames, compiled.plan.input.elements, 17);
      const r = await verify(compiled, {
        sim,
        frames: input,
        traffic: { gapProbability: 0.25, maxGap: 3, stallProbability: 0.35, seed: 23 },
        dir: workDir(sim),
      });
      expect(r.firstMismatch).toBeUndefined();
      expect(r.mismatches).toBe(0);
      expect(r.inputMismatches).toBe(0);
      expect(r.timedOut).toBe(false);
      expect(r.predictions).toHaveLength(c.frames);
      expect(r.predictions).toEqual(r.golden);
      if (c.expect) expect(r.predictions).toEqual(c.expect);
      expect(r.scoreMismatches).toBe(0);
      expect(r.scoresFrom).toBe(compiled.plan.output.stream === 'scores' ? 'rtl' : 'simulator');
      // In CI a missing lint result (no verilator) is a failure, not a pass.
      if (process.env.BNN_REQUIRE_TOOLS === '1') expect(r.lint).toBeDefined();
      if (r.lint) expect(r.lint.warnings).toEqual([]);
      expect(r.streams.differences).toEqual([]);
      expect(r.cycles.ii.simulatorIdeal).toBe(compiled.plan.ii.cycles);
      // measured on the RTL's own output beats, under this run's traffic
      expect(r.cycles.ii.measured).toEqual(expect.any(Number));
      expect(r.cycles.ii.source).toMatch(/^RTL/);
      expect(r.ok).toBe(true);
    });
  });
}
