/** Where a monotone 0/1 function over an integer range changes: never, upward (ge) or downward (le). */
export type StepEdge = { kind: 'const'; bit: 0 | 1 } | { kind: 'ge'; t: number } | { kind: 'le'; t: number };

/** Ranges up to this many values are evaluated point by point; wider ones are bisected. */
export const EXHAUSTIVE = 1 << 16;

/**
 * The single step of a bit function over the integers lo..hi: `ge t` when it is 1 exactly from t
 * on, `le t` when it is 1 exactly up to t, `const` when it never changes; undefined when it is
 * not one step. Small ranges are checked exhaustively; a wider range is bisected for the edge and
 * checked around it (and sampled when both ends agree), which is exact for the monotone
 * predicates it serves and catches float noise near the edge.
 */
export function stepEdge(f: (v: number) => 0 | 1, lo: number, hi: number, exhaustive = EXHAUSTIVE): StepEdge | undefined {
  const fLo = f(lo);
  const fHi = f(hi);
  // The first value at which f differs from f(lo) (hi + 1: none).
  let edge = hi + 1;
  if (hi - lo <= exhaustive) {
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
