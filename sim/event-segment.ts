import type { Beat, SimBlock } from './block.js';
import { Asleep, NEVER, Wait, later, type Clock, type Downstream, type EngineCounts, type Recorder, type Stage, type Upstream } from './event-ports.js';

/**
 * A run of non-FIFO blocks between two FIFOs (or the testbench's source and sink), at least one of
 * them clocked (combinational ones only: sim/event-pass.ts), stepped on its own clock `c` by the event engine's per-segment loop. The loop is the one docs/simulator.md
 * describes: every block keeps the cycle it has been ticked to (t) and the next cycle it must be
 * ticked (wake); between those it sleeps, its outputs fixed by its horizon and its state brought
 * forward by skip; the loop visits a cycle only if a block is due, a channel may fire, or an end
 * may change. A segment runs ahead of its neighbours as far as what it needs of them is known:
 * it stops (run returns) at the first cycle in which it would need an end's answer that is -1.
 */
export class Segment implements Stage {
  /** The next cycle to visit: every cycle before it is simulated and its beats are recorded. */
  c = 0;
  /** The latest cycle + 1 any block of this segment was brought to (the engine checks it against the end). */
  reached = 0;
  private readonly n: number;
  private readonly valid: Int8Array;
  private readonly ready: Uint8Array;
  private readonly fire: Uint8Array;
  private readonly data: Array<Beat | undefined>;
  /** Cycles are int32 (docs/simulator.md, "Cycles as small integers"); NEVER stands for infinity. */
  private readonly t: Int32Array;
  private readonly wake: Int32Array;
  private readonly sleepReady: Uint8Array;
  private readonly vOut: Uint8Array;
  private readonly rdy0: Uint8Array;
  private readonly rdy1: Uint8Array;
  /** Channels (local numbering: 0 the input, k + 1 block k's output) whose beats are recorded. */
  private readonly recorded: Uint8Array;

  constructor(
    /** Plan index of the first block; channel first + k + 1 is block k's output. */
    private readonly first: number,
    private readonly blocks: SimBlock[],
    private readonly comb: boolean[],
    readonly up: Upstream,
    readonly down: Downstream,
    private readonly clock: Clock,
    private readonly rec: Recorder,
    private readonly counts: EngineCounts,
  ) {
    const n = blocks.length;
    this.n = n;
    this.valid = new Int8Array(n + 1);
    this.ready = new Uint8Array(n + 1);
    this.fire = new Uint8Array(n + 1);
    this.data = new Array<Beat | undefined>(n + 1);
    this.t = new Int32Array(n);
    this.wake = new Int32Array(n);
    this.sleepReady = new Uint8Array(n);
    this.vOut = new Uint8Array(n);
    this.rdy0 = new Uint8Array(n);
    this.rdy1 = new Uint8Array(n);
    this.anyComb = comb.some((x) => x);
    this.recorded = Uint8Array.from({ length: n + 1 }, (_, k) => (rec.wants(first + k) ? 1 : 0));
    for (let k = 0; k < n; k++) this.refresh(k);
  }

  private refresh(k: number): void {
    const b = this.blocks[k]!;
    this.vOut[k] = !this.comb[k] && b.outValid() ? 1 : 0;
    this.rdy0[k] = b.inReady(false) ? 1 : 0;
    this.rdy1[k] = b.inReady(true) ? 1 : 0;
  }

  /** Bring block k's state to the start of cycle `to` by its quiet cycles since t[k]. */
  private advance(k: number, to: number): void {
    const d = to - this.t[k]!;
    if (d <= 0) return;
    const b = this.blocks[k]!;
    const r = this.sleepReady[k] === 1;
    if (b.skip) b.skip(d, r);
    else for (let j = 0; j < d; j++) b.tick(false, undefined, false, r);
    this.t[k] = to;
    if (to > this.reached) this.reached = to;
    this.refresh(k);
  }

  /** Every block brought to the start of cycle `to` (the end of the run). */
  finish(to: number): void {
    for (let k = 0; k < this.n; k++) this.advance(k, to);
  }

  /** Simulate as far as the ends allow (or the clock's limit); whether `c` moved. */
  run(): boolean {
    const start = this.c;
    this.blocked = Wait.None;
    if (this.n === 1) this.c = this.solo(0, this.up, this.down, this.c, NEVER);
    else this.c = this.visits();
    return this.c !== start;
  }
  /** Why the last run stopped short of the limit: it needs the upstream's or the downstream's answer. */
  blocked = Wait.None;

