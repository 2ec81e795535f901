/** Pack a beat's elements (LSB-first, elemBits each) into a hex word of `width` bits, MSB digit first. */
export function beatToHex(elems: ArrayLike<number>, elemBits: number, width: number): string {
  let v = 0n;
  for (let e = elems.length - 1; e >= 0; e--) v = (v << BigInt(elemBits)) | BigInt(elems[e]! & (2 ** elemBits - 1));
  return v.toString(16).padStart(Math.ceil(width / 4), '0');
}

/** Parse a simulator's %h print (may contain x/z) into a canonical lower-case hex of `width` bits. */
export function canonicalHex(s: string, width: number): string {
  const digits = Math.ceil(width / 4);
  const t = s.trim().toLowerCase();
  if (/[xz]/.test(t)) return t.padStart(digits, '0');
  return BigInt('0x' + (t || '0')).toString(16).padStart(digits, '0');
}
