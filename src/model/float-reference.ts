import { getBit, wordsFor } from './bits.js';
import type { Model } from './types.js';

/**
 * The float reference: ±1 arithmetic and BatchNorm in IEEE double, exactly as docs/model-format.md
 * defines the network. Deliberately naive (element by element) so it shares no code with the
 * bit-packed integer path it checks.
 */
export interface FloatTrace {
  /** Output bits (0/1) of every thresholded layer, then the final scores. */
  layerBits: Uint8Array[];
  scores: Float64Array;
  prediction: number;
}

export function binarizeInput(model: Model, raw: ArrayLike<number>): Uint8Array {
  const t = model.input.encoding.threshold;
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]! >= t ? 1 : 0;
  return out;
}

export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}

export function floatForward(model: Model, raw: ArrayLike<number>): FloatTrace {
  let x = binarizeInput(model, raw);
  const layerBits: Uint8Array[] = [];
  let scores = new Float64Array(0);
  for (const layer of model.layers) {
    const dots = new Float64Array(layer.outputs);
    for (let j = 0; j < layer.outputs; j++) {
      const row = layer.weights[j]!;
      let dot = 0;
      for (let i = 0; i < layer.inputs; i++) dot += (2 * getBit(row, i) - 1) * (2 * x[i]! - 1);
      dots[j] = dot;
    }
    const a = layer.activation;
    if (a.kind === 'none') {
      scores = dots;
      break;
    }
    const y = new Uint8Array(layer.outputs);
    for (let j = 0; j < layer.outputs; j++) {
      if (a.kind === 'batchnorm') {
        const v = (a.gamma[j]! * (dots[j]! + (a.bias?.[j] ?? 0) - a.mean[j]!)) / Math.sqrt(a.var[j]! + a.eps) + a.beta[j]!;
        y[j] = v >= 0 ? 1 : 0;
      } else {
        const p = (dots[j]! + layer.inputs) / 2;
        y[j] = (a.direction[j] === 'ge' ? p >= a.thresholds[j]! : p <= a.thresholds[j]!) ? 1 : 0;
      }
    }
    layerBits.push(y);
    x = y;
  }
  if (scores.length === 0) scores = Float64Array.from(x);
  return { layerBits, scores, prediction: argmax(scores) };
}

export { wordsFor };