  /** The general loop (any number of blocks); returns the cycle it got to. */
  private visits(): number {
    const { n, blocks, comb, valid, ready, fire, data, t, wake, sleepReady, vOut, rdy0, rdy1, up, down, clock, rec } = this;
    let c = this.c;
    while (c < clock.limit) {
      this.counts.visits++;
      // valid, forward: blocks due now are brought to this cycle; a sleeper's outputs are those
      // of its stale state (horizon contract)
      valid[0] = up.validAt(c);
      for (let k = 0; k < n; k++) {
        if (wake[k] === c) this.advance(k, c);
        valid[k + 1] = comb[k] ? valid[k]! : vOut[k]!;
      }
      // ready, backward. Without a valid beat the downstream's ready does not matter (a twin
      // ignores its outReady while its output is not valid), so an unknown one is no reason to wait.
      let rn = down.readyAt(c);
      if (rn < 0) {
        if (valid[n] !== 0) {
          this.blocked = Wait.Down;
          break;
        }
        rn = 1;
      }
      ready[n] = rn;
      /** Whether ready[k] still depends on ready[n] (only through blocks whose ready passes it on). */
      let dep = true;
      for (let k = n - 1; k >= 0; k--) {
        // a sleeper whose downstream ready changed under a valid output is woken
        if (wake[k]! > c && ready[k + 1] !== sleepReady[k] && !comb[k] && valid[k + 1] === 1) {
          this.advance(k, c);
          wake[k] = c;
        }
        ready[k] = ready[k + 1] ? rdy1[k]! : rdy0[k]!;
        if (rdy0[k] === rdy1[k]) dep = false;
      }
      if (valid[0] < 0) {
        // not known whether a beat is offered: only a segment that cannot take one may go on
        if (ready[0] === 1 || dep) {
          this.blocked = Wait.Up;
          break;
        }
        for (let k = 0; k <= n && valid[k]! < 0; k++) valid[k] = 0;
      }
      let anyFire = false;
      for (let k = 0; k <= n; k++) {
        const f = valid[k] === 1 && ready[k] === 1 ? 1 : 0;
        fire[k] = f;
        if (f) {
          anyFire = true;
          // both ends of a firing channel are ticked this cycle
          if (k > 0 && wake[k - 1]! > c) {
            this.advance(k - 1, c);
            wake[k - 1] = c;
          }
          if (k < n && wake[k]! > c) {
            this.advance(k, c);
            wake[k] = c;
          }
        }
      }
      if (anyFire) {
        data[0] = fire[0] ? up.head() : undefined;
        for (let k = 0; k < n; k++) {
          const b = blocks[k]!;
          data[k + 1] = fire[k + 1] ? (comb[k] ? b.map!(data[k]!) : b.outData()) : undefined;
        }
        for (let k = 0; k <= n; k++) if (fire[k] && this.recorded[k]) rec.beat(this.first + k, c, data[k]!);
        if (fire[n]) down.put(c, data[n]!);
        if (fire[0]) up.take(c);
        if (c + 1 > this.reached) this.reached = c + 1;
      }
      // clock edge for the blocks due, consumers first (a beat is read before its producer's
      // next tick); each then sleeps as long as its horizon allows
      let next = NEVER;
      for (let k = n - 1; k >= 0; k--) {
        if (wake[k]! > c) {
          if (wake[k]! < next) next = wake[k]!;
          continue;
        }
        const b = blocks[k]!;
        const r = ready[k + 1] === 1;
        this.advance(k, c);
        const v0 = vOut[k];
        const a0 = rdy0[k];
        const a1 = rdy1[k];
        b.tick(fire[k] === 1, data[k], fire[k + 1] === 1, r);
        t[k] = c + 1;
        if (c + 1 > this.reached) this.reached = c + 1;
        sleepReady[k] = ready[k + 1]!;
        this.refresh(k);
        const changed = fire[k] === 1 || fire[k + 1] === 1 || vOut[k] !== v0 || rdy0[k] !== a0 || rdy1[k] !== a1;
        const w = changed ? c + 1 : later(c + 1, b.horizon ? b.horizon(r) : 1);
        wake[k] = w;
        if (w < next) next = w;
      }
      if (anyFire) next = c + 1;
      else {
        // the upstream may offer a beat the segment can take; the downstream may become ready
        // under a waiting beat. (If ready[0] neither is 1 nor depends on the downstream, it stays
        // 0 until a block is due: a beat offered meanwhile waits, as the source and a FIFO hold it.)
        if (valid[0] === 0 && (ready[0] === 1 || dep)) {
          const s = up.nextValid(c);
          if (s < next) next = s;
        }
        if (valid[n] === 1) {
          const s = down.nextReady(c);
          if (s < next) next = s;
        }
      }
      c = next < clock.limit ? next : clock.limit;
      if (c < clock.limit) {
        c = this.alone(c);
        // where the block alone stopped, the loop above looks again (and says what it waits for)
        this.blocked = Wait.None;
      }
    }
    return c;
  }

