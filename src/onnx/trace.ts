import type { ImportTrace, LayerView } from './import-types.js';
import type { Tensor } from './tensor.js';

/**
 * Reading the graph with the imported model's eyes: the model's raw frame from the graph's input
 * values, and a layer's output elements (bits 0/1 or integers u, channels last) from the tensor
 * the interpreter computed for it. The tests compare these with the integer reference.
 */

/** Values in the graph input's (or the input Quant's) flat order → the model's raw element order. */
export function modelInputOrder<T extends ArrayLike<number>>(trace: Pick<ImportTrace, 'inputOrder'>, values: T): number[] {
  const order = trace.inputOrder;
  return Array.from({ length: values.length }, (_, k) => values[order ? order[k]! : k]!);
}

/** A layer's graph tensor as the model's elements; a value that is no level of the layer is an Error. */
export function graphLayerValues(view: LayerView, t: Tensor): Int32Array {
  const out = new Int32Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i]!;
    let e: number;
    if (!view.levels) {
      if (v !== 1 && v !== -1) throw new Error(`${view.tensor}[${i}] = ${v} is not ±1`);
      e = v === 1 ? 1 : 0;
    } else {
      const k = view.levels.values.indexOf(v);
      if (k < 0) throw new Error(`${view.tensor}[${i}] = ${v} is none of the levels ${view.levels.values.join(', ')}`);
      e = view.levels.min + k;
    }
    out[view.order ? view.order[i]! : i] = e;
  }
  return out;
}
