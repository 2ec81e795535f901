/**
 * Interleaved timing rounds. This machine's speed drifts by up to 2× within minutes (other
 * guests on the host), so timing one simulator for a minute and then the other compares two
 * machines. In a round every contestant runs back to back (the order reversed every other
 * round), and the speed ratio is taken per round, then its median over the rounds.
 */

export interface Timing {
  /** Best run of each round, seconds. */
  rounds: number[];
  /** Best run of all rounds. */
  best: number;
  /** Median of the rounds' best runs. */
  median: number;
  /** Runs in all. */
  runs: number;
}

export interface RoundRule {
  rounds: number;
  /** Within a round a contestant repeats until it has run this long (at least once) … */
  secondsPerRound: number;
  /** … or this many times. */
  maxRunsPerRound: number;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Each runner returns the seconds of the run it timed. */
export async function interleave<K extends string>(
  runners: Record<K, () => number | Promise<number>>,
  rule: RoundRule,
): Promise<Record<K, Timing>> {
  const names = Object.keys(runners) as K[];
  const rounds = new Map<K, number[]>(names.map((n) => [n, []]));
  const runs = new Map<K, number>(names.map((n) => [n, 0]));
  for (let r = 0; r < rule.rounds; r++) {
    const order = r % 2 ? [...names].reverse() : names;
    for (const name of order) {
      let best = Infinity;
      let spent = 0;
      let n = 0;
      while (n === 0 || (spent < rule.secondsPerRound && n < rule.maxRunsPerRound)) {
        const s = await runners[name]();
        best = Math.min(best, s);
        spent += s;
        n++;
      }
      rounds.get(name)!.push(best);
      runs.set(name, runs.get(name)! + n);
    }
  }
  const out = {} as Record<K, Timing>;
  for (const name of names) {
    const rs = rounds.get(name)!;
    out[name] = { rounds: rs, best: Math.min(...rs), median: median(rs), runs: runs.get(name)! };
  }
  return out;
}

/** slow.rounds[i] / fast.rounds[i]: how many times faster `fast` ran in each round. */
const roundRatios = (slow: Timing, fast: Timing): number[] => slow.rounds.map((s, i) => s / fast.rounds[i]!);

/** The median over the rounds of the per-round speed ratio. */
export function speedup(slow: Timing, fast: Timing): number {
  return median(roundRatios(slow, fast));
}

/** The same for differences of two runs in each round (a long run minus a short one). */
export function speedupOfDifference(slowLong: Timing, slowShort: Timing, fastLong: Timing, fastShort: Timing): number {
  return median(
    slowLong.rounds.map((s, i) => (s - slowShort.rounds[i]!) / (fastLong.rounds[i]! - fastShort.rounds[i]!)),
  );
}

/** Min–max of the per-round ratios, to show the spread beside the median. */
export function speedupRange(slow: Timing, fast: Timing): [number, number] {
  const r = roundRatios(slow, fast);
  return [Math.min(...r), Math.max(...r)];
}
