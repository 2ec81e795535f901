import type { Direction, Model } from '../model/types.js';

/**
 * The integer form every backend consumes: per layer, packed weights and per-neuron
 * (threshold, direction) on the popcount p = popcount(XNOR(w, x)), or raw scores.
 */
export interface IntegerLayer {
  name: string;
  kind: 'dense';
  inputs: number;
  outputs: number;
  weights: Uint32Array[];
  /** undefined: the layer outputs its popcounts as scores (argmax follows). */
  thresholds?: { value: Int32Array; direction: Direction[] };
}

export interface IntegerModel {
  name: string;
  input: Model['input'];
  layers: IntegerLayer[];
}
