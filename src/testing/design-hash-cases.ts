import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../compiler/compile.js';
import { defaultFolding, type FoldConfig } from '../compiler/fold-config.js';
import { engineLayers } from '../model/integer-model.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';
import { generateDesign } from '../pipeline/design.js';
import { randomFrames } from '../inputs/frames.js';
import { loadModel } from '../model/io.js';
import { divisors } from '../util/math.js';
import { packageRoot } from '../util/paths.js';
import { makeStimulus } from '../../sim/stimulus.js';

/**
 * The regression net for behaviour-preserving refactors: every shipped model at its default
 * folding and at two others, emitted with fixed frames; each file of the design is hashed.
 * `node dist/scripts/record-design-hashes.js` re-records when an output change is intended.
 */
export type DesignHashes = Record<string, Record<string, string>>;

/** The next legal value below (or, with up, above) `v` among `choices`, or `v` itself at the end. */
function step(choices: number[], v: number, up: boolean): number {
  const i = choices.indexOf(v);
  return choices[Math.min(choices.length - 1, Math.max(0, i + (up ? 1 : -1)))]!;
}

/** default, fewer PE per layer, more SIMD per layer (each kept legal for the layer). */
function foldings(file: string): Array<[string, FoldConfig]> {
  const model = loadModel(file);
  const im = foldThresholds(model);
  const base = defaultFolding(im);
  const engines = engineLayers(im);
  const simdOk = (i: number) => divisors(engines[i]!.inputs).filter((d) => !engines[i]!.conv || engines[i]!.conv!.inShape[2] % d === 0);
  const fewerPe: FoldConfig = { ...base, source: 'fewer-pe', layers: base.layers.map((f, i) => ({ pe: step(divisors(engines[i]!.outputs), f.pe, false), simd: f.simd })) };
  const moreSimd: FoldConfig = { ...base, source: 'more-simd', layers: base.layers.map((f, i) => ({ pe: f.pe, simd: step(simdOk(i), f.simd, true) })) };
  return [
    ['default', base],
    ['fewer-pe', fewerPe],
    ['more-simd', moreSimd],
  ];
}

export function shippedModels(): string[] {
  return readdirSync(join(packageRoot(), 'models'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** Hashes of every file of one design (the model's path is made relative so hashes do not depend on the checkout). */
export function designHashes(modelName: string): Record<string, Record<string, string>> {
  const file = join(packageRoot(), 'models', modelName);
  const out: Record<string, Record<string, string>> = {};
  for (const [tag, fold] of foldings(file)) {
    const model = { ...loadModel(file), sourceFile: `models/${modelName}` };
    const { plan } = compile(model, { fold });
    const files = generateDesign(plan, makeStimulus(plan, randomFrames(model, 2, 7))).files;
    const h: Record<string, string> = {};
    for (const k of [...files.keys()].sort()) h[k] = createHash('sha256').update(files.get(k)!).digest('hex').slice(0, 16);
    out[`${modelName} ${tag}`] = h;
  }
  return out;
}
