import { basename } from 'node:path';
import { BnnError } from '../errors.js';
import { legalName } from '../model/names.js';
import type { Activation, Layer, Model } from '../model/types.js';
import { OP_HANDLERS } from './handlers/index.js';
import { annotationOf, type ImportState } from './handlers/state.js';
import type { ImportOptions, ImportResult } from './import-types.js';
import { finalScores } from './fold-chain.js';
import { execNode } from './interpret.js';
import { invalid, isCustomDomain, unsupported } from './ops.js';
import { readOnnx, readOnnxFile, type OnnxModel, type OnnxNode } from './read-onnx.js';
import { DATA_TYPE_NAMES, DataType } from './schema.js';
import { describe, type Sym } from './symbols.js';
import { checkLimit, product } from '../limits.js';
import type { Tensor } from './tensor.js';

export type { ImportOptions, ImportResult, ImportTrace, InputQuant, LayerView } from './import-types.js';
export { graphLayerValues, modelInputOrder } from './trace.js';
export { quantizeInput } from './handlers/quant.js';

/**
 * FINN-ONNX / QONNX → model format v1: the driver.
 *
 * The graph is walked once in topological order with a symbolic value per tensor (symbols.ts):
 *  - `const`: known at import time (initializers and everything computed only from them, folded
 *    with the interpreter's own operator code — e.g. BipolarQuant on weights);
 *  - `raw`: the graph input followed by a chain of element-wise steps;
 *  - `bits`: ±1 elements made by a sign (of the raw input: the input encoding; of a layer);
 *  - `ints`: integer elements: the input Quant's q (a fixed-point first layer) or a layer's
 *    multi-bit activation (MultiThreshold with several thresholds, Quant of 2..4 bits);
 *  - `acc`: a layer's accumulator (bipolar MatMul/Gemm/Conv) followed by element-wise steps.
 * Every non-constant tensor also knows which element of the stored vector (graph input, or a
 * layer's output in the model's channels-last order) each of its ONNX elements is, so NCHW
 * tensors, transposes and flattens map exactly onto the model's order. Each op type has its
 * handler in handlers/ (the table in handlers/index.ts); a thresholding node on a chain is folded
 * exactly into integers by fold-chain.ts. Nothing is approximated: any op, value or pattern that
 * does not fold exactly is rejected with the node that stops it.
 */

export function importOnnxFile(file: string, opts: ImportOptions = {}): ImportResult {
  return importOnnxModel(readOnnxFile(file), { ...opts, file: opts.file ?? file });
}

export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): ImportResult {
  return importOnnxModel(readOnnx(bytes, opts.file), opts);
}

export function importOnnxModel(onnx: OnnxModel, opts: ImportOptions = {}): ImportResult {
  const file = opts.file;
  const g = onnx.graph;
  const syms = new Map<string, Sym>();
  for (const [k, t] of g.initializers) syms.set(k, { kind: 'const', t });

  const { gin, inShape } = graphInput(g, file);
  let rawDecl: { rawBits: number; rawNote: string } | undefined;
  const inElemType = gin.elemType ?? DataType.FLOAT;
  syms.set(gin.name, { kind: 'raw', shape: inShape, dtype: inElemType, steps: [], nodes: [] });

  const st: ImportState = {
    onnx,
    opts,
    file,
    inputName: gin.name,
    inShape,
    // Asked only when the raw input is binarized (a fixed-point input takes its width from the Quant).
    rawInput: () => (rawDecl ??= inputRawBits(onnx, gin.name, gin.elemType, opts.rawBits, file)),
    layers: [],
    folded: [],
    inputBits: '',
    layerOutputs: [],
    layerViews: [],
    finalLayer: -1,
  };
  const customUsed = new Set<string>();

  const get = (node: OnnxNode, name: string): Sym => {
    const s = syms.get(name);
    if (!s) invalid(node, `input ${name} is not produced before this node (graph not topologically sorted, or missing)`, file);
    return s;
  };

  for (const node of g.nodes) {
    if (isCustomDomain(node.domain)) customUsed.add(node.domain);
    const ins = node.inputs.map((n) => (n === '' ? undefined : get(node, n)));
    const set = (i: number, s: Sym) => {
      if (node.outputs[i]) syms.set(node.outputs[i]!, s);
    };
    const handler = OP_HANDLERS.get(node.opType);
    handler?.check?.(node, ins, st);

    // Constant folding with the interpreter's own operator code.
    if (ins.every((s) => s === undefined || s.kind === 'const')) {
      const outs = execNode(node, ins.map((s) => (s as { t: Tensor } | undefined)?.t), file);
      outs.forEach((t, i) => set(i, { kind: 'const', t }));
      continue;
    }
    if (!isCustomDomain(node.domain) && node.domain !== '' && node.domain !== 'ai.onnx')
      unsupported(node, `operator domain ${node.domain} is not supported`, file);
    if (!handler) unsupported(node, 'operator not supported by the importer', file);
    handler.apply(node, ins, st).forEach((s, i) => set(i, s));
  }

  return assemble(onnx, st, syms, customUsed);
}

