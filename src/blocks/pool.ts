import type { IntegerPoolLayer } from '../compiler/integer-model.js';
import type { BlockBase } from '../plan/types.js';

/**
 * `rtl-templates/pool.v` / `sim/pool.ts`: binary max-pool (OR of bits) over K×K windows with
 * stride K, SIMD channels per beat; one cycle per input beat.
 */
export interface PoolBlock extends BlockBase {
  kind: 'pool';
  params: { H: number; W: number; C: number; SIMD: number; K: number };
}

export function poolBlock(name: string, l: IntegerPoolLayer, simd: number, layer: string): PoolBlock {
  const [H, W, C] = l.inShape;
  const [OH, OW] = l.outShape;
  const cb = C / simd;
  return {
    kind: 'pool',
    name,
    layer,
    in: { elems: simd, elemBits: 1, beatsPerFrame: H * W * cb },
    out: { elems: simd, elemBits: 1, beatsPerFrame: OH * OW * cb },
    cyclesPerFrame: H * W * cb,
    params: { H, W, C, SIMD: simd, K: l.kernel },
  };
}
