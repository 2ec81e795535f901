import { basename } from 'node:path';
import { BnnError } from '../errors.js';
import { packBits } from '../model/bits.js';
import type { Activation, DenseLayer, Direction, Model } from '../model/types.js';
import { execNode } from './interpret.js';
import {
  attrFloat, attrInt, attrString, axesOf, batchNorm, binary, dequant, flattenShape, invalid, isCustomDomain,
  multiThresholdChannelAxis, quantInt, quantRange, reshapeShape, roundingModeOf, roundTo, squeezeShape, unsqueezeShape,
  unsupported, type BinaryOp, type RoundingMode,
} from './ops.js';
import { readOnnx, readOnnxFile, type OnnxModel, type OnnxNode } from './read-onnx.js';
import { DATA_TYPE_NAMES, DataType } from './schema.js';
import { broadcastIndex, broadcastShapes, sizeOf, type Tensor } from './tensor.js';
import { checkLimit, product } from '../limits.js';

/**
 * FINN-ONNX / QONNX → model format v1.
 *
 * The graph is walked once in topological order with a symbolic value per tensor:
 *  - `const`: known at import time (initializers and everything computed only from them, folded
 *    with the interpreter's own operator code — e.g. BipolarQuant on weights);
 *  - `raw`: the graph input followed by a chain of element-wise steps (Div/Mul/Sub/Add by
 *    constants, reshapes);
 *  - `fixed`: the output of an integer Quant/IntQuant on the raw input, feeding the first
 *    MatMul/Gemm (a fixed-point first layer: the model's raw input is the integer q);
 *  - `bits`: a bipolar (±1) tensor made by a sign threshold (MultiThreshold with one threshold and
 *    outputs {−1,+1}, or BipolarQuant with scale 1);
 *  - `acc`: a bipolar MatMul/Gemm result (the ±1 dot product) followed by a chain of element-wise
 *    steps (Mul/Add/Sub/Div by constants, BatchNormalization, reshapes).
 * A sign threshold on a chain is folded exactly: the chain is evaluated, with the ONNX semantics
 * of ops.ts, at every reachable integer (every raw value 0..2^rawBits−1; every popcount 0..N) and
 * the single step of that truth table is the integer threshold. Nothing is approximated: any op,
 * value or pattern that does not fold exactly is rejected with the node that stops it.
 */

export interface ImportOptions {
  /** Model name (default: the graph name, legalized). */
  name?: string;
  /** Width of a raw input element when the graph does not declare an unsigned integer input type. */
  rawBits?: number;
  /** File name for messages and metadata. */
  file?: string;
}

export interface ImportTrace {
  /** The graph input (raw values). */
  input: string;
  /** Tensor holding the binarized input (±1); '' for a fixed-point input (see inputQuant). */
  inputBits: string;
  /** A fixed-point input: the Quant/IntQuant node whose integers q are the model's raw input. */
  inputQuant?: InputQuant;
  /** For each thresholded layer, the tensor holding its ±1 outputs (same order as integerForward's layerBits). */
  layerOutputs: string[];
  /** The graph output: the predicted class (TopK indices) or the scores. */
  output: string;
  outputKind: 'index' | 'scores';
}

/**
 * The input Quant/IntQuant of a fixed-point first layer. The model's raw input element i is the
 * integer q_i = clip(round(x_i/scale + zeroPoint), min, max) of the Quant's input x (`tensor`);
 * the graph continues with (q − zeroPoint)·scale. `quantizeInput` computes q from x.
 */
export interface InputQuant {
  node: string;
  /** The Quant's input tensor (the graph input, possibly after element-wise steps). */
  tensor: string;
  /** The Quant's output tensor ((q − zeroPoint)·scale in float32). */
  output: string;
  scale: number;
  zeroPoint: number;
  bitWidth: number;
  signed: boolean;
  narrow: boolean;
  roundingMode: RoundingMode;
  min: number;
  max: number;
}

/** The model's raw (fixed-point) input for the Quant's input values x: q = clip(round(x/scale + zeropt)). */
export function quantizeInput(q: InputQuant, x: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: x.length }, (_, i) => quantInt(x[i]!, q.scale, q.zeroPoint, q.min, q.max, q.roundingMode));
}

export interface ImportResult {
  model: Model;
  dialect: 'finn' | 'qonnx' | 'onnx';
  /** What was folded into what, one line per input encoding / layer, for the user. */
  folded: string[];
  trace: ImportTrace;
}

type Step = (v: number, i: number) => number;

type Sym =
  | { kind: 'const'; t: Tensor }
  | { kind: 'raw'; shape: number[]; dtype: number; steps: Step[]; nodes: string[] }
  | { kind: 'bits'; shape: number[]; producer: number; consumed: boolean; nodes: string[] }
  | { kind: 'acc'; shape: number[]; dtype: number; layer: number; steps: Step[]; nodes: string[] }
  | { kind: 'fixed'; shape: number[]; quant: InputQuant; consumed: boolean; nodes: string[] }
  | { kind: 'index'; layer: number }
  | { kind: 'topk-values' };

interface PendingLayer {
  name: string;
  node: string;
  inputs: number;
  outputs: number;
  weights: Uint32Array[];
  weightNote: string;
  activation?: Activation;
  /** A fixed-point first layer: how its accumulator s = Σ q·w reaches the graph's MatMul output. */
  fixed?: FixedFirstLayer;
}

