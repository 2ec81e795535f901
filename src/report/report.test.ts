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

  it('shows the activation bits per layer and the threshold stage of a W1A2 network', () => {
    const q = randomModel({ name: 'w1a2', arch: [64, 32, 16, 10], seed: 2, quant: { bits: 2, levels: 3, outBias: -1 } });
    const c = compile(q, { fold: { layers: [{ pe: 4, simd: 16 }, { pe: 4, simd: 8 }, { pe: 5, simd: 4 }], fifoDepth: 'auto', source: 't' } });
    const d = reportData(q, c.plan, { now: new Date(0) });
    expect(d.model.layers.map((l) => l.activationBits)).toEqual([2, 2, null]);
    expect(d.model.layers[0]!.activation).toBe('batchnorm, A2: 3 levels from -1');
    const fc0 = d.blocks.find((b) => b.name === 'fc0_mvtu')!;
    const fc1 = d.blocks.find((b) => b.name === 'fc1_mvtu')!;
    expect(fc0.bits).toEqual({ in: 1, out: 2 });
    expect(fc1.bits).toEqual({ in: 2, out: 2 });
    // 8 words (NF = 32/4) of 4 lanes × (2 thresholds × T_W + 1 invert bit); T_W = 7 for popcounts 0..64 (+1).
    // 120 bits: far less than the 32 LUTs per RAMB18 that move a threshold memory to block RAM.
    expect(fc0.thresholds).toEqual({ perNeuron: 2, outBias: -1, memoryBits: 8 * 4 * (2 * 7 + 1), memory: 'LUT ROM' });
    expect(d.blocks.find((b) => b.name === 'fc2_mvtu')!.thresholds).toBeNull();
    const html = reportHtml(d, '');
    expect(html).toContain('<td>1 → 2</td>');
    expect(html).toContain('2/neuron, bias -1');
    expect(html).toContain('memory bits in LUT ROM');
    // A 256-neuron layer folded 16 wide: NF 16 words of 16·(7 + 1) bits would be 128 LUTs of ROM for one RAMB18.
    const big = randomModel({ name: 'wide', arch: [256, 256, 10], seed: 3 });
    const bigPlan = compile(big, { fold: { layers: [{ pe: 16, simd: 16 }, { pe: 2, simd: 4 }], fifoDepth: 'auto', source: 't' } }).plan;
    expect(reportData(big, bigPlan, { now: new Date(0) }).blocks.find((b) => b.name === 'fc0_mvtu')!.thresholds!.memory).toBe('block RAM');
    // and the single-bit layers of the other network say so
    expect(reportData(model, plan, { now: new Date(0) }).model.layers.map((l) => l.activationBits)).toEqual([1, null]);
  });
});
