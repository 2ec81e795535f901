import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Dataset, Split } from '../datasets/index.js';
import { BnnError } from '../errors.js';
import { batchNormFires } from '../model/batchnorm.js';
import { packBits, wordsFor, xnorPopcount } from '../model/bits.js';
import type { DenseLayer, Model } from '../model/types.js';
import { Prng } from '../util/prng.js';
import { accuracyOf } from './evaluate.js';
import { ADAM_B1, ADAM_B2, ADAM_EPS, BN_EPS, BN_MOMENTUM, createNet, Phase, runPhase, type NetShape, type NetState } from './net.js';

export interface TrainConfig {
  name: string;
  arch: number[];
  epochs: number;
  seed: number;
  batch: number;
  lr: number;
  augment: boolean;
  /** Threads to use (1 = main thread only). Results do not depend on it. */
  threads: number;
  /** Use only the first N training images (tests, quick runs). */
  trainLimit?: number;
  /** The command line recorded in the metadata. */
  command?: string;
  /** Input threshold: pixel >= threshold is bit 1 (+1). */
  inputThreshold?: number;
}

export interface BatchInfo {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  elapsed: number;
}

export interface EpochInfo {
  epoch: number;
  epochs: number;
  loss: number;
  /** Running accuracy on the training batches (training-mode BatchNorm, augmented). */
  batchAccuracy: number;
  /** Exported model (running statistics) on the test set. */
  testAccuracy: number;
  seconds: number;
}

export interface TrainResult {
  model: Model;
  trainAccuracy: number;
  testAccuracy: number;
  /** Test accuracy with the running BatchNorm statistics, before recalibration. */
  runningTestAccuracy: number;
  seconds: number;
  trainSeconds: number;
  epochs: EpochInfo[];
}

export interface TrainHooks {
  onBatch?(info: BatchInfo): void;
  onEpoch?(info: EpochInfo): void;
}

/** Parse `784-256-256-10`. */
export function parseArch(s: string): number[] {
  const parts = s.split('-');
  const arch = parts.map((p) => (/^[1-9][0-9]*$/.test(p) ? Number(p) : NaN));
  if (arch.length < 2 || arch.some((n) => !Number.isSafeInteger(n) || n > 1 << 20))
    throw new BnnError({ code: 'USAGE', message: `invalid architecture ${JSON.stringify(s)}`, field: '--arch', expected: 'layer widths joined by "-", e.g. 784-256-256-256-10' });
  return arch;
}

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

const round7 = (x: number) => Number(x.toPrecision(7));

/** The exported model: sign(w) rows, BatchNorm with running statistics, last layer scores + scale. */
export function exportModel(net: NetState, cfg: TrainConfig, metadata: Record<string, unknown>): Model {
  const layers: DenseLayer[] = net.layers.map((L, li) => {
    const weights: Uint32Array[] = [];
    const bits = new Uint8Array(L.n);
    for (let j = 0; j < L.m; j++) {
      for (let i = 0; i < L.n; i++) bits[i] = L.w[i * L.m + j]! >= 0 ? 1 : 0;
      weights.push(packBits(bits));
    }
    const arr = (a: ArrayLike<number>) => Array.from(a, round7);
    return {
      kind: 'dense',
      name: `fc${li}`,
      inputs: L.n,
      outputs: L.m,
      weights,
      activation: L.hidden
        ? { kind: 'batchnorm', gamma: arr(L.gamma), beta: arr(L.beta), mean: arr(L.runMean), var: arr(L.runVar), eps: BN_EPS }
        : { kind: 'none', scale: round7(net.scal[3]!) },
    };
  });
  return {
    format: 'bnn-model',
    version: 1,
    name: cfg.name,
    metadata,
    input: { shape: [cfg.arch[0]!], encoding: { kind: 'threshold', threshold: cfg.inputThreshold ?? 128 }, rawBits: 8 },
    layers,
  };
}

