/** Bits needed to hold values 0..n (n >= 0), at least 1: Verilog's $clog2(n+1), floored at 1. */
export function bitsFor(n: number): number {
  let b = 1;
  while (2 ** b <= n) b++;
  return b;
}

export function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** Address bits for n entries, at least 1: Verilog's $clog2(n) floored at 1. */
export function clog2(n: number): number {
  return n > 1 ? Math.ceil(Math.log2(n)) : 1;
}
