import type { Compiled } from '../compiler/compile.js';
import { openTransport, type BackendName, type BackendOptions } from './backends.js';
import { frameLayout, packFrames, ResponseParser, type FrameLayout, type StatusName } from './protocol.js';

export interface InferResult {
  /** Class per frame; null when the device rejected the frame (see statuses). */
  classes: Array<number | null>;
  /** Per-class scores per frame, where the backend returns them (golden, sim, uart-sim, uart; verilator for a score-streaming design). */
  scores: Array<number[] | null>;
  statuses: StatusName[];
  seconds: number;
}

export interface Accelerator {
  backend: BackendName;
  /** The Verilator build behind the backend, if any: built now, or reused. */
  build?: { built: boolean; seconds: number };
  infer(frames: ArrayLike<number>[]): Promise<InferResult>;
  close(): Promise<void>;
}

export interface OpenOptions extends BackendOptions {
  backend: BackendName;
  /** The host's frame packer; replaceable only to show that a broken one is caught. */
  pack?: (layout: FrameLayout, frames: ArrayLike<number>[]) => Uint8Array;
}

/**
 * The accelerator behind one backend. Every backend is driven by the same host code: frames are
 * packed into the board's request bytes and the answer is parsed from the board's response
 * bytes; only the transport differs.
 */
export async function openAccelerator(design: Compiled, o: OpenOptions): Promise<Accelerator> {
  const layout = frameLayout(design.plan);
  const pack = o.pack ?? ((l, f) => packFrames(l, f));
  const t = await openTransport(design, o.backend, o);
  return {
    backend: o.backend,
    ...(t.build ? { build: t.build } : {}),
    async infer(frames) {
      const t0 = performance.now();
      const parser = new ResponseParser(layout);
      if (frames.length) parser.push(await t.exchange(pack(layout, frames), frames.length));
      const rs = parser.responses;
      return {
        classes: rs.map((r) => r.class),
        scores: rs.map((r) => r.scores),
        statuses: rs.map((r) => r.status),
        seconds: (performance.now() - t0) / 1000,
      };
    },
    close: () => t.close(),
  };
}
