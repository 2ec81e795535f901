import { describe, expect, it } from 'vitest';
import { interleave, median, speedup, speedupOfDifference, speedupRange } from './bench-rounds.js';

describe('interleaved timing rounds', () => {
  it('runs every contestant each round, reversing the order every other round', async () => {
    const calls: string[] = [];
    const t = await interleave(
      { a: () => (calls.push('a'), 2), b: () => (calls.push('b'), 0.5) },
      { rounds: 3, secondsPerRound: 1, maxRunsPerRound: 10 },
    );
    // a runs once (2 s ≥ 1 s), b twice (0.5 + 0.5) per round
    expect(calls.join('')).toBe('abb' + 'bba' + 'abb');
    expect(t.a.runs).toBe(3);
    expect(t.b.runs).toBe(6);
    expect(t.b.rounds).toEqual([0.5, 0.5, 0.5]);
  });

  it('keeps the best run of a round and caps the runs per round', async () => {
    const times = [0.3, 0.1, 0.2, 0.4];
    let i = 0;
    const t = await interleave({ x: () => times[i++ % times.length]! }, { rounds: 2, secondsPerRound: 100, maxRunsPerRound: 2 });
    expect(t.x.rounds).toEqual([0.1, 0.2]);
    expect(t.x.best).toBe(0.1);
    expect(t.x.median).toBeCloseTo(0.15);
  });

  it('takes the ratio per round, so a machine that slows both down leaves it unchanged', () => {
    // round 2 ran on a machine twice as slow: both contestants took twice as long
    const slow = { rounds: [10, 20, 10.5], best: 10, median: 10.5, runs: 3 };
    const fast = { rounds: [0.5, 1, 0.5], best: 0.5, median: 0.5, runs: 3 };
    expect(speedup(slow, fast)).toBe(20);
    expect(speedupRange(slow, fast)).toEqual([20, 21]);
    // the ratio of the two medians would say 21
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('takes differences of a long and a short run within each round', () => {
    const vl4 = { rounds: [12, 24], best: 12, median: 18, runs: 2 };
    const vl1 = { rounds: [4, 8], best: 4, median: 6, runs: 2 };
    const ev4 = { rounds: [1, 2], best: 1, median: 1.5, runs: 2 };
    const ev1 = { rounds: [0.6, 1.2], best: 0.6, median: 0.9, runs: 2 };
    expect(speedupOfDifference(vl4, vl1, ev4, ev1)).toBeCloseTo(20);
  });
});