/**
 * The graph's first MatMul sees v(q_i) = fround(fround(q_i − z)·scale) and sums Σ w_i·v(q_i)
 * exactly (in double; checked by the size bound below). Writing v(q) = scale·(q − z) + d(q), with
 * d the float32 rounding error (0 for every q when scale·(q − z) is exact in float32), the
 * MatMul value for neuron j is scale·(s − z·W_j) + Σ w_i·d(q_i) with W_j = Σ w_i = P_j − M_j, so
 * it lies in [scale·(s − z·W_j) + P_j·dmin − M_j·dmax, scale·(s − z·W_j) + P_j·dmax − M_j·dmin].
 */
interface FixedFirstLayer {
  quant: InputQuant;
  plus: number[];
  minus: number[];
  dmin: number;
  dmax: number;
}

const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

export function legalName(s: string, fallback: string): string {
  const t = s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 64);
  return NAME_RE.test(t) ? t : fallback;
}

export function importOnnxFile(file: string, opts: ImportOptions = {}): ImportResult {
  return importOnnxModel(readOnnxFile(file), { ...opts, file: opts.file ?? file });
}

export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): ImportResult {
  return importOnnxModel(readOnnx(bytes, opts.file), opts);
}

/** A sign threshold: which bit (1 = +1) a node produces from its input value v at element i. */
type SignFn = (v: number, i: number) => 0 | 1;

