import { convAttrs, invalid, roundTo, spatialOut, unsupported } from '../ops.js';
import type { OnnxNode } from '../read-onnx.js';
import { DataType } from '../schema.js';
import { orderOf, type ElementSym, type Step } from '../symbols.js';
import { bipolarWeights, claimLayerInput, integerInput, layerName } from './layer.js';
import { annotationOf, type ImportState, type OpHandler } from './state.js';

/**
 * ONNX Conv (2-D, NCHW) with constant bipolar weights W[M, C, K, K] on binary or integer
 * elements: a conv2d layer. Supported: square kernels, equal strides, symmetric pads
 * (pads [x1_begin, x2_begin, x1_end, x2_end] all equal), dilations 1, group 1, an optional bias
 * B[M]. Zero padding is the element 0 of integer inputs (padValue 0); on ±1 inputs a 0 is
 * neither value, so ±1 padding must come from a Pad node (constant_value −1 or +1) before it.
 * Model weight bit (ky·K + kx)·C + c of row m is W[m, c, ky, kx] (im2col order ky, kx, c).
 */
export const conv: OpHandler = {
  apply(node, ins, st) {
    const { file, layers } = st;
    const w = ins[1];
    if (!w || w.kind !== 'const') unsupported(node, 'the weights must be a constant (initializer)', file);
    let pad = 0;
    let padValue = 0;
    let x = ins[0];
    if (x?.kind === 'padded') {
      pad = x.pad;
      padValue = x.value;
      x = x.inner;
    }
    const attrs = convAttrs(node, w.t.shape, file);
    if (attrs.group !== 1) unsupported(node, `attribute group = ${attrs.group} is not supported (supported: 1)`, file);
    if (attrs.dilations.some((d) => d !== 1)) unsupported(node, `attribute dilations = [${attrs.dilations}] is not supported (supported: [1, 1])`, file);
    const [kh, kw] = attrs.kernel;
    if (kh !== kw) unsupported(node, `attribute kernel_shape = [${attrs.kernel}] is not supported (supported: square kernels)`, file);
    if (attrs.strides[0] !== attrs.strides[1]) unsupported(node, `attribute strides = [${attrs.strides}] is not supported (supported: equal strides)`, file);
    const p = attrs.pads;
    if (p.some((v) => v !== p[0])) unsupported(node, `attribute pads = [${p}] is not supported (supported: symmetric pads, all four [x1_begin, x2_begin, x1_end, x2_end] equal)`, file);
    if (p[0] > 0 && pad > 0) unsupported(node, 'attribute pads > 0 after a Pad node: the padded border would mix two pad values', file);
    const a = claimLayerInput(node, x, st);
    if (p[0] > 0) {
      pad = p[0];
      if (a.kind === 'bits')
        unsupported(
          node,
          `attribute pads = [${p}] pads ±1 activations with 0, which is neither −1 nor +1 (supported: pads 0 on binary inputs, with a Pad node of constant_value −1 or +1 before the Conv for padding)`,
          file,
        );
      padValue = 0;
    }
    // Unpadded, the value never matters; the model still says one (−1 for ±1 elements, 0 for integers).
    if (pad === 0) padValue = a.kind === 'bits' ? -1 : 0;
    if (a.kind === 'ints' && pad > 0 && a.levels.zeroPoint !== 0)
      unsupported(node, `padding an input quantized with zero point ${a.levels.zeroPoint}: the graph pads the value 0 (q = zeropt), the model pads q = 0`, file);
    const { c, h, wd } = convInput(node, a, st);
    const [m, wc] = w.t.shape as [number, number];
    if (wc !== c) invalid(node, `weights have ${wc} input channels, the input has ${c}`, file);
    const k = kh;
    const stride = attrs.strides[0];
    const oh = spatialOut(h, k, stride, pad, pad);
    const ow = spatialOut(wd, k, stride, pad, pad);
    if (oh < 1 || ow < 1) invalid(node, `the ${k}×${k} kernel does not fit the input [${a.shape}] with pads ${pad}`, file);
    if (pad > k - 1) unsupported(node, `pads ${pad} >= kernel ${k} (supported: at most K − 1, as the model format)`, file);
    const b = ins[2];
    if (b && b.kind !== 'const') unsupported(node, 'the bias B must be a constant', file);
    const bias = b?.kind === 'const' ? b.t.data : undefined;
    if (bias && bias.length !== m) invalid(node, `bias B has ${bias.length} values, expected ${m}`, file);
    const weightName = node.inputs[1]!;
    const ann = annotationOf(st.onnx, weightName);
    const n = k * k * c;
    const wt = w.t.data;
    // Model bit (ky·K + kx)·C + ch of row j is W[j, ch, ky, kx].
    const bw = bipolarWeights(
      node,
      (j, idx) => {
        const ch = idx % c;
        const kk = (idx - ch) / c;
        return wt[((j * c + ch) * k + Math.floor(kk / k)) * k + (kk % k)]!;
      },
      m,
      n,
      weightName,
      ann,
      a.kind === 'ints',
      file,
    );
    const li = layers.length;
    layers.push({
      kind: 'conv2d',
      name: layerName(node, `conv${li}`, layers),
      node: node.name,
      inputs: n,
      outputs: m,
      weights: bw.rows,
      weightNote: `${k}×${k} stride ${stride} pad ${pad}${pad ? ` (value ${padValue})` : ''}, weights ${weightName}${ann ? ` (${ann})` : ''}${bw.scales ? ', per-channel scales' : ''}, bit 1 = +1`,
      input: a.kind === 'ints' ? integerInput(node, a.levels, n, bw, pad > 0, a.producer < 0, file) : { kind: 'bits' },
      conv: { inShape: [h, wd, c], kernel: k, stride, padding: pad, padValue },
      outShape: [oh, ow, m],
    });
    const scales = bw.scales;
    const dtype = DataType.FLOAT;
    // Stored index of output (j, pixel) is pixel·M + j; the graph adds B[j] to the exact sum, then rounds once.
    const step: Step = {
      f: (v, src) => {
        const j = src % m;
        return roundTo(dtype, (scales ? scales[j]! * v : v) + (bias ? bias[j]! : 0));
      },
      key: (src) => src % m,
    };
    return [{ kind: 'acc', shape: [1, m, oh, ow], order: nchwOrder(m, oh, ow), dtype, layer: li, steps: [step], nodes: [node.name] }];
  },
};

