import { BnnError } from '../errors.js';
import { setBit, getBit, wordsFor } from '../model/bits.js';
import { size } from '../model/shapes.js';
import type { MvtuPadding } from '../blocks/mvtu.js';
import type { FoldConfig } from './fold-config.js';
import { enginePixels, type IntegerEngineLayer, type IntegerModel } from '../model/integer-model.js';

/**
 * Padded folds (`pad: true` on a layer of the fold): an engine whose PE does not divide its
 * neurons or whose SIMD does not divide its fan-in runs on MW' >= MW inputs and MH' >= MH neurons.
 *
 * - Pad inputs carry a known constant: zero raw elements from the host at the network input (the
 *   top's last input beat is filled up), or the 0 bit of a pad neuron of the previous dense layer.
 *   Their weight is chosen so they contribute nothing: for a bit b the weight is ¬b (XNOR = 0),
 *   for a raw 0 anything (±0). Popcounts, sums and thresholds of real neurons are unchanged.
 * - Pad neurons take neuron 0's weights inverted on the real inputs and, on binary pad inputs,
 *   weights equal to the pad bit (XNOR = 1): a pad score is then usually the highest, so the
 *   argmax's mask is exercised by every padded test instead of being hidden by ties; a fixed-point
 *   sum stays in the layer's symmetric range. In a thresholded layer their threshold is one above
 *   the largest reachable accumulator (MW' + 1, or accMax + 1 for fixed point): they always output
 *   0. In the last layer label_select ignores classes >= the real count.
 * - A layer's input padding after a dense layer is realized by padding that layer's neurons to a
 *   multiple of both its PE and this SIMD; after a convolution or a pool it is not possible (the
 *   stream has no room for extra elements), nor for a convolution's SIMD (the sliding-window
 *   generator moves whole channel groups).
 */
