import type { ImportOptions, InputQuant, LayerView } from '../import-types.js';
import type { OnnxModel, OnnxNode } from '../read-onnx.js';
import type { PendingLayer, Sym } from '../symbols.js';

/** What the walk over the graph has found so far; handlers read and extend it. */
export interface ImportState {
  onnx: OnnxModel;
  opts: ImportOptions;
  file?: string;
  /** The graph input's name and shape (batch dimension first). */
  inputName: string;
  inShape: number[];
  /** The raw input's declared width, asked only when the raw input is binarized. */
  rawInput(): { rawBits: number; rawNote: string };
  layers: PendingLayer[];
  /** What was folded into what, for the user. */
  folded: string[];
  encodingThreshold?: number;
  inputQuant?: InputQuant;
  inputBits: string;
  /** The model's input shape and order, fixed by the first layer (a convolution reads [H, W, C]). */
  modelInput?: { shape: number[]; order?: Int32Array };
  /** The node that reads the binarized or quantized input. */
  inputConsumedBy?: string;
  layerOutputs: string[];
  layerViews: LayerView[];
  /** The layer whose output is the prediction (-1 until found). */
  finalLayer: number;
}

/**
 * How the importer handles one ONNX op type (hls4ml-style: one handler per op, no switch).
 * `check` runs before constant folding (a constant-only node is evaluated by the interpreter and
 * never reaches `apply`); `apply` maps the node's symbolic inputs to its symbolic outputs.
 */
export interface OpHandler {
  check?(node: OnnxNode, ins: (Sym | undefined)[], st: ImportState): void;
  apply(node: OnnxNode, ins: (Sym | undefined)[], st: ImportState): Sym[];
}

export function annotationOf(onnx: OnnxModel, tensorName: string): string | undefined {
  return onnx.graph.annotations.get(tensorName)?.finn_datatype;
}
