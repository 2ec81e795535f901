import type { Direction } from '../model/types.js';
import { stepEdge, type StepEdge } from '../util/step-edge.js';
import { unsupported } from './ops.js';
import type { OnnxNode } from './read-onnx.js';
import type { FixedFirstLayer, PendingLayer, SignFn, Step, Sym } from './symbols.js';

/**
 * Folding a chain into integers. A sign threshold on a chain is folded exactly: the chain is
 * evaluated, with the ONNX semantics of ops.ts, at every reachable integer (every raw value
 * 0..2^rawBits−1; every popcount 0..N; every fixed-point sum s, bisected when the range is wide)
 * and the single step of that truth table is the integer threshold. Nothing is approximated: a
 * chain that is not one step is rejected with the node that stops it.
 */

export function evalChain(steps: Step[], v: number, i: number): number {
  for (const s of steps) v = s(v, i);
  return v;
}

/** Every point of these ranges is evaluated, however wide (a popcount or raw-value truth table). */
const ALL = Infinity;

export function foldInputEncoding(node: OnnxNode, steps: Step[], sign: SignFn, n: number, rawBits: number, file?: string): number {
  const levels = 2 ** rawBits;
  let shared: number | undefined;
  let first = -1;
  for (let i = 0; i < n; i++) {
    const st = stepEdge((r) => sign(evalChain(steps, r, i), i), 0, levels - 1, ALL);
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

export interface FoldedThresholds {
  thresholds: number[];
  direction: Direction[];
  counts: { ge: number; le: number; constant: number };
}

const noThresholds = (): FoldedThresholds => ({ thresholds: [], direction: [], counts: { ge: 0, le: 0, constant: 0 } });

/** A neuron's step over lo..hi as one threshold; a constant neuron becomes `>= lo` (always) or `>= hi + 1` (never). */
function pushThreshold(out: FoldedThresholds, e: StepEdge, lo: number, hi: number): void {
  if (e.kind === 'const') {
    out.thresholds.push(e.bit ? lo : hi + 1);
    out.direction.push('ge');
    out.counts.constant++;
  } else {
    out.thresholds.push(e.t);
    out.direction.push(e.kind);
    out.counts[e.kind]++;
  }
}

export function foldLayerThresholds(node: OnnxNode, steps: Step[], sign: SignFn, n: number, m: number, file?: string): FoldedThresholds {
  const out = noThresholds();
  for (let j = 0; j < m; j++) {
    const st = stepEdge((p) => sign(evalChain(steps, 2 * p - n, j), j), 0, n, ALL);
    if (!st) unsupported(node, `neuron ${j}: the activation is not monotonic in the popcount, it is not one threshold`, file);
    pushThreshold(out, st, 0, n);
  }
  return out;
}

/** The last layer's scores chain must keep argmax (and its lowest-index tie rule) exactly. */
export function finalScores(node: OnnxNode, s: Extract<Sym, { kind: 'acc' }>, layer: PendingLayer, file?: string): string {
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

const sameEdge = (a: StepEdge, b: StepEdge) =>
  a.kind === b.kind && (a.kind === 'const' ? a.bit === (b as { bit: number }).bit : a.t === (b as { t: number }).t);

const edgeText = (e: StepEdge) => (e.kind === 'const' ? `constant ${e.bit}` : `s ${e.kind === 'ge' ? '>=' : '<='} ${e.t}`);

/**
 * One integer threshold per neuron on s = Σ q_i·w_i. For every reachable s the graph's MatMul
 * value lies in [xlo(s), xhi(s)] (FixedFirstLayer); the chain after it is monotone, so the sign
 * at xlo(s) and at xhi(s) bound the graph's bit for every input with that s. Both are read as
 * step functions of s; when they have the same step, that step is the graph's bit for every
 * input — exact, ties included. When they differ, inputs with the same s can get different bits
 * in the graph and the layer is rejected. With an exact quantizer (d = 0: e.g. scale 1 or a
 * power of two) xlo = xhi = scale·(s − z·W_j), the MatMul value itself.
 */
export function foldFixedThresholds(node: OnnxNode, steps: Step[], sign: SignFn, fx: FixedFirstLayer, m: number, file?: string): FoldedThresholds {
  const out = noThresholds();
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
    const lo = stepEdge((s) => sign(evalChain(steps, x(s, false), j), j), sMin, sMax);
    const hi = exact ? lo : stepEdge((s) => sign(evalChain(steps, x(s, true), j), j), sMin, sMax);
    if (!lo || !hi) unsupported(node, `neuron ${j}: the activation is not monotonic in s = Σ q·w, it is not one threshold`, file);
    if (!sameEdge(lo, hi))
      unsupported(
        node,
        `neuron ${j}: the graph's activation is not a function of s = Σ q·w alone — the input scale ${scale} times (q − ${z}) is rounded to float32 per element, ` +
          `so inputs with the same s reach the MatMul as slightly different values, and this neuron's threshold falls inside that spread (between ${edgeText(lo)} and ${edgeText(hi)}); ` +
          'it cannot be folded into an exact integer threshold (a scale whose products with q − zeropt are exact in float32, e.g. a power of two, avoids this)',
        file,
      );
    pushThreshold(out, lo, sMin, sMax);
  }
  return out;
}
