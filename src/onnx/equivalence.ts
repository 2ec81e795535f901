import { getBit } from '../model/bits.js';
import { elementRange } from '../model/elements.js';
import { thresholdElement, type IntegerEngineLayer, type IntegerModel } from '../model/integer-model.js';

/**
 * Whether two integer models are the same network: the same input, layers, geometry, weights
 * and output rule, and every neuron giving the same output element at every accumulator value
 * its inputs can produce (thresholds may be written differently outside that range, e.g. a
 * constant neuron as `ge 0` or `ge accMin`). Equal here means equal predictions and scores on
 * every input. Returns the first difference, or undefined.
 */
export function integerNetworkDifference(a: IntegerModel, b: IntegerModel): string | undefined {
  const canon = (m: IntegerModel) => {
    const e = m.input.encoding;
    return JSON.stringify({ shape: m.input.shape, rawBits: m.input.rawBits, encoding: e.kind === 'fixed' ? { kind: e.kind, signed: e.signed } : { kind: e.kind, threshold: e.threshold } });
  };
  const ja = canon(a);
  const jb = canon(b);
  if (ja !== jb) return `input ${ja} vs ${jb}`;
  if (a.output !== b.output) return `output rule ${a.output} vs ${b.output}`;
  if (a.layers.length !== b.layers.length) return `${a.layers.length} vs ${b.layers.length} layers`;
  // Element range of the current layer's inputs (integers), or undefined for bits.
  const enc = a.input.encoding;
  let range: { min: number; max: number } | undefined = enc.kind === 'fixed' ? elementRange(a.input.rawBits, enc.signed) : undefined;
  for (let i = 0; i < a.layers.length; i++) {
    const la = a.layers[i]!;
    const lb = b.layers[i]!;
    const where = `layer ${i} (${la.name})`;
    if (la.kind !== lb.kind) return `${where}: ${la.kind} vs ${lb.kind}`;
    if (la.kind === 'maxpool2d' || lb.kind === 'maxpool2d') {
      if (JSON.stringify({ ...la, name: '' }) !== JSON.stringify({ ...lb, name: '' })) return `${where}: pool geometry differs`;
      continue;
    }
    const d = engineDifference(la, lb, range);
    if (d) return `${where}: ${d}`;
    const t = la.thresholds;
    range = t && t.outBits > 1 ? { min: t.outBias, max: t.outBias + t.count } : undefined;
  }
  return undefined;
}

function engineDifference(a: IntegerEngineLayer, b: IntegerEngineLayer, range: { min: number; max: number } | undefined): string | undefined {
  for (const k of ['inputs', 'outputs', 'inputBits', 'inputSigned'] as const) if (a[k] !== b[k]) return `${k} ${a[k]} vs ${b[k]}`;
  if (JSON.stringify(a.conv) !== JSON.stringify(b.conv)) return `convolution geometry ${JSON.stringify(a.conv)} vs ${JSON.stringify(b.conv)}`;
  for (let j = 0; j < a.outputs; j++)
    for (let k = 0; k < a.inputs; k++) if (getBit(a.weights[j]!, k) !== getBit(b.weights[j]!, k)) return `weight ${k} of neuron ${j}`;
  if (!a.thresholds || !b.thresholds) return a.thresholds || b.thresholds ? 'one has thresholds, the other scores' : undefined;
  const ta = a.thresholds;
  const tb = b.thresholds;
  if (ta.outBits !== tb.outBits || ta.outBias !== tb.outBias || ta.count !== tb.count) return `output elements (${ta.outBits} bits, outBias ${ta.outBias}, ${ta.count} thresholds) vs (${tb.outBits}, ${tb.outBias}, ${tb.count})`;
  const padded = (a.conv?.padding ?? 0) > 0;
  for (let j = 0; j < a.outputs; j++) {
    let lo = 0;
    let hi = a.inputs;
    if (range) {
      let p = 0;
      for (let k = 0; k < a.inputs; k++) p += getBit(a.weights[j]!, k);
      const m = a.inputs - p;
      const min = padded ? Math.min(range.min, 0) : range.min;
      const max = padded ? Math.max(range.max, 0) : range.max;
      lo = p * min - m * max;
      hi = p * max - m * min;
    }
    for (let v = lo; v <= hi; v++)
      if (thresholdElement(ta, j, v) !== thresholdElement(tb, j, v)) return `neuron ${j} at accumulator ${v}: element ${thresholdElement(ta, j, v)} vs ${thresholdElement(tb, j, v)}`;
  }
  return undefined;
}