function inputRawBits(onnx: OnnxModel, name: string, elemType: number | undefined, override: number | undefined, file?: string): { rawBits: number; rawNote: string } {
  const ann = annotationOf(onnx, name);
  let bits: number | undefined;
  let note = '';
  if (ann) {
    const m = /^UINT(\d+)$/.exec(ann);
    if (m) bits = Number(m[1]);
    else if (ann === 'BINARY') bits = 1;
    note = `${ann} (quantization annotation finn_datatype)`;
  }
  if (bits === undefined) {
    if (elemType === DataType.UINT8) bits = 8;
    else if (elemType === DataType.UINT16) bits = 16;
    if (bits !== undefined) note = `${DATA_TYPE_NAMES[elemType!]} (element type)`;
  }
  if (override !== undefined) {
    if (!Number.isInteger(override) || override < 1 || override > 16)
      throw new BnnError({ code: 'USAGE', message: 'raw input width must be an integer 1..16', field: 'rawBits', got: String(override) });
    if (bits !== undefined && bits !== override)
      throw new BnnError({ code: 'IMPORT_INVALID', message: `the graph declares ${note} for input ${name}, not ${override}-bit`, file, field: `graph.input ${name}` });
    return { rawBits: override, rawNote: bits !== undefined ? note : `UINT${override} (given)` };
  }
  if (bits === undefined || bits < 1 || bits > 16)
    throw new BnnError({
      code: 'IMPORT_UNSUPPORTED',
      message: `input ${name} is not declared as unsigned integers (element type ${DATA_TYPE_NAMES[elemType ?? 0] ?? elemType}${ann ? `, finn_datatype ${ann}` : ''}); raw inputs must be UINT1..UINT16 (give the width with --raw-bits if the values are such integers)`,
      file,
      field: `graph.input ${name}`,
    });
  return { rawBits: bits, rawNote: note };
}

/** The graph's one real input and its shape (a symbolic batch dimension read as 1). */
function graphInput(g: OnnxModel['graph'], file?: string) {
  const realInputs = g.inputs.filter((v) => !g.initializers.has(v.name));
  if (realInputs.length !== 1)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'the graph must have exactly one (non-initializer) input', file, field: 'graph.input', expected: '1', got: String(realInputs.length) });
  const gin = realInputs[0]!;
  const inShape = (gin.shape ?? []).map((d, k) => {
    if (typeof d === 'number') return d;
    if (k === 0) return 1; // a symbolic batch dimension
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `input ${gin.name}: dimension ${k} is not fixed`, file, field: `graph.input ${gin.name}`, got: String(d) });
  });
  if (inShape.length === 0)
    throw new BnnError({ code: 'IMPORT_INVALID', message: `input ${gin.name} has no shape`, file, field: `graph.input ${gin.name}` });
  if (inShape[0] !== 1)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `input ${gin.name}: batch dimension must be 1`, file, field: `graph.input ${gin.name}`, got: String(inShape[0]) });
  checkLimit('inputElements', product(inShape), { file, field: `graph.input ${gin.name}`, what: `an input of ${inShape.join(' × ')} elements` });
  return { gin, inShape };
}

