import { workerData } from 'node:worker_threads';
import { Phase, runPhase } from './net.js';
import { attachNet, type NetShape } from './net-state.js';

/** A training worker: waits for a phase on the shared control block, runs its part, reports done. */
const { shape, buffer, ctrl: ctrlBuf, index, T } = workerData as { shape: NetShape; buffer: SharedArrayBuffer; ctrl: SharedArrayBuffer; index: number; T: number };
const net = attachNet(shape, buffer);
const ctrl = new Int32Array(ctrlBuf);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  const seq = Atomics.load(ctrl, 0);
  if (seq === seen) continue;
  seen = seq;
  const phase = Atomics.load(ctrl, 1);
  if (phase === Phase.Exit) break;
  try {
    runPhase(net, phase, Atomics.load(ctrl, 2), index, T);
  } catch (e) {
    // The main thread is blocked in Atomics.wait and cannot see events: flag the failure.
    Atomics.store(ctrl, 3, 1);
    process.stderr.write(`bnn train worker ${index}: ${(e as Error).stack ?? String(e)}\n`);
  }
  Atomics.store(ctrl, 8 + index, seq);
  Atomics.notify(ctrl, 8 + index);
}