export function importOnnxModel(onnx: OnnxModel, opts: ImportOptions = {}): ImportResult {
  const file = opts.file;
  const g = onnx.graph;
  const syms = new Map<string, Sym>();
  for (const [k, t] of g.initializers) syms.set(k, { kind: 'const', t });

  // ---- the raw input
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
  let rawDecl: { rawBits: number; rawNote: string } | undefined;
  // Asked only when the raw input is binarized (a fixed-point input takes its width from the Quant).
  const rawInput = () => (rawDecl ??= inputRawBits(onnx, gin.name, gin.elemType, opts.rawBits, file));
  const inElemType = gin.elemType ?? DataType.FLOAT;
  syms.set(gin.name, { kind: 'raw', shape: inShape, dtype: inElemType, steps: [], nodes: [] });

  const layers: PendingLayer[] = [];
  const folded: string[] = [];
  let encodingThreshold: number | undefined;
  let inputQuant: InputQuant | undefined;
  let inputBits = '';
  const layerOutputs: string[] = [];
  let finalLayer = -1;
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

    // Quant/IntQuant: the QONNX spec says they do not express binary/bipolar quantization
    // (BipolarQuant does), and multi-bit activations have no place in model format v1.
    if ((node.opType === 'Quant' || node.opType === 'IntQuant') && isCustomDomain(node.domain)) {
      const bw = ins[3]?.kind === 'const' ? ins[3].t.data[0] : undefined;
      if (bw === 1)
        unsupported(node, 'bit width 1: per the QONNX operator definition, Quant/IntQuant does not represent binary or bipolar quantization (its 1-bit range is {-1, 0} signed or {0, 1} unsigned); bipolar values must use BipolarQuant', file);
      if (ins[0] && ins[0].kind !== 'const' && ins[0].kind !== 'raw')
        unsupported(node, `${bw ?? 'non-constant'}-bit quantization of ${describe(ins[0])} is not supported (multi-bit activations between layers are not in model format v1; only the graph input may be quantized to fixed point)`, file);
    }
    if (node.opType === 'BipolarQuant' && isCustomDomain(node.domain)) {
      const s = ins[1];
      if (!s || s.kind !== 'const' || !s.t.data.every((x) => x === 1))
        unsupported(node, 'BipolarQuant with a scale other than the constant 1 is not supported (its scale would have to be folded into the next layer)', file);
    }

    // Constant folding with the interpreter's own operator code.
    if (ins.every((s) => s === undefined || s.kind === 'const')) {
      const outs = execNode(node, ins.map((s) => (s as { t: Tensor } | undefined)?.t), file);
      outs.forEach((t, i) => set(i, { kind: 'const', t }));
      continue;
    }
    if (!isCustomDomain(node.domain) && node.domain !== '' && node.domain !== 'ai.onnx')
      unsupported(node, `operator domain ${node.domain} is not supported`, file);

    switch (node.opType) {
      case 'Identity':
        set(0, ins[0]!);
        break;

      case 'Quant': case 'IntQuant': {
        // Only reached for the raw input (see the check above): a fixed-point first layer.
        const s = ins[0]!;
        if (s.kind !== 'raw') unsupported(node, `cannot follow ${describe(s)}`, file);
        if (inputQuant || encodingThreshold !== undefined) unsupported(node, 'a second quantization of the raw input (only one input encoding is supported)', file);
        const q = inputQuantOf(node, ins, file);
        inputQuant = q;
        if (opts.rawBits !== undefined && opts.rawBits !== q.bitWidth)
          throw new BnnError({ code: 'IMPORT_INVALID', message: `node ${node.name} quantizes the input to ${q.bitWidth} bits, not ${opts.rawBits} (--raw-bits)`, file, field: `node ${node.name}` });
        const identity = q.scale === 1 && q.zeroPoint === 0;
        folded.push(
          `input ${gin.name} [${inShape.join(',')}]: ${[...s.nodes, node.name].join(' → ')} fold to input.encoding fixed (${q.signed ? 'signed' : 'unsigned'}, rawBits ${q.bitWidth}): ` +
            `the raw input is q = clip(${q.roundingMode.toLowerCase()}(x/${q.scale} + ${q.zeroPoint}), ${q.min}, ${q.max})` +
            (s.nodes.length ? ` of the Quant's input x (after ${s.nodes.join(' → ')})` : '') +
            (identity && s.nodes.length === 0 ? ' (= x for integer x in range)' : '') +
            `; the graph's first layer sees (q − ${q.zeroPoint})·${q.scale}`,
        );
        set(0, { kind: 'fixed', shape: s.shape, quant: q, consumed: false, nodes: [] });
        break;
      }

      case 'Add': case 'Sub': case 'Mul': case 'Div': {
        const [a, b] = ins;
        const symSide = a && a.kind !== 'const' ? 0 : 1;
        const s = ins[symSide]!;
        const c = ins[1 - symSide];
        if (!c || c.kind !== 'const') unsupported(node, 'both operands are computed tensors; only operations with a constant can be folded', file);
        if (s.kind === 'bits')
          unsupported(node, 'arithmetic on binary (±1) activations between layers cannot be folded into XNOR-popcount', file);
        if (s.kind === 'fixed')
          unsupported(node, 'arithmetic between the input Quant and the first MatMul/Gemm is not supported (the first layer must see (q − zeropt)·scale directly)', file);
        if (s.kind !== 'raw' && s.kind !== 'acc') unsupported(node, `cannot follow ${describe(s)}`, file);
        if (node.opType === 'Div' && symSide === 1) unsupported(node, 'division by a computed tensor is not affine', file);
        const out = broadcastShapes(s.shape, c.t.shape);
        if (!out || sizeOf(out) !== sizeOf(s.shape))
          unsupported(node, `the constant of shape [${c.t.shape}] would broadcast the tensor of shape [${s.shape}] to a larger one`, file);
        const op = node.opType as BinaryOp;
        const ct = c.t;
        const dtype = s.dtype;
        const step: Step =
          symSide === 0
            ? (v, i) => binary(op, dtype, v, ct.data[broadcastIndex(out, ct.shape, i)]!)
            : (v, i) => binary(op, dtype, ct.data[broadcastIndex(out, ct.shape, i)]!, v);
        set(0, { ...s, shape: out, steps: [...s.steps, step], nodes: [...s.nodes, node.name] });
        break;
      }

      case 'Reshape': case 'Flatten': case 'Squeeze': case 'Unsqueeze': {
        const s = ins[0]!;
        if (s.kind !== 'raw' && s.kind !== 'acc' && s.kind !== 'bits' && s.kind !== 'fixed') unsupported(node, `cannot follow ${describe(s)}`, file);
        const second = ins[1];
        if (second && second.kind !== 'const') unsupported(node, 'the shape/axes input must be a constant', file);
        const t2 = second?.kind === 'const' ? second.t : undefined;
        let shape: number[];
        if (node.opType === 'Reshape') shape = reshapeShape(node, s.shape, t2, file);
        else if (node.opType === 'Flatten') shape = flattenShape(node, s.shape, file);
        else if (node.opType === 'Squeeze') shape = squeezeShape(node, s.shape, axesOf(node, t2, file), file);
        else shape = unsqueezeShape(node, s.shape, axesOf(node, t2, file), file);
        // C-order reshapes never move elements: the flat index of every element is unchanged.
        set(0, { ...s, shape, nodes: [...s.nodes, node.name] });
        break;
      }

      case 'BatchNormalization': {
        const s = ins[0]!;
        if (s.kind !== 'raw' && s.kind !== 'acc') unsupported(node, `cannot follow ${describe(s)}`, file);
        const params = [1, 2, 3, 4].map((i) => {
          const p = ins[i];
          if (!p || p.kind !== 'const') unsupported(node, 'scale, B, mean and var must be constants', file);
          return p.t.data;
        });
        if (node.outputs.filter((o) => o !== '').length > 1 || attrInt(node, 'training_mode', 0, file))
          unsupported(node, 'training-mode BatchNormalization', file);
        const eps = attrFloat(node, 'epsilon', 1e-5, file);
        const c = s.shape[1] ?? 1;
        const inner = sizeOf(s.shape.slice(2));
        const [scale, bias, mean, variance] = params as [Float64Array, Float64Array, Float64Array, Float64Array];
        if ([scale, bias, mean, variance].some((p) => p.length !== c))
          invalid(node, `parameters must have one value per channel (${c})`, file);
        // As the model loader does for YAML: a NaN or non-positive variance would fold into a constant neuron.
        if ([scale, bias, mean, variance].some((p) => p.some((x) => !Number.isFinite(x))) || !Number.isFinite(eps))
          invalid(node, 'scale, B, mean, var and epsilon must be finite numbers', file);
        const badVar = variance.findIndex((x) => !(x + eps > 0));
        if (badVar >= 0) invalid(node, `var[${badVar}] + epsilon must be > 0 (got ${variance[badVar]})`, file);
        const dtype = s.dtype;
        const step: Step = (v, i) => {
          const ch = Math.floor(i / inner) % c;
          return batchNorm(dtype, v, scale[ch]!, bias[ch]!, mean[ch]!, variance[ch]!, eps);
        };
        set(0, { ...s, steps: [...s.steps, step], nodes: [...s.nodes, node.name] });
        break;
      }

      case 'MultiThreshold': case 'BipolarQuant': {
        if (!isCustomDomain(node.domain)) unsupported(node, 'operator not supported (expected domain finn.custom_op.general or qonnx.custom_op.general)', file);
        const s = ins[0]!;
        if (s.kind === 'fixed')
          unsupported(node, 'a sign of the quantized input is not supported: a Quant-ed input must feed the first MatMul/Gemm (fixed-point first layer)', file);
        if (s.kind !== 'raw' && s.kind !== 'acc') unsupported(node, `a sign threshold cannot follow ${describe(s)}`, file);
        const sign = node.opType === 'MultiThreshold' ? multiThresholdSign(node, s.shape, ins[1], file) : bipolarQuantSign();
        const nodes = [...(s.kind === 'acc' ? s.nodes.slice(1) : s.nodes), node.name];
        if (s.kind === 'raw') {
          if (encodingThreshold !== undefined) unsupported(node, 'a second threshold on the raw input (only one input encoding is supported)', file);
          const { rawBits, rawNote } = rawInput();
          encodingThreshold = foldInputEncoding(node, s.steps, sign, sizeOf(s.shape), rawBits, file);
          inputBits = node.outputs[0]!;
          folded.push(
            `input ${gin.name} [${inShape.join(',')}] ${rawNote}: ${nodes.join(' → ')} fold to input.encoding raw >= ${encodingThreshold} (one threshold shared by all ${sizeOf(s.shape)} elements)`,
          );
          set(0, { kind: 'bits', shape: s.shape, producer: -1, consumed: false, nodes: [] });
        } else {
          const layer = layers[s.layer]!;
          if (layer.activation) unsupported(node, `layer ${layer.name} already has an activation`, file);
          if (sizeOf(s.shape) !== layer.outputs) invalid(node, `expected ${layer.outputs} values`, file);
          const { thresholds, direction, counts } = layer.fixed
            ? foldFixedThresholds(node, s.steps, sign, layer.fixed, layer.outputs, file)
            : foldLayerThresholds(node, s.steps, sign, layer.inputs, layer.outputs, file);
          layer.activation = { kind: 'threshold', thresholds, direction };
          layerOutputs.push(node.outputs[0]!);
          folded.push(
            `layer ${layer.name} (${layer.inputs}→${layer.outputs}, ${layer.weightNote}): ${nodes.join(' → ')} fold to ${layer.outputs} integer thresholds on the ${layer.fixed ? 'signed sum s = Σ q·w' : 'popcount'} (${counts.ge} ge, ${counts.le} le, ${counts.constant} constant)`,
          );
          set(0, { kind: 'bits', shape: s.shape, producer: s.layer, consumed: false, nodes: [] });
        }
        break;
      }

      case 'MatMul': case 'Gemm': {
        const [a, b] = ins;
        if (a?.kind === 'fixed') {
          if (layers.length !== 0 || a.consumed) unsupported(node, 'the quantized input feeds more than one layer', file);
        } else if (!a || a.kind === 'raw')
          unsupported(node, 'its input is not binarized: the first layer must see a sign-thresholded input (multi-bit input layers are not in model format v1)', file);
        if (a.kind === 'acc') unsupported(node, 'two matrix products with no sign activation between them', file);
        if (a.kind !== 'bits' && a.kind !== 'fixed') unsupported(node, `its input is ${describe(a)}, expected binary (±1) activations`, file);
        if (!b || b.kind !== 'const') unsupported(node, 'the weights must be a constant (initializer)', file);
        if (a.kind === 'bits') {
          const expectedProducer = layers.length - 1;
          if (a.producer !== expectedProducer || a.consumed)
            unsupported(node, 'only a plain chain of layers is supported (this input is not the previous layer\'s output, or is used twice)', file);
          if (a.producer === -1 && encodingThreshold === undefined) invalid(node, 'no input encoding', file);
          if (a.producer >= 0 && !layers[a.producer]!.activation)
            unsupported(node, 'the previous layer has no sign activation', file);
        }
        a.consumed = true;
        const n = sizeOf(a.shape);
        if (!(a.shape.length === 1 || (a.shape.length === 2 && a.shape[0] === 1)))
          unsupported(node, `input must be [1, N] or [N], got [${a.shape}]`, file);
        let w = b.t;
        if (w.shape.length !== 2) unsupported(node, `weights must be 2-D, got [${w.shape}]`, file);
        const steps: Step[] = [];
        let dtype = DataType.FLOAT;
        if (node.opType === 'Gemm') {
          if (attrInt(node, 'transA', 0, file)) unsupported(node, 'transA = 1', file);
          if (attrInt(node, 'transB', 0, file)) w = transpose(w);
          const alpha = attrFloat(node, 'alpha', 1, file);
          const beta = attrFloat(node, 'beta', 1, file);
          const c = ins[2];
          if (c && c.kind !== 'const') unsupported(node, 'the bias C must be a constant', file);
          const ct = c?.kind === 'const' ? c.t : undefined;
          const m = w.shape[1]!;
          steps.push((v, j) => roundTo(dtype, alpha * v + beta * (ct ? ct.data[broadcastIndex([1, m], ct.shape, j)]! : 0)));
        } else steps.push((v) => roundTo(dtype, v));
        const [wn, m] = w.shape as [number, number];
        if (wn !== n) invalid(node, `weights have ${wn} rows, input has ${n} elements`, file);
        const weightName = node.inputs[1]!;
        const ann = annotationOf(onnx, weightName);
        for (let k = 0; k < w.data.length; k++) {
          const x = w.data[k]!;
          if (x !== 1 && x !== -1)
            unsupported(
              node,
              `weights ${weightName} are not bipolar: element ${k} is ${x} (values must be -1 or +1${ann ? `; annotated finn_datatype=${ann}` : ''})`,
              file,
            );
        }
        const rows: Uint32Array[] = [];
        for (let j = 0; j < m; j++) {
          const bitsRow = new Uint8Array(n);
          for (let i = 0; i < n; i++) bitsRow[i] = w.data[i * m + j] === 1 ? 1 : 0;
          rows.push(packBits(bitsRow));
        }
        let fixed: FixedFirstLayer | undefined;
        if (a.kind === 'fixed') {
          const plus: number[] = [];
          const minus: number[] = [];
          for (let j = 0; j < m; j++) {
            let p = 0;
            for (let i = 0; i < n; i++) if (w.data[i * m + j] === 1) p++;
            plus.push(p);
            minus.push(n - p);
          }
          fixed = { quant: a.quant, plus, minus, ...quantError(node, a.quant, n, file) };
        }
        const li = layers.length;
        layers.push({
          ...(fixed ? { fixed } : {}),
          name: uniqueName(legalName(node.name, `fc${li}`), layers),
          node: node.name,
          inputs: n,
          outputs: m,
          weights: rows,
          weightNote: `weights ${weightName}${ann ? ` (${ann})` : ''}${node.opType === 'Gemm' && attrInt(node, 'transB', 0, file) ? ' transposed' : ''}, bit 1 = +1`,
        });
        set(0, { kind: 'acc', shape: a.shape.length === 1 ? [m] : [1, m], dtype, layer: li, steps, nodes: [node.name] });
        break;
      }

      case 'TopK': {
        const x = ins[0]!;
        const k = ins[1];
        if (!k || k.kind !== 'const' || k.t.data[0] !== 1) unsupported(node, 'only k = 1 (the predicted class) is supported', file);
        const rank = x.kind === 'acc' || x.kind === 'bits' ? x.shape.length : 0;
        const axis = attrInt(node, 'axis', -1, file);
        if (axis !== -1 && axis !== rank - 1) unsupported(node, 'TopK must run over the class axis (the last one)', file);
        if (attrInt(node, 'largest', 1, file) !== 1) unsupported(node, 'largest = 0 (argmin) is not supported', file);
        if (x.kind === 'acc') {
          if (layers[x.layer]!.fixed) unsupported(node, 'a fixed-point first layer must have a sign activation (a one-layer network is not supported)', file);
          finalLayer = x.layer;
          folded.push(finalScores(node, x, layers[x.layer]!, file) + `; ${node.name} (k = 1) is the argmax, lowest index winning ties in both`);
        } else if (x.kind === 'bits' && x.producer >= 0) {
          finalLayer = x.producer;
          x.consumed = true;
          folded.push(`${node.name} (k = 1) over the ±1 outputs of layer ${layers[x.producer]!.name} is the argmax of its bits (lowest index wins ties)`);
        } else unsupported(node, `cannot follow ${describe(x)}`, file);
        set(0, { kind: 'topk-values' });
        set(1, { kind: 'index', layer: finalLayer });
        break;
      }

      default:
        unsupported(node, 'operator not supported by the importer', file);
    }
  }

  // ---- graph output
  if (g.outputs.length !== 1)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'the graph must have exactly one output (the class index or the scores)', file, field: 'graph.output', got: String(g.outputs.length) });
  const outName = g.outputs[0]!.name;
  const out = syms.get(outName);
  let outputKind: 'index' | 'scores' = 'index';
  if (!out) throw new BnnError({ code: 'IMPORT_INVALID', message: `graph output ${outName} is not produced by any node`, file, field: 'graph.output' });
  if (out.kind === 'index') outputKind = 'index';
  else if (out.kind === 'acc' && finalLayer === -1) {
    if (layers[out.layer]!.fixed)
      throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'a fixed-point first layer must have a sign activation (a one-layer network is not supported)', file, field: 'graph.output' });
    finalLayer = out.layer;
    outputKind = 'scores';
    folded.push(finalScores({ name: outName, opType: 'output', domain: '', inputs: [], outputs: [], attrs: new Map() }, out, layers[out.layer]!, file) + '; the graph outputs the scores, the model predicts their argmax');
  } else if (out.kind === 'bits' && out.producer >= 0 && finalLayer === -1) {
    finalLayer = out.producer;
    outputKind = 'scores';
    folded.push(`the graph outputs the ±1 activations of layer ${layers[out.producer]!.name}; the model predicts their argmax`);
  } else
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `graph output ${outName} is ${describe(out)}; expected the class index (TopK) or the last layer's scores`, file, field: 'graph.output' });
  if (layers.length === 0)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'no bipolar MatMul/Gemm layer found', file });
  if (finalLayer !== layers.length - 1)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `the output does not come from the last layer (${layers[layers.length - 1]!.name})`, file, field: 'graph.output' });
  if (encodingThreshold === undefined && !inputQuant)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: 'the input is never binarized (nor quantized by a Quant/IntQuant feeding the first layer)', file });
  if (inputQuant && !layers[0]!.fixed)
    throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `the quantized input of ${inputQuant.node} does not feed the first layer`, file, field: `node ${inputQuant.node}` });

  const modelLayers: DenseLayer[] = layers.map((l, i) => {
    const isLast = i === layers.length - 1;
    const activation: Activation | undefined = l.activation ?? (isLast ? { kind: 'none' } : undefined);
    if (!activation)
      throw new BnnError({ code: 'IMPORT_UNSUPPORTED', message: `layer ${l.name} (node ${l.node}) has no sign activation`, file, field: `node ${l.node}` });
    return { kind: 'dense', name: l.name, inputs: l.inputs, outputs: l.outputs, weights: l.weights, activation };
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
      shape: inShape.slice(1).length ? inShape.slice(1) : [1],
      ...(inputQuant
        ? { encoding: { kind: 'fixed', signed: inputQuant.signed }, rawBits: inputQuant.bitWidth }
        : { encoding: { kind: 'threshold', threshold: encodingThreshold! }, rawBits: rawInput().rawBits }),
    },
    layers: modelLayers,
  };
  return {
    model,
    dialect,
    folded,
    trace: { input: gin.name, inputBits, ...(inputQuant ? { inputQuant } : {}), layerOutputs, output: outName, outputKind },
  };
}

