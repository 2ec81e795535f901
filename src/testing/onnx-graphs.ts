import { foldThresholds } from '../compiler/fold-thresholds.js';
import { binarizePacked, integerForward } from '../compiler/integer-reference.js';
import { getBit } from '../model/bits.js';
import { floatForward } from '../model/float-reference.js';
import { parseModel, serializeModel } from '../model/io.js';
import type { Model } from '../model/types.js';
import { graphLayerValues, modelInputOrder, quantizeInput, type ImportResult } from '../onnx/import.js';
import { interpret } from '../onnx/interpret.js';
import { readOnnx, type AttrValue, type OnnxModel } from '../onnx/read-onnx.js';
import { DataType } from '../onnx/schema.js';
import { encodeOnnx, type ModelSpec, type TensorSpec } from '../onnx/write-onnx.js';
import { Prng } from '../util/prng.js';

/** For tests: small builders for ONNX graphs written with our writer, and the interpreter check. */
export const Q = 'qonnx.custom_op.general';
export const F = 'finn.custom_op.general';
export const f32 = (name: string, shape: number[], data: ArrayLike<number>): TensorSpec => ({ name, dtype: DataType.FLOAT, shape, data });
export const i64 = (name: string, shape: number[], data: number[]): TensorSpec => ({ name, dtype: DataType.INT64, shape, data });
export const float = (value: number): AttrValue => ({ type: 'float', value });
export const int = (value: number): AttrValue => ({ type: 'int', value });
export const ints = (value: number[]): AttrValue => ({ type: 'ints', value });
export const str = (value: string): AttrValue => ({ type: 'string', value });

/** n floats in [-1, 1) (float32), e.g. weights before BipolarQuant. */
export function randomFloats(rng: Prng, n: number): number[] {
  return Array.from({ length: n }, () => Math.fround(rng.float() * 2 - 1));
}

/** The graph input's shape with a symbolic batch dimension read as 1. */
export function graphInputShape(onnx: OnnxModel): number[] {
  return (onnx.graph.inputs[0]!.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
}

export interface InterpreterCheck {
  /** One line per disagreement (empty: the interpreter and the integer model agree everywhere). */
  mismatches: string[];
  /** The graph's predicted class of every input. */
  predictions: number[];
  /** The model's raw frames for the inputs (after the input Quant and the layout permutation). */
  frames: number[][];
  /** The imported model as written to YAML and read back. */
  model: Model;
  /** Per layer, the distinct element values seen over all inputs (a layer stuck at one value checks little). */
  distinct: number[];
}

/**
 * The interpreter on the graph vs integerForward(foldThresholds(model)) of the imported model
 * (read back from its YAML) on graph inputs xs: the binarized input, every element of every
 * layer's output (bits, multi-bit levels, pools; NCHW mapped onto channels last), and the
 * prediction; plus the model's float reference's prediction.
 */
export function checkAgainstInterpreter(graph: ModelSpec | Uint8Array, r: ImportResult, xs: ArrayLike<number>[]): InterpreterCheck {
  const onnx = readOnnx(graph instanceof Uint8Array ? graph : encodeOnnx(graph));
  const model = parseModel(serializeModel(r.model), 'imported.yaml');
  const im = foldThresholds(model);
  const shape = graphInputShape(onnx);
  const mismatches: string[] = [];
  const predictions: number[] = [];
  const frames: number[][] = [];
  const seen = r.trace.layerViews.map(() => new Set<number>());
  const bad = (s: string) => {
    if (mismatches.length < 20) mismatches.push(s);
  };
  xs.forEach((x, s) => {
    const values = interpret(onnx, { [r.trace.input]: { dtype: DataType.FLOAT, shape, data: Float64Array.from(x) } });
    const iq = r.trace.inputQuant;
    const graphRaw = iq ? Array.from(quantizeInput(iq, values.get(iq.tensor)!.data)) : Array.from(x);
    const raw = modelInputOrder(r.trace, graphRaw);
    frames.push(raw);
    const trace = integerForward(im, raw);
    if (r.trace.inputBits) {
      const inBits = binarizePacked(im, raw);
      const ib = values.get(r.trace.inputBits)!;
      const order = r.trace.inputOrder;
      // Graph element i of the binarized input is model element k with order[k] = i.
      const modelIndex = new Int32Array(raw.length).map((_, i) => i);
      if (order) order.forEach((g, k) => (modelIndex[g] = k));
      for (let i = 0; i < raw.length; i++)
        if ((ib.data[i] === 1 ? 1 : 0) !== getBit(inBits, modelIndex[i]!)) bad(`input ${s}: input bit ${i}`);
    }
    if (r.trace.layerViews.length !== trace.layerValues.length) bad(`input ${s}: ${r.trace.layerViews.length} layer tensors vs ${trace.layerValues.length} layer outputs`);
    r.trace.layerViews.forEach((view, li) => {
      const got = graphLayerValues(view, values.get(view.tensor)!);
      const want = trace.layerValues[li]!;
      if (got.length !== want.length) bad(`input ${s} layer ${li}: ${got.length} vs ${want.length} elements`);
      for (let k = 0; k < want.length; k++) {
        if (got[k] !== want[k]) bad(`input ${s} layer ${li} element ${k}: graph ${got[k]}, integer model ${want[k]}`);
        seen[li]!.add(want[k]!);
      }
    });
    const out = values.get(r.trace.output)!;
    let pred: number;
    if (r.trace.outputKind === 'index') pred = out.data[0]!;
    else {
      pred = 0;
      for (let j = 1; j < out.data.length; j++) if (out.data[j]! > out.data[pred]!) pred = j;
    }
    predictions.push(pred);
    if (pred !== trace.prediction) bad(`input ${s}: graph predicts ${pred}, integer model ${trace.prediction}`);
    const fp = floatForward(model, raw).prediction;
    if (fp !== trace.prediction) bad(`input ${s}: float reference predicts ${fp}, integer model ${trace.prediction}`);
  });
  return { mismatches, predictions, frames, model, distinct: seen.map((x) => x.size) };
}

/** Elements of a graph spec's input (a symbolic batch dimension counts 1). */
export function inputSize(spec: ModelSpec): number {
  return (spec.graph.inputs[0]!.shape ?? []).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1);
}

/** Random integer graph inputs of n elements in [lo, hi]. */
export function randomInputs(n: number, count: number, seed: number, lo = 0, hi = 255): Float64Array[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, () => Float64Array.from({ length: n }, () => lo + rng.int(hi - lo + 1)));
}
