import { BnnError } from '../errors.js';
import {
  attrFloat, attrInt, axesOf, batchNorm, binary, bipolarQuant, convAttrs, dequant, flattenShape, invalid, isCustomDomain,
  multiThreshold, multiThresholdChannelAxis, padSpec, poolAttrs, quantInt, quantRange, reshapeShape, roundingModeOf, roundTo,
  spatialOut, squeezeShape, stridesOf, transposePerm, transposeShape, transposeSource, unsqueezeShape, unsupported, type BinaryOp,
} from './ops.js';
import type { OnnxModel, OnnxNode } from './read-onnx.js';
import { DataType } from './schema.js';
import { broadcastIndex, broadcastShapes, sizeOf, type Tensor } from './tensor.js';

/**
 * A float interpreter for the ONNX subset the importer supports, following ONNX (and FINN/QONNX
 * custom op) semantics node by node (see ops.ts for the numeric convention). It is the reference
 * the imported integer model is checked against: it shares the per-element operator definitions
 * with the importer but none of the streamlining (no chains, no popcounts, no thresholds folded).
 */
export const SUPPORTED_OPS = [
  'Add', 'Sub', 'Mul', 'Div', 'Relu', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose', 'Identity', 'MatMul',
  'Gemm', 'Conv', 'MaxPool', 'Pad', 'BatchNormalization', 'TopK', 'MultiThreshold', 'BipolarQuant', 'Quant', 'IntQuant',
] as const;

/** Evaluate the whole graph; returns every tensor by name (initializers, inputs and node outputs). */
export function interpret(model: OnnxModel, feeds: Record<string, Tensor>, file?: string): Map<string, Tensor> {
  const g = model.graph;
  const values = new Map<string, Tensor>(g.initializers);
  for (const [k, v] of Object.entries(feeds)) values.set(k, v);
  for (const inp of g.inputs) {
    if (!values.has(inp.name))
      throw new BnnError({ code: 'INPUT_INVALID', message: `no value given for graph input ${inp.name}`, file, field: inp.name });
  }
  for (const node of g.nodes) {
    const ins = node.inputs.map((n) => {
      if (n === '') return undefined;
      const v = values.get(n);
      if (!v) invalid(node, `input ${n} is not computed before this node (graph not topologically sorted?)`, file);
      return v;
    });
    const outs = execNode(node, ins, file);
    node.outputs.forEach((o, i) => {
      if (o !== '' && outs[i]) values.set(o, outs[i]!);
    });
  }
  return values;
}

function need(node: OnnxNode, ins: (Tensor | undefined)[], i: number, file?: string): Tensor {
  const t = ins[i];
  if (!t) invalid(node, `missing input ${i}`, file);
  return t;
}

function elementwise(node: OnnxNode, op: BinaryOp, a: Tensor, b: Tensor, file?: string): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) invalid(node, `shapes [${a.shape}] and [${b.shape}] do not broadcast`, file);
  const n = sizeOf(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++)
    data[i] = binary(op, a.dtype, a.data[broadcastIndex(shape, a.shape, i)]!, b.data[broadcastIndex(shape, b.shape, i)]!);
  return { dtype: a.dtype, shape, data };
}

function matmul2d(node: OnnxNode, a: Tensor, b: Tensor, file?: string): Tensor {
  const aShape = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  if (aShape.length !== 2 || b.shape.length !== 2) unsupported(node, `only 1-D/2-D × 2-D MatMul is supported, got [${a.shape}] × [${b.shape}]`, file);
  const [m, k] = aShape as [number, number];
  const [k2, n] = b.shape as [number, number];
  if (k !== k2) invalid(node, `inner dimensions differ: [${a.shape}] × [${b.shape}]`, file);
  const data = new Float64Array(m * n);
  for (let r = 0; r < m; r++)
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += a.data[r * k + i]! * b.data[i * n + c]!;
      data[r * n + c] = roundTo(a.dtype, s);
    }
  return { dtype: a.dtype, shape: a.shape.length === 1 ? [n] : [m, n], data };
}

function transpose2d(t: Tensor): Tensor {
  const [r, c] = t.shape as [number, number];
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j]!;
  return { dtype: t.dtype, shape: [c, r], data };
}

