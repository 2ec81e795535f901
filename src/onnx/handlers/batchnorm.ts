import { attrFloat, attrInt, batchNorm, invalid, unsupported } from '../ops.js';
import { describe, inverseOrder, type Step } from '../symbols.js';
import { sizeOf } from '../tensor.js';
import type { OpHandler } from './state.js';

/** Inference-mode BatchNormalization with constant parameters, channel axis 1: one more step on the chain. */
export const batchNormalization: OpHandler = {
  apply(node, ins, { file }) {
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
    const inv = inverseOrder(s);
    // The BatchNorm channel of a stored element: its coordinate along ONNX axis 1.
    const channel = (src: number) => Math.floor(inv(src) / inner) % c;
    const step: Step = {
      f: (v, src) => {
        const ch = channel(src);
        return batchNorm(dtype, v, scale[ch]!, bias[ch]!, mean[ch]!, variance[ch]!, eps);
      },
      key: channel,
    };
    return [{ ...s, steps: [...s.steps, step], nodes: [...s.nodes, node.name] }];
  },
};