  /**
   * From cycle c on, if one block at an end of the segment is the only one with anything to do
   * for a while (the others asleep, the ends quiet for them), run it alone until then; returns
   * the cycle to go on from. The neighbour it does not run with is `asleep`: a sleeping producer
   * that offers nothing (or whose beat it may not take), a consumer it may not hand a beat to.
   */
  private alone(c: number): number {
    const { n, wake, vOut, rdy0, rdy1, up, down } = this;
    if (this.anyComb) return c;
    let rest = NEVER;
    for (let k = 1; k < n; k++) if (wake[k]! < rest) rest = wake[k]!;
    // The last block's beat would need watching: the downstream's ready may change under it. One
    // frozen behind a downstream known not to be ready sleeps until that may change (a window
    // generator behind a full FIFO while the engine before it folds).
    if (rest > c && vOut[n - 1] === 1) {
      if (this.sleepReady[n - 1] === 0 && down.readyAt(c) === 0) {
        const s = down.nextReady(c);
        if (s < rest) rest = s;
        if (rest > c) this.counts.behindFrozen++;
      } else rest = c;
    }
    if (rest > c) {
      this.asleep.offering = true;
      return this.solo(0, up, this.asleep, c, rest);
    }
    rest = NEVER;
    for (let k = 0; k < n - 1; k++) if (wake[k]! < rest) rest = wake[k]!;
    if (rest > c && (rdy0[0] === 1 || rdy1[0] === 1)) {
      const v = up.validAt(c);
      const s = v === 0 ? up.nextValid(c) : c;
      if (s < rest) rest = s;
    }
    if (rest > c) {
      this.asleep.offering = vOut[n - 2] === 1;
      this.asleep.until = rest;
      return this.solo(n - 1, this.asleep, down, c, rest);
    }
    return c;
  }
  private readonly asleep = new Asleep();
  private readonly anyComb: boolean;

