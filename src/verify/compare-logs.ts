/** Compare the testbench's log with the simulator's prediction, event by event. */
export interface LogEvent {
  kind: 'I' | 'O' | 'DONE' | 'TIMEOUT';
  cycle: number;
  data?: string;
  line: string;
}

export function parseLog(text: string): LogEvent[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((line) => {
      const [kind, cycle, data] = line.split(/\s+/);
      return { kind: kind as LogEvent['kind'], cycle: Number(cycle), ...(data !== undefined ? { data: data.toLowerCase() } : {}), line };
    });
}

export interface LogComparison {
  /** Output beats that differ in value or cycle, are missing or extra. */
  outputMismatches: number;
  /** Input beats accepted on a different cycle, missing or extra. */
  inputMismatches: number;
  first?: { index: number; kind: 'I' | 'O'; expected: string; got: string };
  timedOut: boolean;
}

export function compareLogs(expected: LogEvent[], got: LogEvent[]): LogComparison {
  const pick = (evs: LogEvent[], k: 'I' | 'O') => evs.filter((e) => e.kind === k);
  let first: LogComparison['first'];
  const count = (k: 'I' | 'O') => {
    const a = pick(expected, k);
    const b = pick(got, k);
    let n = 0;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (x && y && x.cycle === y.cycle && x.data === y.data) continue;
      n++;
      const cand = { index: i, kind: k, expected: x?.line ?? '(nothing)', got: y?.line ?? '(nothing)' };
      // The earliest differing event in time is the one worth looking at first.
      const t = Math.min(x?.cycle ?? Infinity, y?.cycle ?? Infinity);
      const tf = first ? Math.min(cycleOf(first.expected), cycleOf(first.got)) : Infinity;
      if (!first || t < tf) first = cand;
    }
    return n;
  };
  const outputMismatches = count('O');
  const inputMismatches = count('I');
  return { outputMismatches, inputMismatches, ...(first ? { first } : {}), timedOut: got.some((e) => e.kind === 'TIMEOUT') };
}

function cycleOf(line: string): number {
  const n = Number(line.split(/\s+/)[1]);
  return Number.isFinite(n) ? n : Infinity;
}
