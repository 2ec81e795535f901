import { workerData } from 'node:worker_threads';
import { attachNet, Phase, runPhase, type NetShape } from './net.js';

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
  runPhase(net, phase, Atomics.load(ctrl, 2), index, T);
  Atomics.store(ctrl, 8 + index, seq);
  Atomics.notify(ctrl, 8 + index);
}
