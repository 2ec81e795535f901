import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Dataset, Split } from '../datasets/index.js';
import { BnnError } from '../errors.js';
import type { DenseLayer } from '../model/types.js';
import { Prng } from '../util/prng.js';
import { runEpochs, type EpochNet } from './epochs.js';
import { accuracyOf } from './evaluate.js';
import { exportedBatchNorm, exportModel, signRows, trainedMetadata } from './export.js';
import { Phase, runPhase } from './net.js';
import { createNet, type NetShape, type NetState } from './net-state.js';
import { integerSums, outputCode, packedLayout, rowSums, writeCode } from './packed-dense.js';
import { quantNote, trainedQuant } from './quant.js';
import { limitedTrainSet } from './train-set.js';
import type { EpochInfo, TrainConfig, TrainHooks, TrainResult } from './types.js';

/** Runs phases on the main thread and T-1 workers, synchronized through Atomics on a shared control block. */
class Pool {
  private workers: Worker[] = [];
  private ctrl: Int32Array;
  private seq = 0;
  readonly T: number;

  constructor(private net: NetState, shape: NetShape, threads: number) {
    const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));
    // Workers need the compiled worker (dist/); when run from TypeScript sources, use one thread.
    const canThread = threads > 1 && net.buffer instanceof SharedArrayBuffer && existsSync(workerFile);
    this.T = canThread ? threads : 1;
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (16 + this.T)));
    for (let w = 1; w < this.T; w++)
      this.workers.push(new Worker(workerFile, { workerData: { shape, buffer: net.buffer, ctrl: this.ctrl.buffer, index: w, T: this.T } }));
  }

  run(phase: number, l: number): void {
    if (this.T === 1) {
      runPhase(this.net, phase, l, 0, 1);
      return;
    }
    const seq = ++this.seq;
    Atomics.store(this.ctrl, 1, phase);
    Atomics.store(this.ctrl, 2, l);
    Atomics.store(this.ctrl, 0, seq);
    Atomics.notify(this.ctrl, 0);
    runPhase(this.net, phase, l, 0, this.T);
    for (let w = 1; w < this.T; w++) {
      for (;;) {
        const v = Atomics.load(this.ctrl, 8 + w);
        if (v === seq) break;
        Atomics.wait(this.ctrl, 8 + w, v, 1000);
      }
    }
    if (Atomics.load(this.ctrl, 3) !== 0) throw new Error('a training worker thread failed (see its message above)');
  }

  async close(): Promise<void> {
    if (this.T === 1) return;
    const seq = ++this.seq;
    Atomics.store(this.ctrl, 1, Phase.Exit);
    Atomics.store(this.ctrl, 0, seq);
    Atomics.notify(this.ctrl, 0);
    await Promise.all(this.workers.map((w) => new Promise((res) => w.once('exit', res))));
  }
}

/** +1 positions of a (possibly shifted) binarized image into `idx` at `off`; returns the count. */
function inputBits(img: Uint8Array, base: number, rows: number, cols: number, thr: number, dx: number, dy: number, idx: Int32Array, off: number): number {
  let c = 0;
  for (let r = 0; r < rows; r++) {
    const sr = r - dy;
    if (sr < 0 || sr >= rows) continue;
    for (let q = 0; q < cols; q++) {
      const sq = q - dx;
      if (sq < 0 || sq >= cols) continue;
      if (img[base + sr * cols + sq]! >= thr) idx[off + c++] = r * cols + q;
    }
  }
  return c;
}

