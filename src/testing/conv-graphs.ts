import { quantRange } from '../onnx/ops.js';
import type { AttrValue } from '../onnx/read-onnx.js';
import { DataType } from '../onnx/schema.js';
import type { ModelSpec, NodeSpec, TensorSpec } from '../onnx/write-onnx.js';
import { Prng } from '../util/prng.js';
import { f32, float, i64, int, ints, Q, randomFloats, str } from './onnx-graphs.js';

/**
 * For tests: convolutional QONNX / FINN-style graphs as Brevitas and FINN export them, built layer
 * by layer. Every tensor between layers is NCHW [1, C, H, W] (dense: [1, N]); BatchNorm
 * parameters are drawn around where the accumulator lies so that thresholds are not constant.
 */
export type ConvAct =
  | { kind: 'bn-sign' }
  | { kind: 'sign' }
  /** MultiThreshold on the accumulator (optionally after a BN), rows per channel. */
  | { kind: 'mt'; thresholds: (m: number, rng: Prng) => number[][]; outScale: number; outBias: number; outDtype?: string; nhwc?: boolean; bn?: boolean }
  /** BatchNorm (or Relu when relu) then Quant. */
  | { kind: 'bn-quant'; bits: number; signed?: boolean; narrow?: boolean; scale: number; zero?: number; rounding?: string; relu?: boolean; noBn?: boolean };

export type ConvSpec =
  | { conv: number; k: number; stride?: number; pads?: number[]; autoPad?: string; group?: number; dilations?: number[]; padNode?: number; bias?: boolean; weightScale?: number; act: ConvAct; name?: string }
  | { pool: number; strides?: number[]; pads?: number[]; ceil?: number; name?: string }
  | { flatten: 'flatten' | 'transpose' }
  | { dense: number; act?: ConvAct; name?: string };

export interface ConvNetOptions {
  /** NCHW input [C, H, W]. */
  input: [number, number, number];
  /** quant: the 8-bit unsigned Quant (scale 1) of the first layer; threshold: FINN's MultiThreshold at 128. */
  inputStage?: 'quant' | 'threshold';
  layers: ConvSpec[];
  seed?: number;
  /** The final TopK (default) or the scores as the graph output. */
  topk?: boolean;
}

interface Cur {
  name: string;
  shape: number[];
  /** RMS of the values, for BN statistics. */
  rms: number;
}