// ------------------------------------------------------------------ helpers

function describe(s: Sym): string {
  switch (s.kind) {
    case 'const': return 'a constant';
    case 'raw': return 'the raw input';
    case 'bits': return 'binary (±1) activations';
    case 'acc': return 'a layer\'s accumulator';
    case 'index': return 'the predicted class index';
    case 'topk-values': return 'the TopK values';
    case 'fixed': return 'the quantized (fixed-point) input';
  }
}

function uniqueName(base: string, layers: PendingLayer[]): string {
  let name = base;
  for (let k = 2; layers.some((l) => l.name === name); k++) name = `${base.slice(0, 60)}_${k}`;
  return name;
}

function transpose(t: Tensor): Tensor {
  const [r, c] = t.shape as [number, number];
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j]!;
  return { dtype: t.dtype, shape: [c, r], data };
}

function annotationOf(onnx: OnnxModel, tensorName: string): string | undefined {
  return onnx.graph.annotations.get(tensorName)?.finn_datatype;
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

function multiThresholdSign(node: OnnxNode, shape: number[], thr: Sym | undefined, file?: string): SignFn {
  if (!thr || thr.kind !== 'const') unsupported(node, 'thresholds must be a constant', file);
  const th = thr.t;
  if (th.shape.length !== 2) invalid(node, 'thresholds must be 2-D [channels or 1, steps]', file, '2-D', `[${th.shape}]`);
  const [tc, steps] = th.shape as [number, number];
  if (steps !== 1)
    unsupported(node, `${steps} thresholds per channel make a multi-bit activation; only one (a sign) is supported`, file);
  const outScale = attrFloat(node, 'out_scale', 1, file);
  const outBias = attrFloat(node, 'out_bias', 0, file);
  const lo = Math.fround(outBias);
  const hi = Math.fround(outScale + outBias);
  let firesIsPlus: boolean;
  if (lo === -1 && hi === 1) firesIsPlus = true;
  else if (lo === 1 && hi === -1) firesIsPlus = false;
  else
    unsupported(node, `outputs {${lo}, ${hi}} (out_scale ${outScale}, out_bias ${outBias}, out_dtype ${attrString(node, 'out_dtype', '?', file)}) are not bipolar {-1, +1}`, file);
  const axis = multiThresholdChannelAxis(node, shape.length, file);
  const c = shape[axis] ?? 1;
  if (tc !== 1 && tc !== c) invalid(node, `thresholds for ${tc} channels, input has ${c}`, file);
  const inner = sizeOf(shape.slice(axis + 1));
  return (v, i) => {
    const ch = tc === 1 ? 0 : Math.floor(i / inner) % c;
    const fires = v >= th.data[ch]!;
    return fires === firesIsPlus ? 1 : 0;
  };
}

function bipolarQuantSign(): SignFn {
  return (v) => (v >= 0 ? 1 : 0);
}

function evalChain(steps: Step[], v: number, i: number): number {
  for (const s of steps) v = s(v, i);
  return v;
}

type StepKind = { kind: 'const'; bit: 0 | 1 } | { kind: 'ge'; t: number } | { kind: 'le'; t: number } | undefined;

/** The single step of a truth table over 0..n, or undefined when it is not monotonic. */
function stepOf(table: Uint8Array): StepKind {
  let changes = 0;
  for (let p = 1; p < table.length; p++) if (table[p] !== table[p - 1]) changes++;
  if (changes === 0) return { kind: 'const', bit: table[0] as 0 | 1 };
  if (changes > 1) return undefined;
  const t = table.indexOf(table[table.length - 1]!);
  return table[table.length - 1] ? { kind: 'ge', t } : { kind: 'le', t: t - 1 };
}

function foldInputEncoding(node: OnnxNode, steps: Step[], sign: SignFn, n: number, rawBits: number, file?: string): number {
  const levels = 2 ** rawBits;
  let shared: number | undefined;
  let first = -1;
  const table = new Uint8Array(levels);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < levels; r++) table[r] = sign(evalChain(steps, r, i), i);
    const st = stepOf(table);
    let t: number;
    if (!st) unsupported(node, `input element ${i}: the binarization is not a single threshold over raw values 0..${levels - 1}`, file);
    else if (st.kind === 'const') t = st.bit ? 0 : levels;
    else if (st.kind === 'le') unsupported(node, `input element ${i}: bit = (raw <= ${st.t}); the input encoding supports only raw >= T`, file);
    else t = st.t;
    if (shared === undefined) {
      shared = t;
      first = i;
    } else if (t !== shared)
      unsupported(
        node,
        `per-element input thresholds differ (element ${first}: raw >= ${shared}, element ${i}: raw >= ${t}); model format v1 has one input threshold shared by all elements`,
        file,
      );
  }
  return shared ?? 0;
}