/** Binarization-aware training of a dense network (threads share the kernels through a pool, results do not depend on their number). */
export async function trainDense(ds: Dataset, cfg: TrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const { arch, batch } = cfg;
  const pixels = ds.rows * ds.cols;
  if (arch[0] !== pixels)
    throw new BnnError({ code: 'USAGE', message: `the architecture's input width must equal the image size`, field: '--arch', expected: `first width ${pixels} (${ds.rows}x${ds.cols})`, got: String(arch[0]) });
  if (arch[arch.length - 1] !== ds.classes)
    throw new BnnError({ code: 'USAGE', message: `the architecture's output width must equal the number of classes`, field: '--arch', expected: `last width ${ds.classes}`, got: String(arch[arch.length - 1]) });
  if (arch.length < 3)
    throw new BnnError({ code: 'USAGE', message: 'at least one hidden layer is needed', field: '--arch', expected: 'e.g. 784-64-10' });
  const trainSet = limitedTrainSet(ds, cfg.trainLimit);
  const thr = cfg.inputThreshold ?? 128;
  const quant = trainedQuant(cfg.actBits ?? 1);
  const shape: NetShape = { arch, batch, ...(quant ? { quant } : {}) };
  const net = createNet(shape, cfg.threads > 1);
  const rng = new Prng(cfg.seed);

  // Initialization: latent weights uniform in ±sqrt(6/(n+m)) (Glorot), gamma 1, beta 0, running var 1.
  for (const L of net.layers) {
    const a = Math.sqrt(6 / (L.n + L.m));
    for (let k = 0; k < L.w.length; k++) L.w[k] = (2 * rng.float() - 1) * a;
    if (L.hidden) {
      L.gamma.fill(1);
      L.runVar.fill(1);
    }
  }
  const last = net.layers[net.layers.length - 1]!;
  const L0 = net.layers[0]!;

  const pool = new Pool(net, shape, cfg.threads);
  let epochsInfo: EpochInfo[];
  try {
    pool.run(Phase.BinarizeAll, 0);
    const epochNet: EpochNet = {
      load(b, sample, dx, dy) {
        L0.onCnt[b] = inputBits(trainSet.images, sample * pixels, ds.rows, ds.cols, thr, dx, dy, L0.onIdx, b * pixels);
      },
      forward(B, momentum) {
        net.scal[0] = B;
        net.scal[4] = momentum;
        for (let l = 0; l < net.layers.length; l++) {
          pool.run(Phase.Forward, l);
          if (net.layers[l]!.hidden) pool.run(Phase.Sign, l);
        }
        return last.z;
      },
      dScores: last.dz,
      backward() {
        for (let l = net.layers.length - 1; l >= 0; l--) pool.run(Phase.Backward, l);
      },
      update(step, lr) {
        net.scal[1] = step;
        net.scal[2] = lr;
        pool.run(Phase.Update, 0);
      },
      setScale(scale) {
        net.scal[3] = scale;
      },
      testAccuracy: () => accuracyOf(exportModel(net, cfg, {}), ds.test.images, ds.test.labels, ds.test.count),
    };
    epochsInfo = runEpochs(epochNet, cfg, trainSet, last.m, last.n, rng, hooks);
  } finally {
    await pool.close();
  }
  const runningModel = exportModel(net, cfg, {});
  const runningTestAccuracy = accuracyOf(runningModel, ds.test.images, ds.test.labels, ds.test.count);
  recalibrate(net, trainSet, pixels, thr);
  const trainSeconds = (performance.now() - t0) / 1000;
  const probe = exportModel(net, cfg, {});
  const trainAccuracy = accuracyOf(probe, trainSet.images, trainSet.labels, trainSet.count);
  const testAccuracy = accuracyOf(probe, ds.test.images, ds.test.labels, ds.test.count);
  const metadata = trainedMetadata(ds, cfg, arch.join('-'), { inputThreshold: thr, ...(quant ? { actBits: quant.bits } : {}) }, trainSet.count, { trainAccuracy, testAccuracy },
    quant
      ? `Quantization-aware training (sign + straight-through estimator on weights; BatchNorm then ${quantNote(quant)} on hidden activations); the exported BatchNorm mean/var are population statistics of the final weights over the training images. Accuracies are of this exported model, exactly as the float reference computes it.`
      : 'Binarization-aware training (sign + straight-through estimator on weights and activations, BatchNorm); the exported BatchNorm mean/var are population statistics of the final weights over the training images. Accuracies are of this exported model, exactly as the float reference computes it.',
  );
  const model = exportModel(net, cfg, metadata);
  return { model, trainAccuracy, testAccuracy, runningTestAccuracy, seconds: (performance.now() - t0) / 1000, trainSeconds, epochs: epochsInfo };
}

/**
 * BatchNorm recalibration: replace the running (exponentially averaged, lagging) statistics by
 * the exact population mean and variance of every hidden layer's dot products (dot = s for a
 * layer reading bits, outScale·s for one reading A-bit elements, s the exact integer sum) over
 * the training images (no augmentation), layer by layer, each layer seeing the previous layers'
 * exported (recalibrated, rounded) outputs — i.e. the statistics of the network that is exported.
 */
export function recalibrate(net: NetState, set: Split, pixels: number, thr: number): void {
  const count = set.count;
  let inLayout = packedLayout(pixels, undefined);
  let acts = new Uint32Array(count * inLayout.stride);
  for (let s = 0; s < count; s++)
    for (let i = 0; i < pixels; i++) if (set.images[s * pixels + i]! >= thr) acts[s * inLayout.stride + (i >>> 5)]! |= 1 << (i & 31);
  for (const L of net.layers) {
    if (!L.hidden) break;
    const layer: DenseLayer = { kind: 'dense', name: 'recalibrate', inputs: L.n, outputs: L.m, weights: signRows(L.w, L.n, L.m), activation: { kind: 'none' } };
    const rowSum = rowSums(layer);
    const sums = new Int32Array(count * L.m);
    const sum = new Float64Array(L.m);
    const sumSq = new Float64Array(L.m);
    for (let s = 0; s < count; s++) {
      const z = sums.subarray(s * L.m, (s + 1) * L.m);
      integerSums(layer, rowSum, inLayout, acts, s * inLayout.stride, z);
      for (let j = 0; j < L.m; j++) {
        const d = inLayout.scale * z[j]!;
        sum[j] += d;
        sumSq[j] += d * d;
      }
    }
    for (let j = 0; j < L.m; j++) {
      const mean = sum[j]! / count;
      L.runMean[j] = mean;
      L.runVar[j] = Math.max(sumSq[j]! / count - mean * mean, 0);
    }
    // The next layer's input: this layer's outputs, with the exported (rounded) parameters.
    const a = exportedBatchNorm(L, L.outQuant);
    const outLayout = packedLayout(L.m, L.outQuant);
    const next = new Uint32Array(count * outLayout.stride);
    for (let s = 0; s < count; s++)
      for (let j = 0; j < L.m; j++) writeCode(outLayout, next, s * outLayout.stride, j, outputCode(a, j, sums[s * L.m + j]!, inLayout));
    acts = next;
    inLayout = outLayout;
  }
}
