import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../model/io.js';
import { deviceNamed } from '../synth/devices.js';
import { estimatePlan } from '../synth/estimate.js';
import { packageRoot } from '../util/paths.js';
import { fitsDevice, foldForDevice, foldForThroughput, foldFront } from './auto-fold.js';
import { compile } from './compile.js';
import { foldThresholds } from './fold-thresholds.js';

const sfc = loadModel(join(packageRoot(), 'models/sfc-mnist.yaml'));
const im = foldThresholds(sfc);

describe('automatic folding', () => {
  const front = foldFront(im);
  const { points } = front;

  it('keeps a Pareto front: sorted by II, no point beaten on II, LUT, BRAM and input width at once, estimates those of the compiled plan', () => {
    expect(points.length).toBeGreaterThan(5);
    for (let k = 1; k < points.length; k++) expect(points[k]!.ii).toBeGreaterThanOrEqual(points[k - 1]!.ii);
    const le = (q: (typeof points)[number], p: (typeof points)[number]) =>
      q.ii <= p.ii && q.lut + q.lutram <= p.lut + p.lutram && q.bram36 <= p.bram36 && q.inputBits <= p.inputBits;
    for (const p of points) for (const q of points) if (q !== p && le(q, p)) expect(le(p, q)).toBe(true);
    // narrow input streams are kept for small packages: the slowest point takes one pixel per beat
    expect(Math.min(...points.map((p) => p.inputBits))).toBe(8);
    for (const p of [points[0]!, points[points.length - 1]!]) {
      const c = compile(sfc, { fold: { layers: p.layers, fifoDepth: 'auto', source: 't' } });
      expect(c.plan.ii.cycles).toBe(p.ii);
      expect(estimatePlan(c.plan).total.lut).toBe(p.lut);
    }
  });

  it('sfc-mnist at 100,000 frames/s and 100 MHz: II <= 1000, the cheapest such point of the front', () => {
    const c = foldForThroughput(im, 100000, 100, front);
    expect(c.chosen.ii).toBeLessThanOrEqual(1000);
    for (const p of c.front) if (p.ii <= 1000) expect(p.lut + p.lutram).toBeGreaterThanOrEqual(c.chosen.lut + c.chosen.lutram);
    // and it is much smaller than the default folding, which is faster than needed
    expect(c.chosen.lut).toBeLessThan(estimatePlan(compile(sfc).plan).total.lut);
  });

  it('on a device: the fastest point within its LUTs, FFs and BRAM; clear errors otherwise', () => {
    const dev = deviceNamed('xc7a100t')!;
    const c = foldForDevice(im, dev, front);
    expect(c.chosen.lut + c.chosen.lutram).toBeLessThanOrEqual(dev.lut);
    expect(c.chosen.bram36).toBeLessThanOrEqual(dev.bram);
    for (const p of c.front) if (p.ii < c.chosen.ii) expect(p.lut + p.lutram > dev.lut || p.ff > dev.ff || p.bram36 > dev.bram).toBe(true);
    // sfc-mnist's 334 kbit of weights exceed the HX8K's 32 EBRs at every folding
    expect(() => foldForDevice(im, deviceNamed('ice40-hx8k')!)).toThrow(/no folding of this network fits ice40-hx8k/);
    expect(() => foldForThroughput(im, 1e12, 100, front)).toThrow(/no folding reaches/);
  });
});

describe('automatic folding on iCE40 (estimators in src/blocks/*.ts)', () => {
  const tfc = foldThresholds(loadModel(join(packageRoot(), 'models/tfc-mnist.yaml')));
  const front = foldFront(tfc, 'ice40');
  for (const name of ['ice40-hx8k', 'ice40-up5k']) {
    it(`tfc-mnist on ${name}: the fastest point within its logic cells, EBRs and pins`, () => {
      const dev = deviceNamed(name)!;
      const c = foldForDevice(tfc, dev, front);
      expect(fitsDevice(c.chosen, dev)).toBe(true);
      expect(c.chosen.ice40.lc).toBeLessThanOrEqual(dev.lut);
      expect(c.chosen.ice40.ebr).toBeLessThanOrEqual(dev.bram);
      for (const p of c.front) if (p.ii < c.chosen.ii) expect(fitsDevice(p, dev)).toBe(false);
    });
  }
  it('the iCE40 front is Pareto on II, logic cells, EBR and input width', () => {
    const { points } = front;
    expect(points.length).toBeGreaterThan(3);
    const ax = (p: (typeof points)[number]) => [p.ii, p.ice40.lc, p.ice40.ebr, p.inputBits];
    for (const p of points)
      for (const q of points) if (q !== p) expect(ax(q).every((v, i) => v <= ax(p)[i]!) && ax(q).some((v, i) => v < ax(p)[i]!)).toBe(false);
  });
});