export interface EngineGeometry {
  /** MW' and MH' the engine runs on. */
  inputs: number;
  outputs: number;
  /** Value of the pad input elements as the engine sees them (a bit, or a raw 0). */
  padElement: number;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** MW'/MH' per engine (in engine order); throws a FOLD_INVALID naming the field when a padding cannot be realized. */
export function engineGeometry(im: IntegerModel, fold: FoldConfig): EngineGeometry[] {
  const fail = (field: string, message: string, expected: string, got: string): never => {
    throw new BnnError({ code: 'FOLD_INVALID', message, file: fold.source, field, expected, got });
  };
  const geo: EngineGeometry[] = [];
  const enc = im.input.encoding;
  let prevEngine = -1; // engine index directly in front (-1: the network input or a pool)
  let streamElems = size(im.input.shape);
  let e = 0;
  im.layers.forEach((layer, k) => {
    if (layer.kind === 'maxpool2d') {
      prevEngine = -1;
      streamElems = size(layer.outShape);
      return;
    }
    const f = fold.layers[e]!;
    const field = `layers[${e}]`;
    const MH = layer.outputs;
    let MW = layer.conv ? layer.inputs : streamElems;
    let padElement = 0;
    if (!layer.conv && MW % f.simd !== 0) {
      if (!f.pad) fail(`${field}.simd`, `SIMD must divide the ${MW} inputs this layer receives`, `a divisor of ${MW}, or pad: true on this layer`, String(f.simd));
      if (k === 0) {
        MW = roundUp(MW, f.simd);
        padElement = enc.kind === 'threshold' ? (0 >= enc.threshold ? 1 : 0) : 0;
      } else if (prevEngine >= 0 && !engineLayerOf(im, prevEngine).conv) {
        const prev = geo[prevEngine]!;
        const pf = fold.layers[prevEngine]!;
        const step = (pf.pe / gcd(pf.pe, f.simd)) * f.simd;
        prev.outputs = roundUp(engineLayerOf(im, prevEngine).outputs, step);
        MW = prev.outputs;
      } else
        fail(`${field}.pad`, 'inputs can be padded at the network input or after a dense layer only: after a convolution or a pool SIMD must divide the fan-in', `a divisor of ${MW} for ${field}.simd`, String(f.simd));
    }
    const MHp = roundUp(MH, f.pe);
    if (MHp !== MH) {
      if (layer.conv) fail(`${field}.pe`, "a convolution's PE must divide its output channels (they feed the next window generator or pool whole)", `a divisor of ${MH}`, String(f.pe));
      if (k === im.layers.length - 1 && layer.thresholds)
        fail(`${field}.pad`, 'the neurons of a thresholded last layer cannot be padded: its output bits are the result', `a PE dividing ${MH}`, String(f.pe));
    }
    geo.push({ inputs: MW, outputs: MHp, padElement });
    prevEngine = e;
    streamElems = MHp * enginePixels(layer);
    e++;
  });
  // Pad neurons of a multi-bit layer emit the element 0 (padLayer), which the next layer's pad
  // weights cancel; a layer whose levels do not include 0 (outBias > 0, or every level negative)
  // has no such element.
  engineLayersOf(im).forEach((l, i) => {
    const t = l.thresholds;
    if (t && t.outBits > 1 && geo[i]!.outputs > l.outputs && (t.outBias > 0 || t.outBias + t.count < 0))
      fail(`layers[${i}].pe`, `padding the neurons of ${l.name} needs a pad element 0, which its levels ${t.outBias}..${t.outBias + t.count} do not include`, `a PE dividing ${l.outputs} (and a next SIMD dividing it), or outBias <= 0 <= outBias + ${t.count}`, String(fold.layers[i]!.pe));
  });
  return geo;
}

function engineLayersOf(im: IntegerModel): IntegerEngineLayer[] {
  return im.layers.filter((l): l is IntegerEngineLayer => l.kind !== 'maxpool2d');
}

function engineLayerOf(im: IntegerModel, e: number): IntegerEngineLayer {
  return engineLayersOf(im)[e]!;
}

/** The layer as its engine runs it: MW' inputs, MH' neurons, pad weights and thresholds as described above. */
export function padLayer(l: IntegerEngineLayer, g: EngineGeometry): IntegerEngineLayer {
  if (g.inputs === l.inputs && g.outputs === l.outputs) return l;
  const padWeight = l.inputBits > 1 ? 0 : 1 - g.padElement;
  const rows: Uint32Array[] = [];
  for (let j = 0; j < g.outputs; j++) {
    const src = l.weights[j < l.outputs ? j : 0]!;
    const flip = j < l.outputs ? 0 : 1;
    const row = new Uint32Array(wordsFor(g.inputs));
    for (let i = 0; i < g.inputs; i++) setBit(row, i, i < l.inputs ? getBit(src, i) ^ flip : padWeight ^ flip);
    rows.push(row);
  }
  let thresholds = l.thresholds;
  if (thresholds && g.outputs > l.outputs) {
    // A pad neuron's element must add nothing to the next layer: bit 0 against its pad weight
    // (above), or the integer 0 (code −outBias: that many levels always reached, the rest never).
    const t = thresholds;
    const never = l.inputBits > 1 ? l.accMax + 1 : g.inputs + 1;
    const always = l.inputBits > 1 ? l.accMin : 0;
    const value = new Int32Array(g.outputs * t.count).fill(never);
    value.set(t.value);
    for (let j = l.outputs; j < g.outputs; j++) for (let k = 0; k < -t.outBias; k++) value[j * t.count + k] = always;
    thresholds = { ...t, value, direction: [...t.direction, ...new Array<'ge'>(g.outputs - l.outputs).fill('ge')] };
  }
  return { ...l, inputs: g.inputs, outputs: g.outputs, weights: rows, ...(thresholds ? { thresholds } : {}) };
}

/** What padding costs an engine: pad elements, lane-cycles spent on them, extra weight bits. */
export function paddingCost(l: IntegerEngineLayer, g: EngineGeometry): MvtuPadding | undefined {
  if (g.inputs === l.inputs && g.outputs === l.outputs) return undefined;
  const pixels = enginePixels(l);
  return {
    inputs: { real: l.inputs, padded: g.inputs },
    neurons: { real: l.outputs, padded: g.outputs },
    padLaneCyclesPerFrame: pixels * (g.inputs * g.outputs - l.inputs * l.outputs),
    padWeightBits: g.inputs * g.outputs - l.inputs * l.outputs,
  };
}
