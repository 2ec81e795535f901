import { describe, expect, it } from 'vitest';
import { bram18For } from '../blocks/cost.js';
import { parseTargets } from '../cli/commands/synth.js';
import { ice40Overflows, ICE40_DEVICES, readNextpnrReport } from './ice40.js';
import { estimateBlock } from './estimate.js';
import { estimateMvtu } from '../blocks/mvtu.js';
import { estimatePool } from '../blocks/pool.js';
import { estimateDwc } from '../blocks/dwc.js';
import { xilinxResources } from './xilinx.js';
import { flattenCounts, parseStatJson, topInstances } from './yosys-json.js';

describe('Yosys JSON reading', () => {
  const stat = {
    modules: {
      '$paramod$abc\\bnn_mvtu': { num_cells_by_type: { LUT6: 10, LUT2: 3, FDRE: 7, CARRY4: 2, RAMB18E1: 1, RAM32M: 2 } },
      '$paramod$def\\bnn_fifo': { num_cells_by_type: { LUT3: 4, FDRE: 5, RAM32M: 1 } },
      '\\top': { num_cells_by_type: { '$paramod$abc\\bnn_mvtu': 2, '$paramod$def\\bnn_fifo': 1 } },
    },
  };
  it('counts primitives through the hierarchy', () => {
    expect(flattenCounts(stat, 'top')).toEqual({ LUT6: 20, LUT2: 6, FDRE: 19, CARRY4: 4, RAMB18E1: 2, RAM32M: 5, LUT3: 4 });
    const r = xilinxResources(flattenCounts(stat, 'top'));
    expect(r).toMatchObject({ lut: 30, lutram: 20, ff: 19, carry4: 4, ramb18: 2, bram36: 1 });
  });
  it('reads stat -json when Yosys appends its text hierarchy after the object', () => {
    const json = JSON.stringify({ ...stat, design: { num_cells: 3 } }, null, 3);
    const cut = json.indexOf('"design"');
    const text = `${json.slice(0, cut)}\n       $paramod$e5\\bnn_popcount      8\n       \\bnn_popcount      2\n${json.slice(cut)}`;
    expect(() => JSON.parse(text)).toThrow();
    expect(parseStatJson(text)).toEqual(JSON.parse(json));
    expect(parseStatJson(json)).toEqual(JSON.parse(json));
  });
  it('maps instances to modules', () => {
    const net = { modules: { top: { cells: { fc0_mvtu: { type: '$paramod$abc\\bnn_mvtu' } } } } };
    expect(topInstances(net, 'top').get('fc0_mvtu')).toBe('$paramod$abc\\bnn_mvtu');
  });
});

describe('targets and fit', () => {
  it('parses targets', () => {
    expect(parseTargets('xc7,ice40-hx8k')).toEqual(['xc7', 'ice40-hx8k']);
    expect(() => parseTargets('xc9')).toThrow(/unknown synthesis target/);
  });
  it('reports what overflows', () => {
    expect(ice40Overflows({ lut4: 9000, ff: 10, carry: 0, bram: 40, dsp: 0, io: 20 }, ICE40_DEVICES['ice40-hx8k'])).toEqual([
      '9000 LUT4 > 7680 logic cells',
      '40 block RAMs > 32',
    ]);
  });
  it('reads nextpnr reports', () => {
    const r = readNextpnrReport({ fmax: { a: { achieved: 61.2, constraint: 48 }, b: { achieved: 90, constraint: 48 } }, utilization: {} });
    expect(r.fmaxMHz).toBe(61.2);
  });
  it('sizes block RAM', () => {
    expect(bram18For(448, 112)).toBe(13);
    expect(bram18For(32, 512)).toBe(1);
    expect(bram18For(64, 1)).toBe(0);
  });
});

describe('estimators', () => {
  it('count sliding-window generators and max-pools (no longer 0)', () => {
    const swg = estimateBlock({ kind: 'swg', name: 's', layer: 'c', in: { elems: 16, elemBits: 1, beatsPerFrame: 1 }, out: { elems: 16, elemBits: 1, beatsPerFrame: 1 }, cyclesPerFrame: 1,
      params: { H: 30, W: 30, C: 64, SIMD: 16, ELEM_BITS: 1, K: 3, S: 1, P: 0, PAD: 0, OH: 28, OW: 28 } });
    expect(swg.lut).toBeGreaterThan(100);
    expect(swg.bram18).toBe(1); // 840 x 16 line buffer
    const pool = estimateBlock({ kind: 'pool', name: 'p', layer: 'm', in: { elems: 16, elemBits: 1, beatsPerFrame: 1 }, out: { elems: 16, elemBits: 1, beatsPerFrame: 1 }, cyclesPerFrame: 1,
      params: { H: 28, W: 28, C: 64, SIMD: 16, K: 2 } });
    expect(pool.lut).toBeGreaterThan(40);
    expect(pool.lutram).toBe(24); // 56 x 16 partial row in RAM64M
  });
});

describe('estimators for multi-bit activations (measured points: BENCHMARKS.md, bench:multibit)', () => {
  const near = (est: number, yosys: number, tol: number) => expect(Math.abs(est - yosys) / yosys).toBeLessThan(tol);
  // Binary inputs, W1A1 vs A-bit outputs (2, 6, 15 thresholds): MW 256, MH 64, PE 4, SIMD 16; Yosys 249, 321, 573, 1077 LUTs.
  const engine = (count: number, bits: number, bias: number) => estimateMvtu({
    MW: 256, MH: 64, PE: 4, SIMD: 16, ACC_W: 9, T_W: 9, USE_THRESH: 1, INPUT_BITS: 1, INPUT_SIGNED: 0, POPCOUNT: 2, THRESH_RAM: 0,
    ...(bits > 1 ? { N_THRESH: count, OUT_BITS: bits, OUT_BIAS: bias } : {}),
  });
  it('an MVTU: the threshold bank grows with the thresholds per neuron', () => {
    const [a1, a2, a3, a4] = [engine(1, 1, 0), engine(2, 2, -1), engine(6, 3, -3), engine(15, 4, -8)];
    expect(a1.lut).toBeLessThan(a2.lut);
    expect(a2.lut).toBeLessThan(a3.lut);
    expect(a3.lut).toBeLessThan(a4.lut);
    near(a2.lut, 321, 0.15);
    near(a3.lut, 573, 0.15);
    near(a4.lut, 1077, 0.15);
  });
  it('a max-pool over A-bit elements: partial row SIMD·A bits wide, comparators per element', () => {
    const p = (A: number) => estimatePool({ H: 24, W: 24, C: 32, SIMD: 32, K: 2, ...(A > 1 ? { ELEM_BITS: A, SIGNED: 1 as const } : {}) });
    expect(p(1).lutram).toBe(24);
    expect(p(2).lutram).toBe(44);
    expect(p(3).lutram).toBe(64);
    near(p(3).lut, 169, 0.15); // Yosys: 73, 104, 169 LUTs at A = 1, 2, 3
  });
  it('a width converter: its barrel shifter grows with the (A-bit) input width', () => {
    near(estimateDwc({ IN_W: 32, OUT_W: 64 }).lut, 227, 0.15);
    near(estimateDwc({ IN_W: 128, OUT_W: 32 }).lut, 677, 0.25);
  });
});
