import { describe, expect, it } from 'vitest';
import { quantCode } from '../model/elements.js';
import type { ActivationQuant } from '../model/types.js';
import { Prng } from '../util/prng.js';
import { adamUpdate, Phase, runPhase, BN_EPS } from './net.js';
import { createNet } from './net-state.js';
import { activationValue, steWindow, trainedQuant } from './quant.js';

/**
 * The trainer's gradients are those of a surrogate network in which sign() is replaced by
 * its straight-through estimate: identity for weights inside [-1, 1] and hard-tanh for
 * activations (gradient 1 where |y| <= 1, 0 elsewhere) — for a multi-bit activation, the
 * clipped identity over its level range [lo, hi] (steWindow). With ±1 latent weights the
 * surrogate's forward pass equals the binarized one, so central finite differences of the
 * surrogate loss must match the analytic gradients the kernels compute.
 *
 * Run for the sign, the trained 2- and 3-bit quantizers (window [−1, 1]) and a quantizer with
 * an asymmetric window [−0.5, 1] (levels −1, 0, 1, 2 of step 0.5), so that a mask not following
 * the quantizer's own range would fail.
 */
const asymmetric: ActivationQuant = { bits: 2, levels: 4, outBias: -1, outScale: 0.5 };
const cases: Array<[string, ActivationQuant | undefined]> = [
  ['sign', undefined],
  ['2-bit (-1, 0, +1)', trainedQuant(2)],
  ['3-bit (-1 .. +1 in steps of 1/3)', trainedQuant(3)],
  ['2-bit levels -0.5 .. 1', asymmetric],
];

describe('the trained quantizers', () => {
  it('are BNN-PYNQ-style signed symmetric levels spanning [-1, 1]', () => {
    expect(trainedQuant(1)).toBeUndefined();
    expect(trainedQuant(2)).toEqual({ bits: 2, levels: 3, outBias: -1, outScale: 1 });
    expect(trainedQuant(3)).toEqual({ bits: 3, levels: 7, outBias: -3, outScale: 1 / 3 });
    expect(trainedQuant(4)).toEqual({ bits: 4, levels: 15, outBias: -7, outScale: 1 / 7 });
    for (const a of [2, 3, 4]) expect(steWindow(trainedQuant(a))).toEqual({ lo: -1, hi: 1 });
    expect(steWindow(undefined)).toEqual({ lo: -1, hi: 1 });
    expect(steWindow(asymmetric)).toEqual({ lo: -0.5, hi: 1 });
    expect(() => trainedQuant(5)).toThrow(/act-bits/);
    expect(() => trainedQuant(0)).toThrow(/act-bits/);
  });

  it("forward: the model format's quantizer (nearest level, ties up, clamped)", () => {
    const q2 = trainedQuant(2)!;
    const v = (y: number) => activationValue(q2, y);
    expect([-3, -0.51, -0.5, -0.49, 0, 0.49, 0.5, 3].map(v)).toEqual([-1, -1, 0, 0, 0, 0, 1, 1]);
    const q3 = trainedQuant(3)!;
    // Level k/3 for y within 1/6 of it; the training value is outScale·u with u = outBias + quantCode.
    for (let y = -1.4; y <= 1.4; y += 0.01) {
      expect(activationValue(q3, y)).toBe(q3.outScale * (q3.outBias + quantCode(q3, y)));
      expect(Math.abs(activationValue(q3, y) - Math.max(-1, Math.min(1, y)))).toBeLessThanOrEqual(1 / 6 + 1e-12);
    }
    expect(activationValue(undefined, 0)).toBe(1);
    expect(activationValue(undefined, -1e-9)).toBe(-1);
  });
});