export async function train(ds: Dataset, cfg: TrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const { arch, batch } = cfg;
  const pixels = ds.rows * ds.cols;
  if (arch[0] !== pixels)
    throw new BnnError({ code: 'USAGE', message: `the architecture's input width must equal the image size`, field: '--arch', expected: `first width ${pixels} (${ds.rows}x${ds.cols})`, got: String(arch[0]) });
  if (arch[arch.length - 1] !== ds.classes)
    throw new BnnError({ code: 'USAGE', message: `the architecture's output width must equal the number of classes`, field: '--arch', expected: `last width ${ds.classes}`, got: String(arch[arch.length - 1]) });
  if (arch.length < 3)
    throw new BnnError({ code: 'USAGE', message: 'at least one hidden layer is needed', field: '--arch', expected: 'e.g. 784-64-10' });
  const trainSet: Split = cfg.trainLimit !== undefined && cfg.trainLimit < ds.train.count
    ? { images: ds.train.images.subarray(0, cfg.trainLimit * pixels), labels: ds.train.labels.subarray(0, cfg.trainLimit), count: cfg.trainLimit }
    : ds.train;
  const thr = cfg.inputThreshold ?? 128;
  const shape: NetShape = { arch, batch };
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
  const classes = last.m;
  let logScale = -0.5 * Math.log(last.n); // scores·scale has unit scale at the start
  let mS = 0;
  let vS = 0;
  net.scal[3] = Math.exp(logScale);

  const pool = new Pool(net, shape, cfg.threads);
  const epochsInfo: EpochInfo[] = [];
  try {
    pool.run(Phase.BinarizeAll, 0);
    const perm = new Int32Array(trainSet.count);
    for (let i = 0; i < perm.length; i++) perm[i] = i;
    const batches = Math.ceil(trainSet.count / batch);
    const totalSteps = batches * cfg.epochs;
    const lrMin = cfg.lr / 100;
    const probs = new Float64Array(classes);
    let step = 0;
    const L0 = net.layers[0]!;
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const te = performance.now();
      rng.shuffle(perm);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let bi = 0; bi < batches; bi++) {
        const start = bi * batch;
        const B = Math.min(batch, trainSet.count - start);
        net.scal[0] = B;
        // Running statistics: a plain average over the first batches, then an exponential one.
        net.scal[4] = Math.max(BN_MOMENTUM, 1 / (step + 1));
        for (let b = 0; b < B; b++) {
          const s = perm[start + b]!;
          let dx = 0;
          let dy = 0;
          if (cfg.augment) {
            dx = rng.int(5) - 2;
            dy = rng.int(5) - 2;
          }
          L0.onCnt[b] = inputBits(trainSet.images, s * pixels, ds.rows, ds.cols, thr, dx, dy, L0.onIdx, b * pixels);
        }
        // Forward.
        for (let l = 0; l < net.layers.length; l++) {
          pool.run(Phase.Forward, l);
          if (net.layers[l]!.hidden) pool.run(Phase.Sign, l);
        }
        // Softmax cross-entropy on scale·scores; gradient wrt the scores into last.dz.
        const scale = Math.exp(logScale);
        let dLogScale = 0;
        for (let b = 0; b < B; b++) {
          const label = trainSet.labels[perm[start + b]!]!;
          const zb = b * classes;
          let mx = -Infinity;
          let arg = 0;
          for (let j = 0; j < classes; j++) {
            const v = last.z[zb + j]!;
            if (v > mx) {
              mx = v;
              arg = j;
            }
          }
          if (arg === label) correct++;
          let sum = 0;
          for (let j = 0; j < classes; j++) {
            const e = Math.exp(scale * (last.z[zb + j]! - mx));
            probs[j] = e;
            sum += e;
          }
          lossSum += -Math.log(probs[label]! / sum);
          for (let j = 0; j < classes; j++) {
            const g = (probs[j]! / sum - (j === label ? 1 : 0)) / B;
            dLogScale += g * last.z[zb + j]! * scale;
            last.dz[zb + j] = g * scale;
          }
        }
        seen += B;
        // Backward.
        for (let l = net.layers.length - 1; l >= 0; l--) pool.run(Phase.Backward, l);
        // Update with a cosine learning-rate schedule.
        step++;
        const lr = lrMin + 0.5 * (cfg.lr - lrMin) * (1 + Math.cos((Math.PI * (step - 1)) / totalSteps));
        net.scal[1] = step;
        net.scal[2] = lr;
        pool.run(Phase.Update, 0);
        mS = ADAM_B1 * mS + (1 - ADAM_B1) * dLogScale;
        vS = ADAM_B2 * vS + (1 - ADAM_B2) * dLogScale * dLogScale;
        logScale -= (lr * mS / (1 - Math.pow(ADAM_B1, step))) / (Math.sqrt(vS / (1 - Math.pow(ADAM_B2, step))) + ADAM_EPS);
        net.scal[3] = Math.exp(logScale);
        hooks.onBatch?.({ epoch, epochs: cfg.epochs, batch: bi + 1, batches, loss: lossSum / seen, accuracy: correct / seen, elapsed: (performance.now() - te) / 1000 });
      }
      const model = exportModel(net, cfg, {});
      const testAccuracy = accuracyOf(model, ds.test.images, ds.test.labels, ds.test.count);
      const info: EpochInfo = { epoch, epochs: cfg.epochs, loss: lossSum / seen, batchAccuracy: correct / seen, testAccuracy, seconds: (performance.now() - te) / 1000 };
      epochsInfo.push(info);
      hooks.onEpoch?.(info);
    }
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
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const metadata: Record<string, unknown> = {
    source: 'trained',
    dataset: ds.name,
    datasetDescription: ds.description,
    arch: arch.join('-'),
    epochs: cfg.epochs,
    seed: cfg.seed,
    batch: cfg.batch,
    lr: cfg.lr,
    augment: cfg.augment,
    inputThreshold: thr,
    trainImages: trainSet.count,
    testImages: ds.test.count,
    trainAccuracy: r4(trainAccuracy),
    testAccuracy: r4(testAccuracy),
    ...(cfg.command ? { command: cfg.command } : {}),
    note: 'Binarization-aware training (sign + straight-through estimator on weights and activations, BatchNorm); the exported BatchNorm mean/var are population statistics of the final weights over the training images. Accuracies are of this exported model, exactly as the float reference computes it.',
  };
  const model = exportModel(net, cfg, metadata);
  return { model, trainAccuracy, testAccuracy, runningTestAccuracy, seconds: (performance.now() - t0) / 1000, trainSeconds, epochs: epochsInfo };
}

