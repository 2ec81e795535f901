import { describe, expect, it } from 'vitest';
import { bram18For } from '../blocks/cost.js';
import { parseTargets } from '../cli/commands/synth.js';
import { ice40Overflows, ICE40_DEVICES, readNextpnrReport } from './ice40.js';
import { estimateBlock } from './estimate.js';
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
