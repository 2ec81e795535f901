import type { ConvGeometry } from '../compiler/integer-model.js';
import type { BlockBase } from '../plan/types.js';

/**
 * `rtl-templates/swg.v` / `sim/swg.ts`: sliding-window generator. Streams an H×W×C image
 * (channels last, SIMD channels per beat) into each output pixel's K×K×C window in im2col order
 * (ky, kx, c), SIMD elements per beat, with PAD for elements outside the image. Line buffer: a
 * ring of R = 2K+S rows (see the template for why).
 */
export interface SwgBlock extends BlockBase {
  kind: 'swg';
  params: { H: number; W: number; C: number; SIMD: number; ELEM_BITS: number; K: number; S: number; P: number; PAD: number; OH: number; OW: number };
}

export function swgRows(k: number, s: number): number {
  return 2 * k + s;
}

export function swgBlock(name: string, g: ConvGeometry, simd: number, elemBits: number, layer: string): SwgBlock {
  const [H, W, C] = g.inShape;
  const [OH, OW] = g.outShape;
  const K = g.kernel;
  const cb = C / simd;
  const inBeats = H * W * cb;
  const outBeats = OH * OW * K * K * cb;
  return {
    kind: 'swg',
    name,
    layer,
    in: { elems: simd, elemBits, beatsPerFrame: inBeats },
    out: { elems: simd, elemBits, beatsPerFrame: outBeats },
    // One beat per cycle on each side; the output side is the longer one for any kernel that
    // covers its stride (K >= S), the input side otherwise.
    cyclesPerFrame: Math.max(inBeats, outBeats),
    // PAD is the element's bit pattern (two's complement for a negative fixed-point pad).
    params: { H, W, C, SIMD: simd, ELEM_BITS: elemBits, K, S: g.stride, P: g.padding, PAD: g.padElement & (2 ** elemBits - 1), OH, OW },
  };
}
