import { binarizeBlock } from '../blocks/binarize.js';
import { dwcBlock } from '../blocks/dwc.js';
import { fifoBlock } from '../blocks/fifo.js';
import { labelSelectBlock } from '../blocks/label-select.js';
import { mvtuBlock } from '../blocks/mvtu.js';
import { bitsFor } from '../util/math.js';
import type { Plan, PlanBlock } from '../plan/types.js';
import type { FoldConfig } from './fold-config.js';
import type { IntegerModel } from './integer-model.js';
import { legalizeAll } from './legalize-names.js';
import { TEMPLATE_MODULES } from './templates.js';

/** Depth of the FIFO in front of an engine whose input vector takes `beats` beats. */
export function autoFifoDepth(beats: number): number {
  // One whole input vector: the producer can finish frame f+1 while the consumer still folds
  // frame f, so a consumer that is the bottleneck never waits inside its first neuron fold.
  return Math.max(2, beats);
}

/** model (integer form) + folding → the hardware plan. */
export function buildPlan(im: IntegerModel, fold: FoldConfig, source: { model: string }): Plan {
  const [top, ...layerNames] = legalizeAll([im.name, ...im.layers.map((l) => l.name)], TEMPLATE_MODULES);
  const depthFor = (beats: number) => (fold.fifoDepth === 'auto' ? autoFifoDepth(beats) : fold.fifoDepth);
  const blocks: PlanBlock[] = [];
  const f0 = fold.layers[0]!;
  const l0 = im.layers[0]!;
  const sf0 = l0.inputs / f0.simd;
  blocks.push(binarizeBlock('input_binarize', f0.simd, im.input.rawBits, im.input.encoding.threshold, sf0));
  blocks.push(fifoBlock(`${layerNames[0]}_fifo`, { elems: f0.simd, elemBits: 1, beatsPerFrame: sf0 }, depthFor(sf0), layerNames[0]));
  im.layers.forEach((layer, k) => {
    const f = fold.layers[k]!;
    const name = layerNames[k]!;
    const engine = mvtuBlock(`${name}_mvtu`, layer, f);
    blocks.push(engine);
    const next = im.layers[k + 1];
    if (next) {
      const nf = fold.layers[k + 1]!;
      const nextName = layerNames[k + 1]!;
      if (f.pe !== nf.simd) blocks.push(dwcBlock(`${name}_dwc`, layer.outputs, f.pe, nf.simd, name));
      const beats = next.inputs / nf.simd;
      blocks.push(fifoBlock(`${nextName}_fifo`, { elems: nf.simd, elemBits: 1, beatsPerFrame: beats }, depthFor(beats), nextName));
    } else if (!layer.thresholds) {
      const idxBits = bitsFor(layer.outputs - 1);
      blocks.push(labelSelectBlock('label_select', f.pe, layer.outputs / f.pe, engine.params.ACC_W, 8 * Math.ceil(idxBits / 8)));
    }
  });
  const names = new Set<string>();
  for (const b of blocks) {
    if (names.has(b.name)) throw new Error(`internal: duplicate block name ${b.name}`);
    names.add(b.name);
  }
  const bottleneck = blocks.reduce((a, b) => (b.cyclesPerFrame > a.cyclesPerFrame ? b : a));
  const last = blocks[blocks.length - 1]!;
  return {
    planVersion: 1,
    name: top!,
    top: top!,
    source: { model: source.model, fold: fold.source },
    input: { elements: l0.inputs, rawBits: im.input.rawBits, threshold: im.input.encoding.threshold },
    output: { classes: im.layers[im.layers.length - 1]!.outputs, beatBits: last.out.elems * last.out.elemBits },
    blocks,
    ii: { cycles: bottleneck.cyclesPerFrame, bottleneck: bottleneck.name },
  };
}
