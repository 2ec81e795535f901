import { binarizeBlock } from '../blocks/binarize.js';
import { dwcBlock } from '../blocks/dwc.js';
import { fifoBlock } from '../blocks/fifo.js';
import { labelSelectFor } from '../blocks/label-select.js';
import { mvtuBlock, type MvtuBlock } from '../blocks/mvtu.js';
import { poolBlock } from '../blocks/pool.js';
import { swgBlock } from '../blocks/swg.js';
import { size } from '../model/shapes.js';
import type { StreamShape } from '../plan/stream.js';
import type { Plan, PlanBlock } from '../plan/types.js';
import type { FoldConfig } from './fold-config.js';
import { enginePixels, type IntegerModel } from '../model/integer-model.js';
import { legalizeAll } from './legalize-names.js';
import { engineGeometry, padLayer, paddingCost } from './padding.js';
import { TEMPLATE_MODULES } from './templates.js';

/** Depth of the FIFO in front of an engine whose input vector takes `beats` beats. */
export function autoFifoDepth(beats: number): number {
  // One whole input vector: the producer can finish vector v+1 while the consumer still folds
  // vector v, so a consumer that is the bottleneck never waits inside its first neuron fold.
  return Math.max(2, beats);
}

/**
 * model (integer form) + folding → the hardware plan: per weight layer [width converter] →
 * [sliding-window generator] → FIFO → engine, per pool layer a pool, then the class (label_select)
 * unless the fold asks the top to stream the last layer's values (`output: scores`).
 */
export function buildPlan(im: IntegerModel, fold: FoldConfig, source: { model: string }): Plan {
  const [top, ...layerNames] = legalizeAll([im.name, ...im.layers.map((l) => l.name)], TEMPLATE_MODULES);
  // 'minimal' without sizes yet is the automatic start that FIFO sizing shrinks.
  const depthFor = (beats: number) =>
    fold.fifoDepths?.[engineIndex - 1] ?? (typeof fold.fifoDepth === 'number' ? fold.fifoDepth : autoFifoDepth(beats));
  const enc = im.input.encoding;
  const rawBits = im.input.rawBits;
  const elements = size(im.input.shape);
  const blocks: PlanBlock[] = [];
  let cur: StreamShape | undefined;
  let curFrom = 'input';
  let engineIndex = 0;
  const geometry = engineGeometry(im, fold);
  im.layers.forEach((realLayer, k) => {
    const name = layerNames[k]!;
    if (realLayer.kind === 'maxpool2d') {
      const pool = poolBlock(`${name}_pool`, realLayer, cur!.elems, name);
      blocks.push(pool);
      cur = pool.out;
      curFrom = name;
      return;
    }
    const g = geometry[engineIndex]!;
    const f = fold.layers[engineIndex++]!;
    const layer = padLayer(realLayer, g);
    if (k === 0) {
      // A padded first layer takes whole beats: the host fills the last one up with zeros.
      const beats = (layer.conv ? elements : layer.inputs) / f.simd;
      if (enc.kind === 'threshold') {
        const b = binarizeBlock('input_binarize', f.simd, rawBits, enc.threshold, beats);
        blocks.push(b);
        cur = b.out;
      } else cur = { elems: f.simd, elemBits: rawBits, beatsPerFrame: beats };
    } else if (cur!.elems !== f.simd) {
      const d = dwcBlock(`${curFrom}_dwc`, cur!.elems * cur!.beatsPerFrame, cur!.elems, f.simd, cur!.elemBits, curFrom);
      blocks.push(d);
      cur = d.out;
    }
    if (layer.conv) blocks.push(swgBlock(`${name}_swg`, layer.conv, f.simd, layer.inputBits, name));
    const sf = layer.inputs / f.simd;
    blocks.push(fifoBlock(`${name}_fifo`, { elems: f.simd, elemBits: layer.inputBits, beatsPerFrame: enginePixels(layer) * sf }, depthFor(sf), name));
    const padding = paddingCost(realLayer, g);
    const engine = { ...mvtuBlock(`${name}_mvtu`, layer, f), ...(padding ? { padding } : {}) };
    blocks.push(engine);
    cur = engine.out;
    curFrom = name;
  });
  // The last layer's values: scores (signed sums over fixed-point or multi-bit inputs) or thresholded bits.
  const lastLayer = im.layers[im.layers.length - 1]!;
  const values = { perBeat: cur!.elems, bits: cur!.elemBits, signed: lastLayer.kind !== 'maxpool2d' && lastLayer.inputBits > 1 && !lastLayer.thresholds, beatsPerFrame: cur!.beatsPerFrame };
  // Pad neurons of a padded last layer sit at the highest indices of the stream: not classes.
  const lastEngine = [...blocks].reverse().find((b): b is MvtuBlock => b.kind === 'mvtu');
  const padNeurons = lastEngine?.padding ? lastEngine.padding.neurons.padded - lastEngine.padding.neurons.real : 0;
  const classes = values.perBeat * values.beatsPerFrame - padNeurons;
  const stream = fold.output ?? 'class';
  if (stream === 'class') {
    blocks.push(labelSelectFor(values, classes, im.output));
  }
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
    input: {
      elements,
      rawBits,
      ...(enc.kind === 'threshold' ? { threshold: enc.threshold } : {}),
      signed: enc.kind === 'fixed' && enc.signed,
    },
    output: { classes, beatBits: last.out.elems * last.out.elemBits, rule: im.output, stream, values },
    blocks,
    ii: { cycles: bottleneck.cyclesPerFrame, bottleneck: bottleneck.name },
  };
}
