/** Bit-vector helpers: vectors are packed LSB-first into Uint32 words (element i = bit i). */

export function wordsFor(bits: number): number {
  return (bits + 31) >>> 5;
}

export function getBit(v: Uint32Array, i: number): number {
  return (v[i >>> 5]! >>> (i & 31)) & 1;
}

export function setBit(v: Uint32Array, i: number, b: number): void {
  if (b) v[i >>> 5]! |= 1 << (i & 31);
  else v[i >>> 5]! &= ~(1 << (i & 31));
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** popcount(XNOR(a, b)) over the first n bits. */
export function xnorPopcount(a: Uint32Array, b: Uint32Array, n: number): number {
  const full = n >>> 5;
  let p = 0;
  for (let w = 0; w < full; w++) p += popcount32(~(a[w]! ^ b[w]!));
  const rest = n & 31;
  if (rest) p += popcount32(~(a[full]! ^ b[full]!) & ((1 << rest) - 1 >>> 0));
  return p;
}

/** Hex row (MSB digit first, like a Verilog literal) → packed bits. Returns undefined if malformed. */
export function hexToBits(hex: string, n: number): Uint32Array | undefined {
  if (hex.length !== Math.ceil(n / 4) || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const v = new Uint32Array(wordsFor(n));
  for (let d = 0; d < hex.length; d++) {
    const nibble = parseInt(hex[hex.length - 1 - d]!, 16);
    for (let k = 0; k < 4; k++) {
      const i = d * 4 + k;
      if ((nibble >>> k) & 1) {
        if (i >= n) return undefined;
        setBit(v, i, 1);
      }
    }
  }
  return v;
}

/** Packed bits → hex row of ceil(n/4) digits, MSB digit first. */
export function bitsToHex(v: Uint32Array, n: number): string {
  const digits = Math.ceil(n / 4);
  let s = '';
  for (let d = digits - 1; d >= 0; d--) {
    let nibble = 0;
    for (let k = 0; k < 4; k++) {
      const i = d * 4 + k;
      if (i < n && getBit(v, i)) nibble |= 1 << k;
    }
    s += nibble.toString(16);
  }
  return s;
}

/** Pack an array of 0/1 into words. */
export function packBits(bits: ArrayLike<number>): Uint32Array {
  const v = new Uint32Array(wordsFor(bits.length));
  for (let i = 0; i < bits.length; i++) if (bits[i]) v[i >>> 5]! |= 1 << (i & 31);
  return v;
}

/** Extract bits [lo, lo+n) as a packed vector. */
export function sliceBits(v: Uint32Array, lo: number, n: number): Uint32Array {
  const out = new Uint32Array(wordsFor(n));
  for (let i = 0; i < n; i++) if (getBit(v, lo + i)) out[i >>> 5]! |= 1 << (i & 31);
  return out;
}