/**
 * BatchNorm recalibration: replace the running (exponentially averaged, lagging) statistics by
 * the exact population mean and variance of every hidden layer's ±1 dot products over the
 * training images (no augmentation), layer by layer, each layer seeing the previous layers'
 * exported (recalibrated) outputs — i.e. the statistics of the network that is exported.
 */
export function recalibrate(net: NetState, set: Split, pixels: number, thr: number): void {
  const count = set.count;
  let words = wordsFor(pixels);
  let acts = new Uint32Array(count * words);
  for (let s = 0; s < count; s++)
    for (let i = 0; i < pixels; i++) if (set.images[s * pixels + i]! >= thr) acts[s * words + (i >>> 5)]! |= 1 << (i & 31);
  for (const L of net.layers) {
    if (!L.hidden) break;
    const rows: Uint32Array[] = [];
    const bits = new Uint8Array(L.n);
    for (let j = 0; j < L.m; j++) {
      for (let i = 0; i < L.n; i++) bits[i] = L.w[i * L.m + j]! >= 0 ? 1 : 0;
      rows.push(packBits(bits));
    }
    const dots = new Int32Array(count * L.m);
    const sum = new Float64Array(L.m);
    const sumSq = new Float64Array(L.m);
    for (let s = 0; s < count; s++) {
      const x = acts.subarray(s * words, (s + 1) * words);
      for (let j = 0; j < L.m; j++) {
        const d = 2 * xnorPopcount(rows[j]!, x, L.n) - L.n;
        dots[s * L.m + j] = d;
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
    const a = { gamma: Array.from(L.gamma, round7), beta: Array.from(L.beta, round7), mean: Array.from(L.runMean, round7), var: Array.from(L.runVar, round7), eps: BN_EPS };
    const outWords = wordsFor(L.m);
    const next = new Uint32Array(count * outWords);
    for (let s = 0; s < count; s++)
      for (let j = 0; j < L.m; j++) {
        if (batchNormFires(a, j, dots[s * L.m + j]!)) next[s * outWords + (j >>> 5)]! |= 1 << (j & 31);
      }
    acts = next;
    words = outWords;
  }
}
