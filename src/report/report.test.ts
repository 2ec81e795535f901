import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { randomModel } from '../model/random-model.js';
import { reportData } from './data.js';
import { reportHtml } from './html.js';

describe('report', () => {
  const model = randomModel({ name: 'tfc', arch: [64, 32, 10], seed: 1 });
  const { plan } = compile(model);

  it('marks the bottleneck, carries estimates and simulator activity', () => {
    const d = reportData(model, plan, { now: new Date(0) });
    expect(d.blocks.filter((b) => b.bottleneck).map((b) => b.name)).toEqual([plan.ii.bottleneck]);
    expect(d.blocks.find((b) => b.kind === 'mvtu')!.estimate.lut).toBeGreaterThan(0);
    expect(d.blocks.every((b) => b.sim.busy > 0)).toBe(true);
    expect(d.model.testAccuracy).toBeNull();
    expect(d.targets[0]!.framesPerSecond).toBeCloseTo(100e6 / (d.ii.measured ?? d.ii.analytic), 3);
    // the design space beside this design: the front reaches both ends and holds no point slower and dearer than this one
    expect(d.pareto.length).toBeGreaterThan(2);
    expect(d.pareto[0]!.ii).toBeLessThan(d.ii.analytic);
    expect(d.pareto.some((p) => p.ii > d.ii.analytic && p.lut < d.totals.estimate.lut + d.totals.estimate.lutram)).toBe(true);
  });

  it('is one self-contained page with chart.js inlined and the data escaped', () => {
    const m2 = { ...model, name: '</script><b>x' };
    const html = reportHtml(reportData(m2, plan, { now: new Date(0) }), '/* chart.js stub */');
    expect(html).toContain('/* chart.js stub */');
    expect(html).not.toContain('</script><b>');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    const full = reportHtml(reportData(model, plan, { now: new Date(0) }));
    expect(full.length).toBeGreaterThan(150_000); // chart.js UMD is ~200 kB
    expect(full).toMatch(/new Chart\(/);
  });
});