function foldLayerThresholds(node: OnnxNode, steps: Step[], sign: SignFn, n: number, m: number, file?: string) {
  const thresholds: number[] = [];
  const direction: Direction[] = [];
  const counts = { ge: 0, le: 0, constant: 0 };
  const table = new Uint8Array(n + 1);
  for (let j = 0; j < m; j++) {
    for (let p = 0; p <= n; p++) table[p] = sign(evalChain(steps, 2 * p - n, j), j);
    const st = stepOf(table);
    if (!st) unsupported(node, `neuron ${j}: the activation is not monotonic in the popcount, it is not one threshold`, file);
    if (st.kind === 'const') {
      thresholds.push(st.bit ? 0 : n + 1);
      direction.push('ge');
      counts.constant++;
    } else {
      thresholds.push(st.t);
      direction.push(st.kind);
      counts[st.kind]++;
    }
  }
  return { thresholds, direction, counts };
}

/** The last layer's scores chain must keep argmax (and its lowest-index tie rule) exactly. */
function finalScores(node: OnnxNode, s: Extract<Sym, { kind: 'acc' }>, layer: PendingLayer, file?: string): string {
  const n = layer.inputs;
  const ref = new Float64Array(n + 1);
  for (let p = 0; p <= n; p++) ref[p] = evalChain(s.steps, 2 * p - n, 0);
  const chain = s.nodes.slice(1);
  const chainText = chain.length ? chain.join(' → ') : '(no ops)';
  for (let j = 1; j < layer.outputs; j++)
    for (let p = 0; p <= n; p++) {
      const v = evalChain(s.steps, 2 * p - n, j);
      if (v !== ref[p])
        unsupported(
          node,
          `the scores' chain ${chainText} after ${layer.node} differs between classes (class 0 and class ${j} at popcount ${p}: ${ref[p]} vs ${v}), so argmax over popcounts would not reproduce the graph's; model format v1 would need per-class score scales/offsets on the last layer`,
          file,
        );
    }
  for (let p = 1; p <= n; p++) {
    if (!(ref[p]! > ref[p - 1]!))
      unsupported(
        node,
        `the scores' chain ${chainText} after ${layer.node} is not strictly increasing in the popcount (at p = ${p - 1}, ${p}: ${ref[p - 1]} then ${ref[p]}), so argmax over popcounts would not reproduce the graph's`,
        file,
      );
  }
  return `last layer ${layer.name} (${layer.inputs}→${layer.outputs}, ${layer.weightNote}): ${chainText} is one strictly increasing map shared by all ${layer.outputs} classes (checked at every popcount 0..${n}), dropped: scores = popcount`;
}