describe.each(cases)('straight-through estimator gradients (%s)', (_label, quant) => {
  const n = 12;
  const m = 6;
  const k = 3;
  const B = 8;
  const rng = new Prng(7);
  const sgn = () => (rng.float() < 0.5 ? -1 : 1);
  const x = Array.from({ length: B * n }, sgn);
  const w0 = Array.from({ length: n * m }, sgn); // input-major: w0[i*m+j]
  const w1 = Array.from({ length: m * k }, sgn);
  const gamma = Array.from({ length: m }, () => 0.5 + rng.float() * 2.5);
  const beta = Array.from({ length: m }, () => rng.normal() * 0.8);
  const c = Array.from({ length: B * k }, () => rng.normal());

  const { lo, hi } = steWindow(quant);
  const htanh = (v: number) => Math.max(lo, Math.min(hi, v));

  /** Surrogate loss in double precision: Σ c · (clip(BN(x·w0), lo, hi) · w1). */
  function loss(w: number[], g: number[], bt: number[]): number {
    let total = 0;
    const z = new Float64Array(B * m);
    for (let b = 0; b < B; b++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[b * n + i]! * w[i * m + j]!;
        z[b * m + j] = s;
      }
    const a = new Float64Array(B * m);
    for (let j = 0; j < m; j++) {
      let mean = 0;
      for (let b = 0; b < B; b++) mean += z[b * m + j]!;
      mean /= B;
      let v = 0;
      for (let b = 0; b < B; b++) v += (z[b * m + j]! - mean) ** 2;
      v /= B;
      for (let b = 0; b < B; b++) a[b * m + j] = htanh((g[j]! * (z[b * m + j]! - mean)) / Math.sqrt(v + BN_EPS) + bt[j]!);
    }
    for (let b = 0; b < B; b++)
      for (let q = 0; q < k; q++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += a[b * m + j]! * w1[j * k + q]!;
        total += c[b * k + q]! * s;
      }
    return total;
  }

  function analytic(T: number) {
    const net = createNet({ arch: [n, m, k], batch: B, ...(quant ? { quant } : {}) }, false);
    const [L0, L1] = net.layers as [typeof net.layers[0], typeof net.layers[0]];
    L0.w.set(w0);
    L1.w.set(w1);
    L0.gamma.set(gamma);
    L0.beta.set(beta);
    for (let b = 0; b < B; b++) {
      let cnt = 0;
      for (let i = 0; i < n; i++) if (x[b * n + i]! > 0) L0.onIdx[b * n + cnt++] = i;
      L0.onCnt[b] = cnt;
    }
    net.scal[0] = B;
    for (let t = 0; t < T; t++) runPhase(net, Phase.BinarizeAll, 0, t, T);
    for (let t = 0; t < T; t++) runPhase(net, Phase.Forward, 0, t, T);
    for (let t = 0; t < T; t++) runPhase(net, Phase.Sign, 0, t, T);
    for (let t = 0; t < T; t++) runPhase(net, Phase.Forward, 1, t, T);
    L1.dz.set(c);
    for (let t = 0; t < T; t++) runPhase(net, Phase.Backward, 1, t, T);
    for (let t = 0; t < T; t++) runPhase(net, Phase.Backward, 0, t, T);
    return { net, L0, L1 };
  }

  it('forward dot products are the exact ±1 dot products', () => {
    const { L0 } = analytic(1);
    for (let b = 0; b < B; b++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[b * n + i]! * w0[i * m + j]!;
        expect(L0.z[b * m + j]).toBe(s);
      }
  });

  it('some activations fall outside [lo, hi], so the cancellation is exercised', () => {
    const { L0 } = analytic(1);
    const ys = Array.from(L0.y);
    expect(ys.some((v) => v > hi + 0.05 || v < lo - 0.05)).toBe(true);
    expect(ys.some((v) => v < hi - 0.05 && v > lo + 0.05)).toBe(true);
    // Kinks would spoil finite differences.
    expect(ys.every((v) => Math.abs(v - lo) > 1e-3 && Math.abs(v - hi) > 1e-3)).toBe(true);
    // Cancelled outside the window, passed inside it.
    for (let q = 0; q < ys.length; q++) {
      if (ys[q]! > hi || ys[q]! < lo) expect(L0.dy[q]).toBe(0);
      else expect(Math.abs(L0.dy[q]!)).toBeGreaterThan(0);
    }
  });

  it("the next layer's dot products are the exact sums over the activations (±1, or outScale·u)", () => {
    const { L0, L1 } = analytic(1);
    const values = Array.from(L0.y, (v) => activationValue(quant, v));
    if (quant) {
      // Several levels occur, zero among them (absent from the nonzero-element lists).
      expect(new Set(values).size).toBeGreaterThanOrEqual(3);
      expect(values).toContain(0);
    }
    for (let b = 0; b < B; b++)
      for (let q = 0; q < k; q++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += (quant ? quant.outBias + quantCode(quant, L0.y[b * m + j]!) : values[b * m + j]!) * w1[j * k + q]!;
        expect(L1.z[b * k + q]).toBeCloseTo((quant ? quant.outScale : 1) * s, 5);
      }
  });

  it('matches central finite differences of the surrogate loss (weights, gamma, beta)', () => {
    const { L0 } = analytic(1);
    const h = 1e-4;
    const fd = (f: (d: number) => number) => (f(h) - f(-h)) / (2 * h);
    let checked = 0;
    for (let q = 0; q < n * m; q++) {
      const num = fd((d) => loss(w0.map((v, i) => (i === q ? v + d : v)), gamma, beta));
      expect(L0.dw[q]).toBeCloseTo(num, 3);
      if (Math.abs(num) > 1e-3) checked++;
    }
    expect(checked).toBeGreaterThan(10);
    for (let j = 0; j < m; j++) {
      expect(L0.dgamma[j]).toBeCloseTo(fd((d) => loss(w0, gamma.map((v, i) => (i === j ? v + d : v)), beta)), 3);
      expect(L0.dbeta[j]).toBeCloseTo(fd((d) => loss(w0, gamma, beta.map((v, i) => (i === j ? v + d : v)))), 3);
    }
  });

  it('last-layer weight gradient is activationᵀ·dscores (sign, or the quantized value)', () => {
    const { L0, L1 } = analytic(1);
    for (let j = 0; j < m; j++)
      for (let q = 0; q < k; q++) {
        let s = 0;
        for (let b = 0; b < B; b++) s += activationValue(quant, L0.y[b * m + j]!) * c[b * k + q]!;
        expect(L1.dw[j * k + q]).toBeCloseTo(s, 5);
      }
  });

  it('gives bit-identical gradients when split across threads', () => {
    const one = analytic(1);
    const three = analytic(3);
    expect(Array.from(three.L0.dw)).toEqual(Array.from(one.L0.dw));
    expect(Array.from(three.L1.dw)).toEqual(Array.from(one.L1.dw));
    expect(Array.from(three.L0.dgamma)).toEqual(Array.from(one.L0.dgamma));
  });

  it('cancels the weight gradient where |w| > 1 and clips weights to [-1, 1]', () => {
    const { L0 } = analytic(1);
    L0.w[0] = 1.5;
    L0.w[1] = -0.2;
    L0.dw[0] = 3;
    L0.dw[1] = 3;
    adamUpdate(L0, 1, 0.01, 0, 1);
    expect(L0.mw[0]).toBe(0);
    expect(L0.w[0]).toBe(1);
    expect(L0.mw[1]).not.toBe(0);
    expect(L0.w[1]).toBeLessThan(-0.2);
    for (const v of L0.w) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });
});
