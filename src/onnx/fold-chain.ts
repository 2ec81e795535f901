import type { Direction } from '../model/types.js';
import { stepEdge, type StepEdge } from '../util/step-edge.js';
import { unsupported } from './ops.js';
import type { OnnxNode } from './read-onnx.js';
import type { AccSym, PendingEngine, Quantizer, Step } from './symbols.js';

/**
 * Folding a chain into integers. A thresholding node on a chain is folded exactly: the chain is
 * evaluated, with the ONNX semantics of ops.ts, at every reachable integer (every raw value
 * 0..2^rawBits−1; every popcount 0..N; every signed sum s, bisected when the range is wide) and
 * the single step of each level's truth table is an integer threshold. Nothing is approximated:
 * a chain that is not one step per level is rejected with the node that stops it.
 */

export function evalChain(steps: Step[], v: number, src: number): number {
  for (const s of steps) v = s.f(v, src);
  return v;
}

/** Every point of these ranges is evaluated, however wide (a popcount or raw-value truth table). */
const ALL = Infinity;

export function foldInputEncoding(node: OnnxNode, steps: Step[], sign: Quantizer, n: number, rawBits: number, file?: string): number {
  const levels = 2 ** rawBits;
  let shared: number | undefined;
  let first = -1;
  const done = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const sig = signature(steps, sign, i);
    let t = done.get(sig);
    if (t === undefined) {
      const st = stepEdge((r) => (sign.code(evalChain(steps, r, i), i) ? 1 : 0), 0, levels - 1, ALL);
      if (!st) unsupported(node, `input element ${i}: the binarization is not a single threshold over raw values 0..${levels - 1}`, file);
      else if (st.kind === 'const') t = st.bit ? 0 : levels;
      else if (st.kind === 'le') unsupported(node, `input element ${i}: bit = (raw <= ${st.t}); the input encoding supports only raw >= T`, file);
      else t = st.t;
      done.set(sig, t);
    }
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

function signature(steps: Step[], q: Quantizer | undefined, src: number): string {
  let s = '';
  for (const st of steps) s += `${st.key(src)}|`;
  return q ? s + String(q.key(src)) : s;
}

/**
 * The accumulator of neuron j and the graph value it reaches its chain with. Binary inputs: the
 * popcount p ∈ [0, N], value 2p − N (exact). Integer inputs: s = Σ ±u over the reachable range,
 * value scale·(s − z·W_j) plus the float32 rounding of the levels, bounded by [x(s, false),
 * x(s, true)] (the same value when every level is exact).
 */
export interface AccRange {
  lo: number;
  hi: number;
  exact: boolean;
  x: (a: number, upper: boolean) => number;
  /** What the accumulator is, for messages. */
  what: string;
}

export function accRange(layer: PendingEngine, j: number): AccRange {
  const inp = layer.input;
  const n = layer.inputs;
  if (inp.kind === 'bits') return { lo: 0, hi: n, exact: true, x: (p) => 2 * p - n, what: 'popcount' };
  const { scale, zeroPoint: z } = inp.levels;
  const min = inp.padded ? Math.min(inp.levels.min, 0) : inp.levels.min;
  const max = inp.padded ? Math.max(inp.levels.max, 0) : inp.levels.max;
  const P = inp.plus[j]!;
  const M = inp.minus[j]!;
  const W = P - M;
  const dLo = P * inp.dmin - M * inp.dmax;
  const dHi = P * inp.dmax - M * inp.dmin;
  const exact = dLo === 0 && dHi === 0;
  return {
    lo: P * min - M * max,
    hi: P * max - M * min,
    exact,
    what: inp.fromInput ? 'signed sum s = Σ q·w' : 'signed sum s = Σ ±u',
    x: (s, upper) => {
      const base = scale * (s - z * W); // exact: |s − z·W| ≤ 2^27 (checked), scale has 24 significant bits
      if (exact) return base;
      // Round outward: a relative 2^-40 covers the double rounding of these few operations.
      const mu = (Math.abs(base) + Math.abs(dLo) + Math.abs(dHi)) * 2 ** -40;
      return upper ? base + dHi + mu : base + dLo - mu;
    },
  };
}

export interface FoldedActivation {
  /** Per neuron, `count` thresholds on the accumulator, all in the neuron's direction. */
  values: number[][];
  direction: Direction[];
  counts: { ge: number; le: number; constant: number };
}

const sameEdge = (a: StepEdge, b: StepEdge) =>
  a.kind === b.kind && (a.kind === 'const' ? a.bit === (b as { bit: number }).bit : a.t === (b as { t: number }).t);

const edgeText = (e: StepEdge, what: string) => (e.kind === 'const' ? `constant ${e.bit}` : `${what} ${e.kind === 'ge' ? '>=' : '<='} ${e.t}`);

/**
 * One integer threshold per level of every neuron of `layer`, from its chain `steps` and the
 * thresholding node `q`. For integer inputs whose levels are not exact in float32, inputs with
 * the same s reach the chain at slightly different values: each level is read at both bounds of
 * that spread and must have the same step there (then every input with that s gets the same
 * level in the graph and in the integer model — exact, ties included); otherwise the neuron is
 * rejected. A convolution's neuron is every pixel of its channel: pixels whose chains differ
 * (per-pixel constants) are folded apart and must agree.
 */
export function foldActivation(node: OnnxNode, layer: PendingEngine, steps: Step[], q: Quantizer, file?: string): FoldedActivation {
  const m = layer.outputs;
  const pixels = layer.outShape.length === 3 ? layer.outShape[0]! * layer.outShape[1]! : 1;
  const out: FoldedActivation = { values: [], direction: [], counts: { ge: 0, le: 0, constant: 0 } };
  for (let j = 0; j < m; j++) {
    const r = accRange(layer, j);
    let ref: { values: number[]; direction: Direction; px: number; constant: boolean } | undefined;
    const seen = new Set<string>();
    for (let px = 0; px < pixels; px++) {
      const src = px * m + j;
      const sig = signature(steps, q, src);
      if (seen.has(sig)) continue;
      seen.add(sig);
      const edges: StepEdge[] = [];
      for (let k = 1; k <= q.count; k++) {
        const level = (upper: boolean) => (a: number): 0 | 1 => (q.code(evalChain(steps, r.x(a, upper), src), src) >= k ? 1 : 0);
        const lo = stepEdge(level(false), r.lo, r.hi, r.exact && layer.input.kind === 'bits' ? ALL : undefined);
        const hi = r.exact ? lo : stepEdge(level(true), r.lo, r.hi);
        const which = `neuron ${j}${pixels > 1 ? ` (pixel ${px})` : ''}${q.count > 1 ? ` level ${k}` : ''}`;
        if (!lo || !hi) unsupported(node, `${which}: the activation is not monotonic in the ${r.what}, it is not one threshold`, file);
        if (!sameEdge(lo, hi)) {
          const inp = layer.input.kind === 'ints' ? layer.input.levels : undefined;
          unsupported(
            node,
            `${which}: the graph's activation is not a function of ${r.what.replace('signed sum ', '')} alone — the levels scale·(${r.what.includes('q') ? 'q' : 'u'} − ${inp?.zeroPoint ?? 0}) with scale ${inp?.scale} are rounded to float32 per element, ` +
              `so inputs with the same s reach the layer as slightly different values, and this neuron's threshold falls inside that spread (between ${edgeText(lo, 's')} and ${edgeText(hi, 's')}); ` +
              'it cannot be folded into an exact integer threshold (a scale whose products with the levels are exact in float32, e.g. a power of two, avoids this)',
            file,
          );
        }
        edges.push(lo);
      }
      const t = levelThresholds(node, `neuron ${j}`, edges, r.lo, r.hi, file);
      if (!ref) ref = { ...t, px };
      else if (t.direction !== ref.direction || t.values.some((v, k) => v !== ref!.values[k]))
        unsupported(
          node,
          `channel ${j}: pixels ${ref.px} and ${px} fold to different thresholds (${ref.direction} ${ref.values.join(',')} vs ${t.direction} ${t.values.join(',')}): a per-pixel constant in the chain; the model has one threshold set per channel`,
          file,
        );
    }
    out.values.push(ref!.values);
    out.direction.push(ref!.direction);
    if (ref!.constant) out.counts.constant++;
    else out.counts[ref!.direction]++;
  }
  return out;
}

/**
 * A neuron's levels as thresholds in one direction (docs/model-format.md, folded form): a level
 * never or always reached is written in the direction of the others (`ge`: lo / hi + 1; `le`:
 * hi / lo − 1; all constant: `ge`).
 */
function levelThresholds(node: OnnxNode, which: string, edges: StepEdge[], lo: number, hi: number, file?: string): { values: number[]; direction: Direction; constant: boolean } {
  const steps = edges.filter((e) => e.kind !== 'const');
  const direction: Direction = steps[0]?.kind === 'le' ? 'le' : 'ge';
  if (steps.some((e) => e.kind !== direction)) unsupported(node, `${which}: its levels are reached in both directions of the accumulator`, file);
  const values = edges.map((e) => {
    if (e.kind !== 'const') return e.t;
    if (direction === 'ge') return e.bit ? lo : hi + 1;
    return e.bit ? hi : lo - 1;
  });
  return { values, direction, constant: steps.length === 0 };
}

/**
 * The last layer's scores chain must keep argmax (and its lowest-index tie rule) exactly: the
 * same strictly increasing function of the accumulator for every class, checked at every
 * reachable value in float32.
 */
export function finalScores(node: OnnxNode, s: AccSym, layer: PendingEngine, file?: string): string {
  const chain = s.nodes.slice(1);
  const chainText = chain.length ? chain.join(' → ') : '(no ops)';
  if (layer.kind !== 'dense') unsupported(node, `the scores come from ${layer.name} (${layer.node}), a convolution; the score layer must be a MatMul/Gemm`, file);
  const inp = layer.input;
  let lo: number;
  let hi: number;
  let x: (a: number) => number;
  if (inp.kind === 'bits') {
    const n = layer.inputs;
    [lo, hi, x] = [0, n, (p) => 2 * p - n];
  } else {
    if (inp.dmin !== 0 || inp.dmax !== 0 || inp.levels.zeroPoint !== 0)
      unsupported(
        node,
        `the score layer ${layer.name} reads integer elements whose graph values are not exactly scale·u (float32 rounding or a zero point), so its graph scores are not a function of s = Σ ±u alone and their argmax may differ from the integer model's`,
        file,
      );
    const bound = layer.inputs * Math.max(Math.abs(inp.levels.min), Math.abs(inp.levels.max));
    const scale = inp.levels.scale;
    [lo, hi, x] = [-bound, bound, (v) => scale * v];
  }
  const what = inp.kind === 'bits' ? 'popcount' : 'sum s';
  const ref = new Float64Array(hi - lo + 1);
  for (let a = lo; a <= hi; a++) ref[a - lo] = evalChain(s.steps, x(a), 0);
  for (let j = 1; j < layer.outputs; j++)
    for (let a = lo; a <= hi; a++) {
      const v = evalChain(s.steps, x(a), j);
      if (v !== ref[a - lo])
        unsupported(
          node,
          `the scores' chain ${chainText} after ${layer.node} differs between classes (class 0 and class ${j} at ${what} ${a}: ${ref[a - lo]} vs ${v}), so argmax over ${what}s would not reproduce the graph's; model format v1 would need per-class score scales/offsets on the last layer`,
          file,
        );
    }
  for (let a = lo + 1; a <= hi; a++) {
    if (!(ref[a - lo]! > ref[a - lo - 1]!))
      unsupported(
        node,
        `the scores' chain ${chainText} after ${layer.node} is not strictly increasing in the ${what} (at ${a - 1}, ${a}: ${ref[a - lo - 1]} then ${ref[a - lo]}), so argmax over ${what}s would not reproduce the graph's`,
        file,
      );
  }
  return `last layer ${layer.name} (${layer.inputs}→${layer.outputs}, ${layer.weightNote}): ${chainText} is one strictly increasing map shared by all ${layer.outputs} classes (checked at every ${what} ${lo}..${hi}), dropped: scores = ${inp.kind === 'bits' ? 'popcount' : 's'}`;
}