  /**
   * The loop for block k alone between `up` and `down`, from cycle `from` to at most `until`
   * (a segment of one block, or an end block while the rest sleeps): the same steps as visits()
   * for n = 1, with its own call sites to the twin (which see only the few kinds of block that
   * run alone, so they stay cheap). A block that fired or changed is not ticked the next cycle
   * just for that: the next cycle is visited if its output is valid or it may take a beat, and
   * it is ticked then only if a beat moves or it is due (quiet cycles are skip's).
   */
  private solo(k: number, up: Upstream, down: Downstream, from: number, until: number): number {
    const b = this.blocks[k]!;
    const { clock, rec, t, wake, sleepReady, vOut, rdy0, rdy1 } = this;
    const recIn = this.recorded[k] === 1;
    const recOut = this.recorded[k + 1] === 1;
    const chIn = this.first + k;
    let c = from;
    // the ends' answers for cycle c + 1 when already asked (below), for the next turn
    let vAt = -1;
    let vNext = 0;
    let rAt = -1;
    let rNext = 0;
    while (c < until && c < clock.limit) {
      this.counts.alone++;
      if (wake[k] === c) this.bring(k, c);
      let v = vAt === c ? vNext : up.validAt(c);
      let rn = rAt === c ? rNext : down.readyAt(c);
      if (rn < 0) {
        if (vOut[k] === 1) {
          this.blocked = Wait.Down;
          break;
        }
        rn = 1;
      }
      if (wake[k]! > c && vOut[k] === 1 && rn !== sleepReady[k]) {
        this.bring(k, c);
        wake[k] = c;
      }
      const r0 = rn === 1 ? rdy1[k] : rdy0[k];
      const dep = rdy0[k] !== rdy1[k];
      if (v < 0) {
        if (r0 === 1 || dep) {
          this.blocked = Wait.Up;
          break;
        }
        v = 0;
      }
      const fin = v === 1 && r0 === 1;
      const fout = vOut[k] === 1 && rn === 1;
      if ((fin || fout) && wake[k]! > c) {
        this.bring(k, c);
        wake[k] = c;
      }
      if (wake[k] === c) {
        if (fout ? !fin : fin && vOut[k] === 0) {
          // A run of beats moving one way in consecutive cycles, in a tighter loop: the ticks this
          // loop would make (a beat taken each cycle, the output never valid; or a beat handed
          // over each cycle, none taken), as long as each next cycle is one of the same kind.
          const lim = until < clock.limit ? until : clock.limit;
          let x = c;
          if (fin) {
            for (;;) {
              // as many as the block says it takes in a row and the upstream offers in a row,
              // without asking either between them
              let m = b.intake ? b.intake() : 1;
              if (m > lim - x) m = lim - x;
              if (m > 1) m = up.offered ? up.offered(x, m) : 1;
              if (m > 1) this.counts.declared += m;
              for (const e = x + m; x < e; x++) {
                const d = up.head();
                if (recIn) rec.beat(chIn, x, d);
                up.take(x);
                b.tick(true, d, false, true);
              }
              if (!(x < lim && !b.outValid() && b.inReady(true) && up.validAt(x) === 1)) break;
            }
          } else {
            for (;;) {
              const d = b.outData();
              if (recOut) rec.beat(chIn + 1, x, d);
              down.put(x, d);
              b.tick(false, undefined, true, true);
              x++;
              if (!(x < clock.limit && x < until && b.outValid() && down.readyAt(x) === 1)) break;
              // no beat may be taken (nor be in doubt) in the next cycle
              const r1 = b.inReady(true);
              if (r1 || b.inReady(false)) {
                const o = up.validAt(x);
                if (o < 0 || (o === 1 && r1)) break;
              }
            }
          }
          this.counts.streamed += x - c;
          c = x - 1;
          rn = 1;
          vAt = -1;
          rAt = -1;
        } else {
          const inData = fin ? up.head() : undefined;
          if (fin && recIn) rec.beat(chIn, c, inData!);
          if (fout) {
            const d = b.outData();
            if (recOut) rec.beat(chIn + 1, c, d);
            down.put(c, d);
          }
          if (fin) up.take(c);
          b.tick(fin, inData, fout, rn === 1);
        }
        t[k] = c + 1;
        if (c + 1 > this.reached) this.reached = c + 1;
        sleepReady[k] = rn;
        vOut[k] = b.outValid() ? 1 : 0;
        rdy0[k] = b.inReady(false) ? 1 : 0;
        rdy1[k] = b.inReady(true) ? 1 : 0;
        wake[k] = later(c + 1, b.horizon ? b.horizon(rn === 1) : 1);
      }
      // the next cycle something may happen: the block is due, the downstream's ready changes
      // under its beat (it hands it over, or is frozen), or it takes a beat (when offered)
      let next = wake[k]!;
      if (vOut[k] === 1 && next > c + 1) {
        rAt = c + 1;
        rNext = down.readyAt(rAt);
        const s = rNext === 0 && sleepReady[k] === 0 ? down.nextReady(rAt) : rAt;
        if (s < next) next = s;
      }
      if ((rdy0[k] === 1 || rdy1[k] === 1) && next > c + 1) {
        vAt = c + 1;
        vNext = up.validAt(vAt);
        const s = vNext === 0 ? up.nextValid(vAt) : vAt;
        if (s < next) next = s;
      }
      c = next;
    }
    const end = c < until ? c : until;
    return end < clock.limit ? end : clock.limit;
  }

  /** advance() for solo's block: the same, with solo's own call sites. */
  private bring(k: number, to: number): void {
    const d = to - this.t[k]!;
    if (d <= 0) return;
    const b = this.blocks[k]!;
    const r = this.sleepReady[k] === 1;
    if (b.skip) b.skip(d, r);
    else for (let j = 0; j < d; j++) b.tick(false, undefined, false, r);
    this.t[k] = to;
    if (to > this.reached) this.reached = to;
    this.vOut[k] = b.outValid() ? 1 : 0;
    this.rdy0[k] = b.inReady(false) ? 1 : 0;
    this.rdy1[k] = b.inReady(true) ? 1 : 0;
  }
}