/** The stored (channels-last) index of every NCHW flat index of a [1, C, H, W] tensor: (h·W + w)·C + c. */
export function nchwOrder(c: number, h: number, w: number): Int32Array {
  const o = new Int32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) o[ch * h * w + p] = p * c + ch;
  return o;
}

/**
 * The [1, C, H, W] input of a convolution or pool as the model's [H, W, C]: the previous layer's
 * output must be exactly this NCHW view of its channels-last output; for the first layer the
 * model's input is defined by it (model element (h·W + w)·C + c is the graph input element the
 * ONNX element (c, h, w) comes from).
 */
export function convInput(node: OnnxNode, a: ElementSym, st: ImportState): { c: number; h: number; wd: number } {
  const { file } = st;
  if (a.shape.length !== 4 || a.shape[0] !== 1) unsupported(node, `input must be [1, C, H, W] (NCHW), got [${a.shape}]`, file);
  const [, c, h, wd] = a.shape as [number, number, number, number];
  const order = orderOf(a);
  const want = nchwOrder(c, h, wd);
  if (a.producer >= 0) {
    const prev = st.layers[a.producer]!;
    const out = prev.outShape;
    if (out.length !== 3) unsupported(node, `its input comes from the dense layer ${prev.name}; a convolution or pool must follow a convolution or pool (or the input)`, file);
    if (out[0] !== h || out[1] !== wd || out[2] !== c || order.some((v, i) => v !== want[i]))
      unsupported(
        node,
        `its input [${a.shape}] is not the NCHW view of ${prev.name}'s output [${out.join(', ')}] (channels last in the model); only reshapes and transposes that restore NCHW may sit between them`,
        file,
      );
    return { c, h, wd };
  }
  if (!st.modelInput) {
    const inputOrder = new Int32Array(c * h * wd);
    want.forEach((k, i) => (inputOrder[k] = order[i]!));
    st.modelInput = { shape: [h, wd, c], ...(inputOrder.some((v, k) => v !== k) ? { order: inputOrder } : {}) };
  }
  return { c, h, wd };
}