/**
 * ONNX Conv over NCHW (group 1): Y[m, oy, ox] = B[m] + Σ_c Σ_ky Σ_kx X[c, oy·sh − top + ky·dh,
 * ox·sw − left + kx·dw]·W[m, c, ky, kx], elements outside the input being 0; the sum in double,
 * rounded once to the element type.
 */
function conv2d(node: OnnxNode, x: Tensor, w: Tensor, b: Tensor | undefined, file?: string): Tensor {
  const a = convAttrs(node, w.shape, file);
  if (a.group !== 1) unsupported(node, `attribute group = ${a.group} is not supported (supported: 1)`, file);
  if (x.shape.length !== 4 || x.shape[0] !== 1) unsupported(node, `input must be [1, C, H, W], got [${x.shape}]`, file);
  const [, c, h, wd] = x.shape as [number, number, number, number];
  const [m, wc, kh, kw] = w.shape as [number, number, number, number];
  if (wc !== c) invalid(node, `weights have ${wc} input channels, the input has ${c}`, file);
  if (b && b.data.length !== m) invalid(node, `bias B has ${b.data.length} values, expected ${m}`, file);
  const [top, left, bottom, right] = a.pads;
  const oh = spatialOut(h, kh, a.strides[0], top, bottom, a.dilations[0]);
  const ow = spatialOut(wd, kw, a.strides[1], left, right, a.dilations[1]);
  if (oh < 1 || ow < 1) invalid(node, `the kernel does not fit the input [${x.shape}]`, file);
  const data = new Float64Array(m * oh * ow);
  for (let o = 0; o < m; o++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let s = 0;
        for (let ch = 0; ch < c; ch++)
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * a.strides[0] - top + ky * a.dilations[0];
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * a.strides[1] - left + kx * a.dilations[1];
              if (ix < 0 || ix >= wd) continue;
              s += x.data[(ch * h + iy) * wd + ix]! * w.data[((o * c + ch) * kh + ky) * kw + kx]!;
            }
          }
        data[(o * oh + oy) * ow + ox] = roundTo(x.dtype, s + (b ? b.data[o]! : 0));
      }
  return { dtype: x.dtype, shape: [1, m, oh, ow], data };
}

/** ONNX MaxPool over NCHW (ceil_mode 0): the max over each window, padded elements being −∞. */
function maxPool2d(node: OnnxNode, x: Tensor, file?: string): Tensor {
  const a = poolAttrs(node, file);
  if (a.ceilMode !== 0) unsupported(node, `attribute ceil_mode = ${a.ceilMode} is not supported (supported: 0)`, file);
  if (node.outputs.filter((o) => o !== '').length > 1) unsupported(node, 'the Indices output is not supported', file);
  if (x.shape.length !== 4) unsupported(node, `input must be [N, C, H, W], got [${x.shape}]`, file);
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [kh, kw] = a.kernel;
  const [top, left, bottom, right] = a.pads;
  const oh = spatialOut(h, kh, a.strides[0], top, bottom, a.dilations[0]);
  const ow = spatialOut(wd, kw, a.strides[1], left, right, a.dilations[1]);
  const data = new Float64Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let mx = -Infinity;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * a.strides[0] - top + ky * a.dilations[0];
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * a.strides[1] - left + kx * a.dilations[1];
            if (ix >= 0 && ix < wd) mx = Math.max(mx, x.data[(p * h + iy) * wd + ix]!);
          }
        }
        data[(p * oh + oy) * ow + ox] = mx;
      }
  return { dtype: x.dtype, shape: [n, c, oh, ow], data };
}

/** ONNX Pad, constant mode: every axis grown by its begin/end pads, new elements = the constant. */
function pad(node: OnnxNode, x: Tensor, pads: Tensor | undefined, value: Tensor | undefined, axes: Tensor | undefined, file?: string): Tensor {
  const p = padSpec(node, x.shape.length, pads, value, axes, file);
  const shape = x.shape.map((d, a) => d + p.begin[a]! + p.end[a]!);
  const data = new Float64Array(sizeOf(shape)).fill(roundTo(x.dtype, p.value));
  const inStrides = stridesOf(x.shape);
  const outStrides = stridesOf(shape);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let a = 0; a < x.shape.length; a++) o += (Math.floor(i / inStrides[a]!) % x.shape[a]! + p.begin[a]!) * outStrides[a]!;
    data[o] = x.data[i]!;
  }
  return { dtype: x.dtype, shape, data };
}

