import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { BnnError, describeValue } from '../errors.js';
import { divisors } from '../util/math.js';
import { mvtuCycles } from '../blocks/mvtu.js';
import { validateMvtuFold, type Folding } from './fold-rules.js';
import type { OutputStream } from '../plan/types.js';
import { engineLayers, enginePixels, type IntegerEngineLayer, type IntegerModel } from '../model/integer-model.js';

/** Folding for a whole network: PE/SIMD per layer in layer order, plus FIFO sizing. */
export interface FoldConfig {
  layers: Folding[];
  /**
   * 'auto': every engine's input FIFO holds one input vector (why: README.md, section Cycle model);
   * 'minimal': the smallest depths that keep the analytic II, found by simulation (src/compiler/fifo-sizing.ts).
   */
  fifoDepth: 'auto' | 'minimal' | number;
  /** Per-FIFO depths in stream order (one per engine), set by FIFO sizing; overrides fifoDepth. */
  fifoDepths?: number[] | undefined;
  source: string;
  /** What the top streams (default `class`); `scores` streams the last layer's values. */
  output?: OutputStream;
}

/**
 * Read a fold.yaml: `layers` is a list of {pe, simd} in layer order or a mapping from layer
 * name to {pe, simd}; optional `fifoDepth` (integer >= 2, 'auto' or 'minimal').
 */
export function parseFoldConfig(text: string, file: string, im: IntegerModel): FoldConfig {
  const fail = (field: string, expected: string, got: unknown, message = 'invalid value'): never => {
    throw new BnnError({ code: 'FOLD_INVALID', message, file, field, expected, got: describeValue(got) });
  };
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 0 });
  } catch (e) {
    throw new BnnError({ code: 'FOLD_INVALID', message: `not valid YAML: ${(e as Error).message.split('\n')[0]}`, file });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail('(top level)', 'a mapping with `layers`', doc);
  const d = doc as Record<string, unknown>;
  const engines = engineLayers(im);
  const names = engines.map((l) => l.name);
  let entries: unknown[];
  if (Array.isArray(d.layers)) {
    if (d.layers.length !== names.length) fail('layers', `a list of ${names.length} (one per layer: ${names.join(', ')})`, d.layers);
    entries = d.layers;
  } else if (d.layers && typeof d.layers === 'object') {
    const m = d.layers as Record<string, unknown>;
    for (const k of Object.keys(m)) if (!names.includes(k)) fail(`layers.${k}`, `a layer name (${names.join(', ')})`, k, 'unknown layer');
    entries = names.map((n) => m[n] ?? fail(`layers.${n}`, 'a {pe, simd} entry for every layer', undefined, 'missing layer'));
  } else {
    return fail('layers', 'a list of {pe, simd} or a mapping layer → {pe, simd}', d.layers);
  }
  const layers = entries.map((e, i) => {
    const field = Array.isArray(d.layers) ? `layers[${i}]` : `layers.${names[i]}`;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) fail(field, 'a mapping {pe, simd}', e);
    const r = e as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'pe' && k !== 'simd' && k !== 'pad') fail(`${field}.${k}`, 'only pe, simd and pad', k, 'unknown key');
    if (r.pad !== undefined && typeof r.pad !== 'boolean') fail(`${field}.pad`, 'true or false', r.pad);
    const f: Folding = { pe: r.pe as number, simd: r.simd as number, ...(r.pad === true ? { pad: true } : {}) };
    validateEngineFold(engines[i]!, f, file, field);
    return f;
  });
  let fifoDepth: FoldConfig['fifoDepth'] = 'auto';
  if (d.fifoDepth === 'minimal') fifoDepth = 'minimal';
  else if (d.fifoDepth !== undefined && d.fifoDepth !== 'auto') {
    const v = d.fifoDepth;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 2 || v > 1 << 16) fail('fifoDepth', "'auto', 'minimal' or an integer in [2, 65536]", v);
    fifoDepth = v as number;
  }
  if (d.output !== undefined && d.output !== 'class' && d.output !== 'scores') fail('output', "'class' or 'scores'", d.output);
  for (const k of Object.keys(d)) if (k !== 'layers' && k !== 'fifoDepth' && k !== 'output') fail(k, 'only layers, fifoDepth and output', k, 'unknown key');
  return { layers, fifoDepth, source: file, ...(d.output !== undefined ? { output: d.output as OutputStream } : {}) };
}