// ------------------------------------------------------------------ fixed-point first layer

/** The input Quant/IntQuant of a fixed-point first layer: scalar constant scale/zeropt/bitwidth. */
function inputQuantOf(node: OnnxNode, ins: (Sym | undefined)[], file?: string): InputQuant {
  const scalar = (i: number, what: string): number => {
    const p = ins[i];
    if (!p || p.kind !== 'const') unsupported(node, `the ${what} must be a constant`, file);
    if (p.t.data.length !== 1)
      unsupported(
        node,
        `a non-scalar ${what} (shape [${p.t.shape}]) is not supported on the input: one integer threshold per neuron on s = Σ q·w needs one ${what} shared by all input elements`,
        file,
      );
    return p.t.data[0]!;
  };
  const scale = scalar(1, 'scale');
  const zeroPoint = scalar(2, 'zero point');
  const bitWidth = scalar(3, 'bit width');
  if (!Number.isInteger(bitWidth) || bitWidth < 1) invalid(node, `bit width ${bitWidth} is not a positive integer`, file);
  if (bitWidth > 16) unsupported(node, `bit width ${bitWidth}: raw inputs are at most 16 bits wide`, file);
  if (!(scale > 0) || !Number.isFinite(scale) || Math.fround(scale) !== scale || scale < 2 ** -100 || scale > 2 ** 100)
    unsupported(node, `scale ${scale}: only a positive (normal, float32) scale is supported`, file);
  if (!Number.isInteger(zeroPoint) || Math.abs(zeroPoint) > 2 ** 20)
    unsupported(node, `zero point ${zeroPoint}: only an integer zero point is supported (q − zeropt must be an integer)`, file);
  const signed = attrInt(node, 'signed', 1, file) !== 0;
  const narrow = attrInt(node, 'narrow', 0, file) !== 0;
  const roundingMode = roundingModeOf(node, file);
  const { min, max } = quantRange(signed, narrow, bitWidth);
  return { node: node.name, tensor: node.inputs[0]!, output: node.outputs[0] ?? '', scale, zeroPoint, bitWidth, signed, narrow, roundingMode, min, max };
}