/** Execute one node on concrete tensors. */
export function execNode(node: OnnxNode, ins: (Tensor | undefined)[], file?: string): Tensor[] {
  const custom = isCustomDomain(node.domain);
  if (node.domain !== '' && node.domain !== 'ai.onnx' && !custom)
    unsupported(node, `operator domain ${node.domain} is not supported`, file);
  const op = node.opType;
  if (custom !== ['MultiThreshold', 'BipolarQuant', 'Quant', 'IntQuant'].includes(op))
    unsupported(node, custom ? 'not a supported FINN/QONNX custom operator' : 'operator not supported', file);
  switch (op) {
    case 'Add': case 'Sub': case 'Mul': case 'Div':
      return [elementwise(node, op, need(node, ins, 0, file), need(node, ins, 1, file), file)];
    case 'Identity':
      return [need(node, ins, 0, file)];
    case 'Relu': {
      const x = need(node, ins, 0, file);
      return [{ ...x, data: x.data.map((v) => (v > 0 ? v : 0)) }];
    }
    case 'Transpose': {
      const x = need(node, ins, 0, file);
      const perm = transposePerm(node, x.shape.length, file);
      const src = transposeSource(x.shape, perm);
      return [{ dtype: x.dtype, shape: transposeShape(x.shape, perm), data: Float64Array.from(src, (i) => x.data[i]!) }];
    }
    case 'Conv':
      return [conv2d(node, need(node, ins, 0, file), need(node, ins, 1, file), ins[2], file)];
    case 'MaxPool':
      return [maxPool2d(node, need(node, ins, 0, file), file)];
    case 'Pad':
      return [pad(node, need(node, ins, 0, file), ins[1], ins[2], ins[3], file)];
    case 'Reshape': {
      const x = need(node, ins, 0, file);
      return [{ ...x, shape: reshapeShape(node, x.shape, ins[1], file) }];
    }
    case 'Flatten': {
      const x = need(node, ins, 0, file);
      return [{ ...x, shape: flattenShape(node, x.shape, file) }];
    }
    case 'Squeeze': {
      const x = need(node, ins, 0, file);
      return [{ ...x, shape: squeezeShape(node, x.shape, axesOf(node, ins[1], file), file) }];
    }
    case 'Unsqueeze': {
      const x = need(node, ins, 0, file);
      return [{ ...x, shape: unsqueezeShape(node, x.shape, axesOf(node, ins[1], file), file) }];
    }
    case 'MatMul':
      return [matmul2d(node, need(node, ins, 0, file), need(node, ins, 1, file), file)];
    case 'Gemm': {
      let a = need(node, ins, 0, file);
      let b = need(node, ins, 1, file);
      if (a.shape.length !== 2 || b.shape.length !== 2) invalid(node, 'Gemm needs 2-D A and B', file);
      if (attrInt(node, 'transA', 0, file)) a = transpose2d(a);
      if (attrInt(node, 'transB', 0, file)) b = transpose2d(b);
      const alpha = attrFloat(node, 'alpha', 1, file);
      const beta = attrFloat(node, 'beta', 1, file);
      const c = ins[2];
      const [m, k] = a.shape as [number, number];
      const n = b.shape[1]!;
      if (b.shape[0] !== k) invalid(node, `inner dimensions differ: [${a.shape}] × [${b.shape}]`, file);
      const data = new Float64Array(m * n);
      for (let r = 0; r < m; r++)
        for (let col = 0; col < n; col++) {
          let s = 0;
          for (let i = 0; i < k; i++) s += a.data[r * k + i]! * b.data[i * n + col]!;
          const cv = c ? c.data[broadcastIndex([m, n], c.shape, r * n + col)]! : 0;
          data[r * n + col] = roundTo(a.dtype, alpha * s + beta * cv);
        }
      return [{ dtype: a.dtype, shape: [m, n], data }];
    }
    case 'BatchNormalization': {
      if (node.outputs.filter((o) => o !== '').length > 1 || attrInt(node, 'training_mode', 0, file))
        unsupported(node, 'training-mode BatchNormalization (running statistics outputs)', file);
      const x = need(node, ins, 0, file);
      const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => need(node, ins, i, file));
      const eps = attrFloat(node, 'epsilon', 1e-5, file);
      const c = x.shape[1] ?? 1;
      const inner = sizeOf(x.shape.slice(2));
      const data = new Float64Array(x.data.length);
      for (let i = 0; i < data.length; i++) {
        const ch = Math.floor(i / inner) % c;
        data[i] = batchNorm(x.dtype, x.data[i]!, scale!.data[ch]!, bias!.data[ch]!, mean!.data[ch]!, variance!.data[ch]!, eps);
      }
      return [{ dtype: x.dtype, shape: x.shape, data }];
    }
    case 'MultiThreshold': {
      const x = need(node, ins, 0, file);
      const th = need(node, ins, 1, file);
      if (th.shape.length !== 2) invalid(node, 'thresholds must be 2-D [channels or 1, steps]', file, '2-D', `[${th.shape}]`);
      const outScale = attrFloat(node, 'out_scale', 1, file);
      const outBias = attrFloat(node, 'out_bias', 0, file);
      const axis = multiThresholdChannelAxis(node, x.shape.length, file);
      const c = x.shape[axis] ?? 1;
      const [tc, steps] = th.shape as [number, number];
      if (tc !== 1 && tc !== c) invalid(node, `thresholds for ${tc} channels, input has ${c}`, file);
      const inner = sizeOf(x.shape.slice(axis + 1));
      const data = new Float64Array(x.data.length);
      for (let i = 0; i < data.length; i++) {
        const ch = tc === 1 ? 0 : Math.floor(i / inner) % c;
        data[i] = multiThreshold(x.data[i]!, th.data.subarray(ch * steps, (ch + 1) * steps), outScale, outBias);
      }
      return [{ dtype: DataType.FLOAT, shape: x.shape, data }];
    }
    case 'BipolarQuant': {
      const x = need(node, ins, 0, file);
      const s = need(node, ins, 1, file);
      const data = new Float64Array(x.data.length);
      for (let i = 0; i < data.length; i++) data[i] = bipolarQuant(x.data[i]!, s.data[broadcastIndex(x.shape, s.shape, i)]!);
      return [{ dtype: DataType.FLOAT, shape: x.shape, data }];
    }
    case 'Quant': case 'IntQuant': {
      const x = need(node, ins, 0, file);
      const [scale, zero, bits] = [1, 2, 3].map((i) => need(node, ins, i, file));
      const signed = attrInt(node, 'signed', 1, file) !== 0;
      const narrow = attrInt(node, 'narrow', 0, file) !== 0;
      const mode = roundingModeOf(node, file);
      const data = new Float64Array(x.data.length);
      for (let i = 0; i < data.length; i++) {
        const s = scale!.data[broadcastIndex(x.shape, scale!.shape, i)]!;
        const z = zero!.data[broadcastIndex(x.shape, zero!.shape, i)]!;
        const b = bits!.data[broadcastIndex(x.shape, bits!.shape, i)]!;
        const { min, max } = quantRange(signed, narrow, b);
        data[i] = dequant(quantInt(x.data[i]!, s, z, min, max, mode), s, z);
      }
      return [{ dtype: DataType.FLOAT, shape: x.shape, data }];
    }
    case 'TopK': {
      const x = need(node, ins, 0, file);
      const kT = need(node, ins, 1, file);
      const k = kT.data[0]!;
      const rank = x.shape.length;
      let axis = attrInt(node, 'axis', -1, file);
      if (axis < 0) axis += rank;
      if (axis !== rank - 1) unsupported(node, 'TopK only over the last axis', file);
      const largest = attrInt(node, 'largest', 1, file);
      const len = x.shape[axis]!;
      if (k < 0 || k > len) invalid(node, `k = ${k} out of range`, file);
      const rows = x.data.length / len;
      const vals = new Float64Array(rows * k);
      const idx = new Float64Array(rows * k);
      for (let r = 0; r < rows; r++) {
        const order = Array.from({ length: len }, (_, i) => i);
        const row = x.data.subarray(r * len, (r + 1) * len);
        // Ties: the lower index comes first (ONNX TopK).
        order.sort((p, q) => (row[p]! === row[q]! ? p - q : largest ? row[q]! - row[p]! : row[p]! - row[q]!));
        for (let j = 0; j < k; j++) {
          vals[r * k + j] = row[order[j]!]!;
          idx[r * k + j] = order[j]!;
        }
      }
      const shape = [...x.shape.slice(0, -1), k];
      return [{ dtype: x.dtype, shape, data: vals }, { dtype: DataType.INT64, shape, data: idx }];
    }
  }
  return unsupported(node, 'operator not supported', file);
}
