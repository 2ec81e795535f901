import type { Split } from '../datasets/index.js';
import type { Prng } from '../util/prng.js';
import { ADAM_B1, ADAM_B2, ADAM_EPS } from './adam.js';
import { BN_MOMENTUM } from './net.js';
import type { EpochInfo, TrainHooks } from './types.js';

/** What the epoch loop asks of a network (dense or convolutional) for one mini-batch. */
export interface EpochNet {
  /** Place training sample `sample`, shifted by (dx, dy), at batch row b. */
  load(b: number, sample: number, dx: number, dy: number): void;
  /** Forward the first B rows with this running-statistics momentum; the last layer's scores [B, classes]. */
  forward(B: number, momentum: number): ArrayLike<number>;
  /** Where the gradient wrt the scores goes. */
  dScores: { [i: number]: number };
  backward(B: number): void;
  /** Adam step `step` of the weights and BatchNorm parameters at learning rate lr. */
  update(step: number, lr: number): void;
  /** The score scale exp(logScale), for export. */
  setScale(scale: number): void;
  /** Accuracy of the exported network (running statistics) on the test set. */
  testAccuracy(): number;
}

export interface EpochConfig {
  epochs: number;
  batch: number;
  lr: number;
  augment: boolean;
}

/**
 * The training loop both trainers share: per epoch a shuffle, then per mini-batch the inputs
 * (random shifts of up to ±2 pixels with `augment`), forward, softmax cross-entropy on
 * scale·scores with a learned log-scale, backward and Adam with a cosine learning-rate schedule
 * down to lr/100. The order of random draws and of float operations is fixed, so a seed gives
 * bit-identical models.
 */
export function runEpochs(net: EpochNet, cfg: EpochConfig, trainSet: Split, classes: number, lastFanIn: number, rng: Prng, hooks: TrainHooks): EpochInfo[] {
  const { batch } = cfg;
  let logScale = -0.5 * Math.log(lastFanIn); // scores·scale has unit scale at the start
  let mS = 0;
  let vS = 0;
  net.setScale(Math.exp(logScale));
  const perm = new Int32Array(trainSet.count);
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  const batches = Math.ceil(trainSet.count / batch);
  const totalSteps = batches * cfg.epochs;
  const lrMin = cfg.lr / 100;
  const probs = new Float64Array(classes);
  const epochsInfo: EpochInfo[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const te = performance.now();
    rng.shuffle(perm);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (let bi = 0; bi < batches; bi++) {
      const start = bi * batch;
      const B = Math.min(batch, trainSet.count - start);
      // Running statistics: a plain average over the first batches, then an exponential one.
      const momentum = Math.max(BN_MOMENTUM, 1 / (step + 1));
      for (let b = 0; b < B; b++) {
        let dx = 0;
        let dy = 0;
        if (cfg.augment) {
          dx = rng.int(5) - 2;
          dy = rng.int(5) - 2;
        }
        net.load(b, perm[start + b]!, dx, dy);
      }
      const z = net.forward(B, momentum);
      const dz = net.dScores;
      // Softmax cross-entropy on scale·scores; gradient wrt the scores into dz.
      const scale = Math.exp(logScale);
      let dLogScale = 0;
      for (let b = 0; b < B; b++) {
        const label = trainSet.labels[perm[start + b]!]!;
        const zb = b * classes;
        let mx = -Infinity;
        let arg = 0;
        for (let j = 0; j < classes; j++) {
          const v = z[zb + j]!;
          if (v > mx) {
            mx = v;
            arg = j;
          }
        }
        if (arg === label) correct++;
        let sum = 0;
        for (let j = 0; j < classes; j++) {
          const e = Math.exp(scale * (z[zb + j]! - mx));
          probs[j] = e;
          sum += e;
        }
        lossSum += -Math.log(probs[label]! / sum);
        for (let j = 0; j < classes; j++) {
          const g = (probs[j]! / sum - (j === label ? 1 : 0)) / B;
          dLogScale += g * z[zb + j]! * scale;
          dz[zb + j] = g * scale;
        }
      }
      seen += B;
      net.backward(B);
      step++;
      const lr = lrMin + 0.5 * (cfg.lr - lrMin) * (1 + Math.cos((Math.PI * (step - 1)) / totalSteps));
      net.update(step, lr);
      mS = ADAM_B1 * mS + (1 - ADAM_B1) * dLogScale;
      vS = ADAM_B2 * vS + (1 - ADAM_B2) * dLogScale * dLogScale;
      logScale -= (lr * mS) / (1 - Math.pow(ADAM_B1, step)) / (Math.sqrt(vS / (1 - Math.pow(ADAM_B2, step))) + ADAM_EPS);
      net.setScale(Math.exp(logScale));
      hooks.onBatch?.({ epoch, epochs: cfg.epochs, batch: bi + 1, batches, loss: lossSum / seen, accuracy: correct / seen, elapsed: (performance.now() - te) / 1000 });
    }
    const testAccuracy = net.testAccuracy();
    const info: EpochInfo = { epoch, epochs: cfg.epochs, loss: lossSum / seen, batchAccuracy: correct / seen, testAccuracy, seconds: (performance.now() - te) / 1000 };
    epochsInfo.push(info);
    hooks.onEpoch?.(info);
  }
  return epochsInfo;
}
