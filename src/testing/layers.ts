import type { IntegerEngineLayer, IntegerModel } from '../model/integer-model.js';
import type { DenseLayer, Model, ThresholdEncoding } from '../model/types.js';

/**
 * For tests: typed access to the parts of a model that a test expects to be of one kind. Each
 * throws a clear Error (failing the test) when the model is not as expected, instead of the
 * test reading an absent field as undefined.
 */

function layerAt<L extends { kind: string; name: string }>(layers: readonly L[], i: number): L {
  const l = layers[i];
  if (l === undefined) throw new Error(`expected a layer ${i}, but the model has ${layers.length} layers`);
  return l;
}

/** Layer i of the model, which must be a dense layer. */
export function denseLayer(model: Pick<Model, 'layers'>, i: number): DenseLayer {
  const l = layerAt(model.layers, i);
  if (l.kind !== 'dense') throw new Error(`expected layer ${i} (${l.name}) to be dense, but it is ${l.kind}`);
  return l;
}

/** Every layer of the model, each of which must be a dense layer. */
export function denseLayers(model: Pick<Model, 'layers'>): DenseLayer[] {
  return model.layers.map((_, i) => denseLayer(model, i));
}

/** The model's input encoding, which must be a threshold encoding. */
export function thresholdEncoding(model: Pick<Model, 'input'>): ThresholdEncoding {
  const e = model.input.encoding;
  if (e.kind !== 'threshold') throw new Error(`expected a threshold input encoding, but it is ${e.kind}`);
  return e;
}

/** Layer i of the integer model, which must be an engine (dense or conv2d) layer, not a pool. */
export function engineLayer(im: Pick<IntegerModel, 'layers'>, i: number): IntegerEngineLayer {
  const l = layerAt(im.layers, i);
  if (l.kind === 'maxpool2d') throw new Error(`expected layer ${i} (${l.name}) to be an engine layer, but it is maxpool2d`);
  return l;
}