export function convNet(o: ConvNetOptions): ModelSpec {
  const rng = new Prng(o.seed ?? 1);
  const nodes: NodeSpec[] = [];
  const inits: TensorSpec[] = [f32('one', [], [1]), i64('k1', [1], [1])];
  let uid = 0;
  const t = (base: string) => `${base}_${uid++}`;
  const [c0, h0, w0] = o.input;
  let cur: Cur = { name: 'global_in', shape: [1, c0, h0, w0], rms: 147 };
  if ((o.inputStage ?? 'quant') === 'quant') {
    inits.push(f32('in_scale', [], [1]), f32('in_zero', [], [0]), f32('in_bits', [], [8]));
    nodes.push({ name: 'quant_in', opType: 'Quant', domain: Q, inputs: ['global_in', 'in_scale', 'in_zero', 'in_bits'], outputs: ['x_q'], attrs: { signed: int(0), narrow: int(0), rounding_mode: str('ROUND') } });
    cur = { ...cur, name: 'x_q' };
  } else {
    inits.push(f32('in_thr', [1, 1], [128]));
    nodes.push({ name: 'mt_in', opType: 'MultiThreshold', domain: Q, inputs: ['global_in', 'in_thr'], outputs: ['x_bits'], attrs: { out_dtype: str('BIPOLAR'), out_scale: float(2), out_bias: float(-1) } });
    cur = { ...cur, name: 'x_bits', rms: 1 };
  }

  const activation = (act: ConvAct, acc: Cur, m: number, n: number, name: string): Cur => {
    const spatial = acc.shape.length === 4;
    const sd = Math.sqrt(n) * acc.rms;
    const bnParams = (gammaScale: number, betaOff: number) => {
      const names = ['s', 'b', 'm', 'v'].map((k) => t(`${name}_bn${k}`));
      inits.push(
        f32(names[0]!, [m], Array.from({ length: m }, (_, j) => Math.fround((j % 4 === 3 ? -1 : 1) * (0.5 + rng.float()) * gammaScale))),
        f32(names[1]!, [m], Array.from({ length: m }, () => Math.fround(betaOff + (rng.float() - 0.5) * gammaScale))),
        f32(names[2]!, [m], Array.from({ length: m }, () => Math.fround((rng.float() - 0.5) * sd))),
        f32(names[3]!, [m], Array.from({ length: m }, () => Math.fround(sd * sd * (0.5 + rng.float())))),
      );
      return names;
    };
    const bn = (input: string, gammaScale: number, betaOff: number) => {
      const out = t(`${name}_bn`);
      nodes.push({ name: `${name}_bn`, opType: 'BatchNormalization', inputs: [input, ...bnParams(gammaScale, betaOff)], outputs: [out], attrs: { epsilon: float(1e-4) } });
      return out;
    };
    if (act.kind === 'bn-sign' || act.kind === 'sign') {
      const x = act.kind === 'bn-sign' ? bn(acc.name, 1, 0) : acc.name;
      const out = t(`${name}_bits`);
      nodes.push({ name: `${name}_sign`, opType: 'BipolarQuant', domain: Q, inputs: [x, 'one'], outputs: [out] });
      return { name: out, shape: acc.shape, rms: 1 };
    }
    if (act.kind === 'mt') {
      let x = act.bn ? bn(acc.name, sd, 0) : acc.name;
      const rows = act.thresholds(m, rng);
      const thr = t(`${name}_thr`);
      inits.push(f32(thr, [m, rows[0]!.length], rows.flat()));
      if (act.nhwc && spatial) {
        const tr = t(`${name}_nhwc`);
        nodes.push({ name: `${name}_to_nhwc`, opType: 'Transpose', inputs: [x], outputs: [tr], attrs: { perm: ints([0, 2, 3, 1]) } });
        x = tr;
      }
      const out = t(`${name}_mt`);
      const attrs: Record<string, AttrValue> = { out_scale: float(act.outScale), out_bias: float(act.outBias), out_dtype: str(act.outDtype ?? 'INT2') };
      if (act.nhwc) attrs.data_layout = str('NHWC');
      nodes.push({ name: `${name}_mt`, opType: 'MultiThreshold', domain: Q, inputs: [x, thr], outputs: [out], attrs });
      let y = out;
      if (act.nhwc && spatial) {
        y = t(`${name}_nchw`);
        nodes.push({ name: `${name}_to_nchw`, opType: 'Transpose', inputs: [out], outputs: [y], attrs: { perm: ints([0, 3, 1, 2]) } });
      }
      const levels = rows[0]!.length + 1;
      return { name: y, shape: acc.shape, rms: Math.abs(act.outScale) * Math.max(1, levels / 2) };
    }
    const signed = act.signed ?? false;
    const { min, max } = quantRange(signed, act.narrow ?? false, act.bits);
    const zero = act.zero ?? 0;
    let x = acc.name;
    if (act.relu) {
      const r = t(`${name}_relu`);
      x = act.noBn ? acc.name : bn(acc.name, act.scale * (max - min) / 2, act.scale * (max - min) / 4);
      nodes.push({ name: `${name}_relu`, opType: 'Relu', inputs: [x], outputs: [r] });
      x = r;
    } else if (!act.noBn) x = bn(acc.name, (act.scale * (max - min)) / 3, act.scale * ((min + max) / 2 - zero));
    const qs = [t(`${name}_qs`), t(`${name}_qz`), t(`${name}_qb`)];
    inits.push(f32(qs[0]!, [], [act.scale]), f32(qs[1]!, [], [zero]), f32(qs[2]!, [], [act.bits]));
    const out = t(`${name}_q`);
    nodes.push({
      name: `${name}_quant`, opType: 'Quant', domain: Q, inputs: [x, ...qs], outputs: [out],
      attrs: { signed: int(signed ? 1 : 0), narrow: int(act.narrow ? 1 : 0), rounding_mode: str(act.rounding ?? 'ROUND') },
    });
    return { name: out, shape: acc.shape, rms: act.scale * Math.max(1, (max - min) / 2) };
  };

  o.layers.forEach((l, li) => {
    if ('conv' in l) {
      const [, c, h, w] = cur.shape as [number, number, number, number];
      const name = l.name ?? `conv${li}`;
      let input = cur.name;
      let [ph, pw] = [h, w];
      if (l.padNode !== undefined) {
        const pads = t(`${name}_pads`);
        const pv = t(`${name}_padv`);
        inits.push(i64(pads, [8], [0, 0, 1, 1, 0, 0, 1, 1]), f32(pv, [], [l.padNode]));
        input = t(`${name}_padded`);
        nodes.push({ name: `${name}_pad`, opType: 'Pad', inputs: [cur.name, pads, pv], outputs: [input], attrs: { mode: str('constant') } });
        [ph, pw] = [h + 2, w + 2];
      }
      const wname = t(`${name}_wf`);
      const ws = l.weightScale ?? 1;
      inits.push(f32(wname, [l.conv, c, l.k, l.k], randomFloats(rng, l.conv * c * l.k * l.k)));
      const wq = t(`${name}_w`);
      const sc = t(`${name}_ws`);
      inits.push(f32(sc, [], [ws]));
      nodes.push({ name: `${name}_wquant`, opType: 'BipolarQuant', domain: Q, inputs: [wname, sc], outputs: [wq] });
      const acc = t(`${name}_acc`);
      const attrs: Record<string, AttrValue> = { kernel_shape: ints([l.k, l.k]), strides: ints([l.stride ?? 1, l.stride ?? 1]) };
      if (l.pads) attrs.pads = ints(l.pads);
      if (l.autoPad) attrs.auto_pad = str(l.autoPad);
      if (l.group !== undefined) attrs.group = int(l.group);
      if (l.dilations) attrs.dilations = ints(l.dilations);
      const ins = [input, wq];
      if (l.bias) {
        const b = t(`${name}_b`);
        inits.push(f32(b, [l.conv], randomFloats(rng, l.conv)));
        ins.push(b);
      }
      nodes.push({ name, opType: 'Conv', inputs: ins, outputs: [acc], attrs });
      const p = l.pads ?? [0, 0, 0, 0];
      const s = l.stride ?? 1;
      const oh = Math.floor((ph + p[0]! + p[2]! - l.k) / s) + 1;
      const ow = Math.floor((pw + p[1]! + p[3]! - l.k) / s) + 1;
      cur = activation(l.act, { name: acc, shape: [1, l.conv, oh, ow], rms: ws * cur.rms }, l.conv, c * l.k * l.k, name);
    } else if ('pool' in l) {
      const [, c, h, w] = cur.shape as [number, number, number, number];
      const out = t('pool');
      const attrs: Record<string, AttrValue> = { kernel_shape: ints([l.pool, l.pool]), strides: ints(l.strides ?? [l.pool, l.pool]) };
      if (l.pads) attrs.pads = ints(l.pads);
      if (l.ceil !== undefined) attrs.ceil_mode = int(l.ceil);
      nodes.push({ name: l.name ?? `pool${li}`, opType: 'MaxPool', inputs: [cur.name], outputs: [out], attrs });
      cur = { ...cur, name: out, shape: [1, c, Math.floor(h / l.pool), Math.floor(w / l.pool)] };
    } else if ('flatten' in l) {
      const n = cur.shape.reduce((a, b) => a * b, 1);
      let x = cur.name;
      if (l.flatten === 'transpose') {
        const tr = t('nhwc');
        nodes.push({ name: `transpose${li}`, opType: 'Transpose', inputs: [x], outputs: [tr], attrs: { perm: ints([0, 2, 3, 1]) } });
        const shp = t('shape');
        inits.push(i64(shp, [2], [1, -1]));
        x = t('flat');
        nodes.push({ name: `reshape${li}`, opType: 'Reshape', inputs: [tr, shp], outputs: [x] });
      } else {
        const out = t('flat');
        nodes.push({ name: `flatten${li}`, opType: 'Flatten', inputs: [x], outputs: [out], attrs: { axis: int(1) } });
        x = out;
      }
      cur = { ...cur, name: x, shape: [1, n] };
    } else {
      const n = cur.shape[1]!;
      const name = l.name ?? `fc${li}`;
      const wname = t(`${name}_wf`);
      inits.push(f32(wname, [n, l.dense], randomFloats(rng, n * l.dense)));
      const wq = t(`${name}_w`);
      nodes.push({ name: `${name}_wquant`, opType: 'BipolarQuant', domain: Q, inputs: [wname, 'one'], outputs: [wq] });
      const acc = t(`${name}_acc`);
      nodes.push({ name, opType: 'MatMul', inputs: [cur.name, wq], outputs: [acc] });
      const accCur = { name: acc, shape: [1, l.dense], rms: cur.rms };
      cur = l.act ? activation(l.act, accCur, l.dense, n, name) : accCur;
    }
  });
  const topk = o.topk ?? true;
  if (topk) nodes.push({ name: 'topk', opType: 'TopK', inputs: [cur.name, 'k1'], outputs: ['top_v', 'global_out'], attrs: { axis: int(-1), largest: int(1), sorted: int(1) } });
  return {
    opsets: [{ domain: '', version: 13 }, { domain: Q, version: 1 }],
    graph: {
      name: 'convnet',
      nodes,
      initializers: inits,
      inputs: [{ name: 'global_in', elemType: DataType.FLOAT, shape: ['N', c0, h0, w0] }],
      outputs: topk ? [{ name: 'global_out', elemType: DataType.INT64, shape: [1, 1] }] : [{ name: cur.name, elemType: DataType.FLOAT, shape: cur.shape }],
      annotations: { global_in: { finn_datatype: 'UINT8' } },
    },
  };
}