/** PE | MH and SIMD | MW unless padded (whether a padding can be realized: src/compiler/padding.ts); a convolution's SIMD must also divide its input channels (the window generator moves whole channel groups). */
export function validateEngineFold(l: IntegerEngineLayer, f: Folding, file: string, field: string): void {
  validateMvtuFold(l.inputs, l.outputs, f, file, field);
  if (l.conv && l.conv.inShape[2] % f.simd !== 0)
    throw new BnnError({
      code: 'FOLD_INVALID',
      message: `a convolution's SIMD must divide its input channels C = ${l.conv.inShape[2]} (the window generator moves whole channel groups; padding does not apply)`,
      file,
      field: `${field}.simd`,
      expected: `one of ${divisors(l.conv.inShape[2]).join(', ')}`,
      got: String(f.simd),
    });
}

/** SIMD values an engine accepts. */
function simdChoices(l: IntegerEngineLayer): number[] {
  return divisors(l.inputs).filter((d) => !l.conv || l.conv.inShape[2] % d === 0);
}

function engineCycles(l: IntegerEngineLayer, f: Folding): number {
  return enginePixels(l) * mvtuCycles({ MW: l.inputs, MH: l.outputs, PE: f.pe, SIMD: f.simd });
}

export function loadFoldConfig(file: string, im: IntegerModel): FoldConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BnnError({ code: 'FOLD_INVALID', message: `cannot read folding: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, file });
  }
  return parseFoldConfig(text, file, im);
}

/**
 * Default folding, FINN-style: the heaviest layer gets PE <= 16, SIMD <= 32 (the largest
 * divisors), which sets a target cycle count; every other layer gets the fewest lanes
 * (PE·SIMD) that meet that target, so no engine is wider than the bottleneck needs.
 */
export function defaultFolding(im: IntegerModel, caps: { pe: number; simd: number } = { pe: 16, simd: 32 }): FoldConfig {
  const largestAtMost = (ds: number[], cap: number) => Math.max(...ds.filter((d) => d <= cap));
  const engines = engineLayers(im);
  const work = (l: IntegerEngineLayer) => enginePixels(l) * l.inputs * l.outputs;
  const heaviest = engines.reduce((a, b) => (work(b) > work(a) ? b : a));
  // The fastest legal engine of every layer bounds the target from below (a convolution over
  // one input channel cannot take more than SIMD = 1).
  const fastest = (l: IntegerEngineLayer) => engineCycles(l, { pe: l.outputs, simd: Math.max(...simdChoices(l)) });
  const target = Math.max(
    engineCycles(heaviest, { pe: largestAtMost(divisors(heaviest.outputs), caps.pe), simd: largestAtMost(simdChoices(heaviest), caps.simd) }),
    ...engines.map(fastest),
  );
  const layers = engines.map((l) => {
    let best: Folding | undefined;
    for (const simd of simdChoices(l))
      for (const pe of divisors(l.outputs)) {
        if (engineCycles(l, { pe, simd }) > target) continue;
        const lanes = pe * simd;
        // Fewest lanes; among equals the squarest engine with SIMD >= PE (a narrow input bus
        // and weight words that are neither very wide nor very deep).
        const skew = (f: Folding) => (f.simd >= f.pe ? f.simd / f.pe : 1e9 + f.pe / f.simd);
        if (!best || lanes < best.pe * best.simd || (lanes === best.pe * best.simd && skew({ pe, simd }) < skew(best))) best = { pe, simd };
      }
    return best!;
  });
  return { layers, fifoDepth: 'auto', source: `default (target ${target} cycles/frame)` };
}