/**
 * Range of the float32 rounding error d(q) = fround((q − z)·scale) − (q − z)·scale over q in
 * [min, max], and the size check that makes the graph's MatMul sum (and scale·K) exact in double.
 */
function quantError(node: OnnxNode, q: InputQuant, n: number, file?: string): { dmin: number; dmax: number } {
  const maxK = Math.max(Math.abs(q.min - q.zeroPoint), Math.abs(q.max - q.zeroPoint));
  if (n * maxK > 2 ** 27)
    unsupported(node, `${n} inputs of |q − zeropt| up to ${maxK}: the first layer's sums exceed 2^27, beyond the range where the float graph's MatMul is exact`, file);
  let dmin = 0;
  let dmax = 0;
  for (let v = q.min; v <= q.max; v++) {
    // (v − z)·scale is exact in double (≤ 21 × 24 significant bits); the difference is exact (Sterbenz).
    const d = dequant(v, q.scale, q.zeroPoint) - (v - q.zeroPoint) * q.scale;
    if (d < dmin) dmin = d;
    if (d > dmax) dmax = d;
  }
  return { dmin, dmax };
}

type Edge = { kind: 'const'; bit: 0 | 1 } | { kind: 'ge'; t: number } | { kind: 'le'; t: number } | undefined;

/** The single step of a monotone bit function over the integers lo..hi (exhaustive up to 2^16 values, else bisection). */
function stepOver(f: (v: number) => 0 | 1, lo: number, hi: number): Edge {
  const fLo = f(lo);
  const fHi = f(hi);
  let edge = hi + 1; // first value whose bit differs from fLo
  if (hi - lo <= 1 << 16) {
    let changes = 0;
    let prev = fLo;
    for (let v = lo + 1; v <= hi; v++) {
      const b = f(v);
      if (b !== prev) {
        if (changes === 0) edge = v;
        changes++;
        prev = b;
      }
    }
    if (changes > 1) return undefined;
  } else if (fLo === fHi) {
    for (let k = 1; k < 64; k++) if (f(lo + Math.floor(((hi - lo) * k) / 64)) !== fLo) return undefined;
  } else {
    let a = lo;
    let b = hi;
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (f(mid) === fLo) a = mid;
      else b = mid;
    }
    edge = b;
    for (let v = Math.max(lo, edge - 64); v <= Math.min(hi, edge + 64); v++) if (f(v) !== (v >= edge ? fHi : fLo)) return undefined;
  }
  if (edge > hi) return { kind: 'const', bit: fLo };
  return fLo ? { kind: 'le', t: edge - 1 } : { kind: 'ge', t: edge };
}