/** The graph output checked against the layers found, and the model assembled. */
function assemble(onnx: OnnxModel, st: ImportState, syms: ReadonlyMap<string, Sym>, customUsed: ReadonlySet<string>): ImportResult {
  const { layers, folded, inputQuant, encodingThreshold, inputBits, layerOutputs, layerViews, file, opts, inShape, rawInput } = st;
  const g = onnx.graph;
  let finalLayer = st.finalLayer;

  // ---- graph output
  if (g.outputs.length !== 1)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'the graph must have exactly one output (the class index or the scores)', file, field: 'graph.output', got: String(g.outputs.length) });
  const outName = g.outputs[0]!.name;
  const out = syms.get(outName);
  let outputKind: 'index' | 'scores' = 'index';
  const outputNode = { name: outName, opType: 'output', domain: '', inputs: [], outputs: [], attrs: new Map() };
  if (!out) throw new BnnError({ code: 'IMPORT_INVALID', message: `graph output ${outName} is not produced by any node`, file, field: 'graph.output' });
  if (out.kind === 'index') outputKind = 'index';
  else if (out.kind === 'acc' && finalLayer === -1) {
    const l = layers[out.layer]!;
    if (l.kind === 'maxpool2d') throw new Error('internal: an accumulator of a pool');
    if (l.input.kind === 'ints' && out.layer === 0)
      throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'a fixed-point first layer must have a sign activation (a one-layer network is not supported)', file, field: 'graph.output' });
    finalLayer = out.layer;
    outputKind = 'scores';
    folded.push(finalScores(outputNode, out, l, file) + '; the graph outputs the scores, the model predicts their argmax');
  } else if (out.kind === 'bits' && out.producer >= 0 && finalLayer === -1 && layers[out.producer]!.kind === 'dense') {
    finalLayer = out.producer;
    outputKind = 'scores';
    folded.push(`the graph outputs the ±1 activations of layer ${layers[out.producer]!.name}; the model predicts their argmax`);
  } else
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `graph output ${outName} is ${describe(out)}; expected the class index (TopK) or the last dense layer's scores`, file, field: 'graph.output' });
  if (layers.length === 0)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'no bipolar MatMul/Gemm/Conv layer found', file });
  if (finalLayer !== layers.length - 1)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `the output does not come from the last layer (${layers[layers.length - 1]!.name})`, file, field: 'graph.output' });
  if (encodingThreshold === undefined && !inputQuant)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'the input is never binarized (nor quantized by a Quant/IntQuant feeding the first layer)', file });
  const first = layers[0]!;
  if (inputQuant && (first.kind === 'maxpool2d' || first.input.kind !== 'ints'))
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `the quantized input of ${inputQuant.node} does not feed the first layer`, file, field: `node ${inputQuant.node}` });

  const modelLayers: Layer[] = layers.map((l, i): Layer => {
    const isLast = i === layers.length - 1;
    const fail = (message: string): never => {
      throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `layer ${l.name} (node ${l.node}): ${message}`, file, field: `node ${l.node}` });
    };
    if (l.kind === 'maxpool2d') {
      if (isLast) fail('the network ends with a max-pool; the last layer must be a MatMul/Gemm');
      return { kind: 'maxpool2d', name: l.name, kernel: l.kernel, stride: l.kernel };
    }
    const activation: Activation | undefined = l.activation ?? (isLast ? { kind: 'none' } : undefined);
    if (!activation) return fail('it has no activation (a sign, MultiThreshold or Quant)');
    if (isLast && l.kind === 'conv2d') fail('the network ends with a convolution; the last layer must be a MatMul/Gemm');
    if (isLast && activation.kind === 'multithreshold') fail('a multi-bit activation on the last layer (model format v1: the last layer outputs scores or bits)');
    if (l.kind === 'dense') return { kind: 'dense', name: l.name, inputs: l.inputs, outputs: l.outputs, weights: l.weights, activation };
    const c = l.conv!;
    return {
      kind: 'conv2d', name: l.name, inChannels: c.inShape[2], outChannels: l.outputs, kernel: c.kernel, stride: c.stride, padding: c.padding, padValue: c.padValue,
      weights: l.weights, activation,
    };
  });

  const dialect = customUsed.has('qonnx.custom_op.general') || g.nodes.some((n) => n.opType === 'BipolarQuant')
    ? 'qonnx'
    : customUsed.has('finn.custom_op.general') ? 'finn' : 'onnx';
  const name = opts.name ?? legalName(g.name || 'imported', 'imported');
  const model: Model = {
    format: 'bnn-model',
    version: 1,
    name,
    metadata: {
      source: 'imported',
      ...(file ? { importedFrom: basename(file) } : {}),
      dialect,
      ...(onnx.producerName ? { producer: onnx.producerName } : {}),
      opset: onnx.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0,
    },
    input: {
      shape: st.modelInput?.shape ?? (inShape.slice(1).length ? inShape.slice(1) : [1]),
      ...(inputQuant
        ? { encoding: { kind: 'fixed', signed: inputQuant.signed }, rawBits: inputQuant.bitWidth }
        : { encoding: { kind: 'threshold', threshold: encodingThreshold! }, rawBits: rawInput().rawBits }),
    },
    layers: modelLayers,
  };
  // The graph's argmax over a thresholded last layer's ±1 outputs (TopK or the host) is the
  // lowest set bit: lowest index on a tie, index 0 when none is set.
  const lastLayer = modelLayers[modelLayers.length - 1]!;
  if (lastLayer.kind !== 'maxpool2d' && lastLayer.activation.kind !== 'none') model.output = { kind: 'lowest-set-bit' };
  const inputOrder = st.modelInput?.order;
  return {
    model,
    dialect,
    folded,
    trace: {
      input: st.inputName,
      inputBits,
      ...(inputQuant ? { inputQuant } : {}),
      ...(inputOrder ? { inputOrder } : {}),
      layerOutputs,
      layerViews,
      output: outName,
      outputKind,
    },
  };
}
