/**
 * Compare every inter-block stream of an RTL run (tb/streams.log) with the simulator's per-block
 * log (tb/expected_streams.log): both are `S <block> <cycle> <tdata>` lines, so any engine that
 * can say which beats crossed each block's output channel, and when, can be checked this way.
 */
export interface StreamBeatLine {
  cycle: number;
  data: string;
}

export interface StreamDifference {
  block: string;
  /** Index of the first differing beat on this block's output channel. */
  beat: number;
  expected: StreamBeatLine | null;
  got: StreamBeatLine | null;
  /** Beats on this channel that differ in value or cycle, or are missing/extra. */
  differing: number;
}

export interface StreamComparison {
  /** Block output channels compared. */
  streams: number;
  beats: number;
  /** Channels with at least one differing beat, in plan order. */
  differences: StreamDifference[];
  /**
   * The block to look at first: the difference earliest in time (a wrong value shows first on the
   * block that computes it; a wrong handshake first on the channel it stalls), ties going to the
   * upstream block.
   */
  first?: StreamDifference;
}

export function parseStreamsLog(text: string): Map<string, StreamBeatLine[]> {
  const m = new Map<string, StreamBeatLine[]>();
  for (const raw of text.split('\n')) {
    const [tag, block, cycle, data] = raw.trim().split(/\s+/);
    if (tag !== 'S' || block === undefined || cycle === undefined || data === undefined) continue;
    let list = m.get(block);
    if (!list) m.set(block, (list = []));
    list.push({ cycle: Number(cycle), data: data.toLowerCase() });
  }
  return m;
}

/** `blocks`: the plan's block names in order (a channel missing from a log counts as empty). */
export function compareStreams(blocks: string[], expectedText: string, gotText: string): StreamComparison {
  const exp = parseStreamsLog(expectedText);
  const got = parseStreamsLog(gotText);
  const differences: StreamDifference[] = [];
  let beats = 0;
  for (const block of blocks) {
    const a = exp.get(block) ?? [];
    const b = got.get(block) ?? [];
    beats += a.length;
    let diff: StreamDifference | undefined;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (x && y && x.cycle === y.cycle && x.data === y.data) continue;
      if (!diff) diff = { block, beat: i, expected: x ?? null, got: y ?? null, differing: 0 };
      diff.differing++;
    }
    if (diff) differences.push(diff);
  }
  const when = (d: StreamDifference) => Math.min(d.expected?.cycle ?? Infinity, d.got?.cycle ?? Infinity);
  const first = differences.reduce<StreamDifference | undefined>((f, d) => (!f || when(d) < when(f) ? d : f), undefined);
  return { streams: blocks.length, beats, differences, ...(first ? { first } : {}) };
}

/** One line for a human: the block, the beat, both values and cycles. */
export function describeStreamDifference(d: StreamDifference): string {
  const show = (s: StreamBeatLine | null) => (s ? `${s.data} at cycle ${s.cycle}` : '(no beat)');
  return `${d.block}: output beat ${d.beat} differs (simulator ${show(d.expected)}, RTL ${show(d.got)}); ${d.differing} beat(s) differ on this stream`;
}