const sameEdge = (a: Edge, b: Edge) =>
  !!a && !!b && a.kind === b.kind && (a.kind === 'const' ? a.bit === (b as { bit: number }).bit : a.t === (b as { t: number }).t);

const edgeText = (e: NonNullable<Edge>) => (e.kind === 'const' ? `constant ${e.bit}` : `s ${e.kind === 'ge' ? '>=' : '<='} ${e.t}`);

/**
 * One integer threshold per neuron on s = Σ q_i·w_i. For every reachable s the graph's MatMul
 * value lies in [xlo(s), xhi(s)] (FixedFirstLayer); the chain after it is monotone, so the sign
 * at xlo(s) and at xhi(s) bound the graph's bit for every input with that s. Both are read as
 * step functions of s; when they have the same step, that step is the graph's bit for every
 * input — exact, ties included. When they differ, inputs with the same s can get different bits
 * in the graph and the layer is rejected. With an exact quantizer (d = 0: e.g. scale 1 or a
 * power of two) xlo = xhi = scale·(s − z·W_j), the MatMul value itself.
 */
function foldFixedThresholds(node: OnnxNode, steps: Step[], sign: SignFn, fx: FixedFirstLayer, m: number, file?: string) {
  const thresholds: number[] = [];
  const direction: Direction[] = [];
  const counts = { ge: 0, le: 0, constant: 0 };
  const { scale, zeroPoint: z, min, max } = fx.quant;
  for (let j = 0; j < m; j++) {
    const P = fx.plus[j]!;
    const M = fx.minus[j]!;
    const W = P - M;
    const sMin = P * min - M * max;
    const sMax = P * max - M * min;
    const dLo = P * fx.dmin - M * fx.dmax;
    const dHi = P * fx.dmax - M * fx.dmin;
    const exact = dLo === 0 && dHi === 0;
    const x = (s: number, upper: boolean): number => {
      const base = scale * (s - z * W); // exact: |s − z·W| ≤ 2^27, scale has 24 significant bits
      if (exact) return base;
      // Round outward: a relative 2^-40 covers the double rounding of these few operations.
      const mu = (Math.abs(base) + Math.abs(dLo) + Math.abs(dHi)) * 2 ** -40;
      return upper ? base + dHi + mu : base + dLo - mu;
    };
    const lo = stepOver((s) => sign(evalChain(steps, x(s, false), j), j), sMin, sMax);
    const hi = exact ? lo : stepOver((s) => sign(evalChain(steps, x(s, true), j), j), sMin, sMax);
    if (!lo || !hi) unsupported(node, `neuron ${j}: the activation is not monotonic in s = Σ q·w, it is not one threshold`, file);
    if (!sameEdge(lo, hi))
      unsupported(
        node,
        `neuron ${j}: the graph's activation is not a function of s = Σ q·w alone — the input scale ${scale} times (q − ${z}) is rounded to float32 per element, ` +
          `so inputs with the same s reach the MatMul as slightly different values, and this neuron's threshold falls inside that spread (between ${edgeText(lo)} and ${edgeText(hi)}); ` +
          'it cannot be folded into an exact integer threshold (a scale whose products with q − zeropt are exact in float32, e.g. a power of two, avoids this)',
        file,
      );
    if (lo.kind === 'const') {
      thresholds.push(lo.bit ? sMin : sMax + 1);
      direction.push('ge');
      counts.constant++;
    } else {
      thresholds.push(lo.t);
      direction.push(lo.kind);
      counts[lo.kind]++;
    }
  }
  return { thresholds, direction, counts };
}
