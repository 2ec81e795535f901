import { BnnError } from '../errors.js';

/** A layer of a convolutional architecture string. */
export type ArchOp =
  | { kind: 'conv'; out: number; k: number; s: number; p: number }
  | { kind: 'pool'; k: number }
  | { kind: 'dense'; out: number };

/** True if `s` is a convolutional architecture string (letters), not `784-256-10`. */
export function isConvArch(s: string): boolean {
  return /[a-z]/i.test(s);
}

/**
 * Parse `c16k3,p2,c32k3,p2,f10`: `c<N>k<K>[s<S>][p<P>]` convolution (N output channels, K×K
 * kernel, stride S default 1, padding P default 0), `p<K>` max-pool (K×K, stride K), `f<N>` dense.
 */
export function parseConvArch(s: string): ArchOp[] {
  const bad = (why: string) =>
    new BnnError({ code: 'USAGE', message: `invalid architecture ${JSON.stringify(s)}: ${why}`, field: '--arch', expected: 'comma-separated c<N>k<K>[s<S>][p<P>], p<K>, f<N>, ending with f<classes>, e.g. c16k3,p2,c32k3,p2,f10' });
  const ops: ArchOp[] = [];
  for (const tok of s.split(',').map((t) => t.trim())) {
    let m: RegExpExecArray | null;
    if ((m = /^c([1-9][0-9]*)k([1-9][0-9]*)(?:s([1-9][0-9]*))?(?:p([0-9]+))?$/.exec(tok))) {
      const [out, k, st, p] = [Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : 1, m[4] ? Number(m[4]) : 0];
      if (out > 4096 || k > 15 || st > 15 || p > k - 1) throw bad(`${tok}: channels <= 4096, kernel <= 15, stride <= 15, padding <= kernel-1`);
      ops.push({ kind: 'conv', out, k, s: st, p });
    } else if ((m = /^p([1-9][0-9]*)$/.exec(tok))) {
      ops.push({ kind: 'pool', k: Number(m[1]) });
    } else if ((m = /^f([1-9][0-9]*)$/.exec(tok))) {
      if (Number(m[1]) > 1 << 16) throw bad(`${tok}: too wide`);
      ops.push({ kind: 'dense', out: Number(m[1]) });
    } else throw bad(`unknown token ${JSON.stringify(tok)}`);
  }
  if (ops.length === 0 || ops[ops.length - 1]!.kind !== 'dense') throw bad('the last layer must be dense (f<classes>)');
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.kind === 'pool' && (i === 0 || ops[i - 1]!.kind !== 'conv')) throw bad('a pool must follow a convolution');
    if (o.kind !== 'dense' && ops.slice(0, i).some((q) => q.kind === 'dense')) throw bad('convolutions and pools must come before dense layers');
  }
  return ops;
}

export function formatConvArch(ops: ArchOp[]): string {
  return ops
    .map((o) => (o.kind === 'conv' ? `c${o.out}k${o.k}${o.s !== 1 ? `s${o.s}` : ''}${o.p ? `p${o.p}` : ''}` : o.kind === 'pool' ? `p${o.k}` : `f${o.out}`))
    .join(',');
}

/** Parse `784-256-256-10`. */
export function parseArch(s: string): number[] {
  const parts = s.split('-');
  const arch = parts.map((p) => (/^[1-9][0-9]*$/.test(p) ? Number(p) : NaN));
  if (arch.length < 2 || arch.some((n) => !Number.isSafeInteger(n) || n > 1 << 20))
    throw new BnnError({ code: 'USAGE', message: `invalid architecture ${JSON.stringify(s)}`, field: '--arch', expected: 'layer widths joined by "-", e.g. 784-256-256-256-10' });
  return arch;
}

/** A training architecture: dense layer widths (`784-256-10`) or convolutional ops (`c16k3,p2,f10`). */
export type Architecture = { kind: 'dense'; widths: number[] } | { kind: 'conv'; ops: ArchOp[] };

export function parseArchitecture(s: string): Architecture {
  return isConvArch(s) ? { kind: 'conv', ops: parseConvArch(s) } : { kind: 'dense', widths: parseArch(s) };
}

export function formatArchitecture(a: Architecture): string {
  return a.kind === 'conv' ? formatConvArch(a.ops) : a.widths.join('-');
}
