import { describe, expect, it } from 'vitest';
import { stepEdge } from './step-edge.js';

const ge = (t: number) => (v: number) => (v >= t ? 1 : 0) as 0 | 1;
const le = (t: number) => (v: number) => (v <= t ? 1 : 0) as 0 | 1;

describe('stepEdge', () => {
  it('reads ge, le and constant steps over a small range point by point', () => {
    expect(stepEdge(ge(5), 0, 10)).toEqual({ kind: 'ge', t: 5 });
    expect(stepEdge(le(3), 0, 10)).toEqual({ kind: 'le', t: 3 });
    expect(stepEdge(ge(0), 0, 10)).toEqual({ kind: 'const', bit: 1 });
    expect(stepEdge(ge(11), 0, 10)).toEqual({ kind: 'const', bit: 0 });
    expect(stepEdge(ge(10), 0, 10)).toEqual({ kind: 'ge', t: 10 });
    expect(stepEdge(le(-1), -5, 5)).toEqual({ kind: 'le', t: -1 });
  });

  it('rejects a function with more than one step', () => {
    expect(stepEdge((v) => (v >= 3 && v < 7 ? 1 : 0), 0, 10)).toBeUndefined();
  });

  it('bisects a wide range and still finds the exact edge', () => {
    expect(stepEdge(ge(123_457), -1_000_000, 1_000_000)).toEqual({ kind: 'ge', t: 123_457 });
    expect(stepEdge(le(-999_999), -1_000_000, 1_000_000)).toEqual({ kind: 'le', t: -999_999 });
    expect(stepEdge(ge(-2_000_000), -1_000_000, 1_000_000)).toEqual({ kind: 'const', bit: 1 });
  });

  it('catches a second step near the edge, or inside a range constant at both ends, when bisecting', () => {
    expect(stepEdge((v) => (v >= 500_000 && v !== 500_010 ? 1 : 0), 0, 1_000_000)).toBeUndefined();
    expect(stepEdge((v) => (v >= 250_000 && v < 750_000 ? 1 : 0), 0, 1_000_000)).toBeUndefined();
  });

  it('evaluates every point when asked to, however wide the range', () => {
    const f = (v: number) => (v >= 100_000 && v !== 900_000 ? 1 : 0) as 0 | 1;
    expect(stepEdge(f, 0, 1_000_000)).toEqual({ kind: 'ge', t: 100_000 }); // the sampled search misses the lone dip
    expect(stepEdge(f, 0, 1_000_000, Infinity)).toBeUndefined();
  });
});
