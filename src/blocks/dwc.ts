import { plainKit } from './kit.js';
import { clog2 } from '../util/math.js';
import { ice40Linear, type BlockEstimate, type Ice40Estimate, type Ice40Features } from './cost.js';
import type { BlockBase } from '../plan/stream.js';

/**
 * `rtl-templates/dwc.v` / `sim/dwc.ts`: stream width converter between an engine's PE-wide
 * output and the next engine's SIMD-wide input (any ratio: both divide the vector length, so
 * frames stay aligned without framing signals). A bit buffer of IN_W + OUT_W bits: it offers an
 * output beat whenever it holds OUT_W bits and accepts an input beat whenever it holds at most
 * OUT_W bits, so either side runs at one beat per cycle. IN_W and OUT_W are bits: PE and SIMD
 * elements of elemBits bits each (A-bit elements after a multi-bit layer); since both are whole
 * elements, an element is never split across output beats.
 */
export interface DwcBlock extends BlockBase {
  kind: 'dwc';
  params: { IN_W: number; OUT_W: number };
}

/** `vectorElems` elements of `elemBits` bits per vector, `inElems` per input beat, `outElems` per output beat. */
export function dwcBlock(name: string, vectorElems: number, inElems: number, outElems: number, elemBits: number, layer?: string): DwcBlock {
  const inBeats = vectorElems / inElems;
  const outBeats = vectorElems / outElems;
  return {
    kind: 'dwc',
    name,
    ...(layer ? { layer } : {}),
    in: { elems: inElems, elemBits, beatsPerFrame: inBeats },
    out: { elems: outElems, elemBits, beatsPerFrame: outBeats },
    cyclesPerFrame: Math.max(inBeats, outBeats),
    params: { IN_W: inElems * elemBits, OUT_W: outElems * elemBits },
  };
}

// ---- cost model (7-series, Yosys synth_xilinx; `node dist/scripts/bench-synth.js multibit`) -------

/**
 * The input beat is shifted to the buffer's fill level (IN_W bits over CW = clog2(IN_W + OUT_W + 1)
 * shift positions: Yosys builds a full barrel shifter, not knowing the level is a multiple of the
 * beat) and merged into the IN_W + OUT_W buffer. LUTs ≈ 0.636·IN_W·CW + 0.878·(IN_W + OUT_W) + 24,
 * fitted on 12 configurations, 4 element ratios at 1, 2 and 3 bits per element (IN_W 8..192):
 * mean |error| 12.9 %, worst 36.2 %. FF: the buffer, its count and the output side.
 */
export function estimateDwc(p: DwcBlock['params']): BlockEstimate {
  const c = p.IN_W + p.OUT_W;
  const cw = clog2(c + 1);
  return { lut: Math.round(0.6355 * p.IN_W * cw + 0.8782 * c + 24.18), ff: Math.max(p.IN_W, p.OUT_W) + Math.min(p.IN_W, p.OUT_W) + 8, lutram: 0, bram18: 0, bram36: 0 };
}

// ---- cost model (iCE40, Yosys synth_ice40; fitted by scripts/fit-ice40.ts) --------------------------

/** The IN_W + OUT_W bit buffer (flip-flops, each behind a shift/load mux) and its count. */
export function dwcIce40Features(p: DwcBlock['params']): Ice40Features {
  const c = p.IN_W + p.OUT_W;
  const cw = Math.ceil(Math.log2(c + 1));
  return { lut4: [p.IN_W, p.OUT_W, cw, 1], ff: [c, cw, 1], carry: [cw, 1] };
}

export const DWC_ICE40_MODEL = { lut4: [2.699, 1.194, 8.457, -15.729], ff: [0.969, 0.545, 1.209], carry: [0.038, 0.63] };

export function estimateDwcIce40(p: DwcBlock['params']): Ice40Estimate {
  return ice40Linear(dwcIce40Features(p), DWC_ICE40_MODEL, { ebr: 0 });
}

export const dwcKit = plainKit<DwcBlock>({ file: 'dwc.v', module: 'bnn_dwc' }, true, estimateDwc, estimateDwcIce40, dwcIce40Features);
