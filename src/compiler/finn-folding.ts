import { readFileSync } from 'node:fs';
import { BnnError, describeValue } from '../errors.js';

/**
 * FINN's `folding_config.json` → PE/SIMD per dense layer.
 *
 * FINN writes one entry per hardware node, keyed by node name, in graph order (JSON object order,
 * which JavaScript keeps for non-numeric keys). The matrix-vector units (MVAU / MVA /
 * MatrixVectorActivation / StreamingFCLayer_Batch, any `_hls`/`_rtl` flavour) are our dense layers,
 * one for one and in that order. Thresholding (the input binarization), LabelSelect (the argmax),
 * FIFOs and data-width converters have no PE/SIMD of ours and are accepted and ignored with a note.
 * Anything that makes the mapping ambiguous is a FOLD_INVALID error rather than a guess.
 */
export interface FinnFolding {
  layers: Array<{ pe: number; simd: number }>;
  /** The FINN node each layer's folding came from, in layer order. */
  nodes: string[];
  /** What was ignored, for the user. */
  notes: string[];
}

export interface FoldTargetLayer {
  name: string;
  inputs: number;
  outputs: number;
}

const MVAU_RE = /^(MVAU|MVA|MatrixVectorActivation|StreamingFCLayer_Batch)(_(hls|rtl))?(_\d+)?$/;
const IGNORED_RE = /^(Thresholding|LabelSelect|StreamingFIFO|StreamingDataWidthConverter|StreamingDataflowPartition|FMPadding|AddStreams|DuplicateStreams|TLastMarker|IODMA)/;

export function readFinnFolding(file: string, layers?: readonly FoldTargetLayer[]): FinnFolding {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BnnError({ code: 'FOLD_INVALID', message: `cannot read folding config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file });
  }
  return parseFinnFolding(text, file, layers);
}

export function parseFinnFolding(text: string, file: string, layers?: readonly FoldTargetLayer[]): FinnFolding {
  const fail = (field: string, message: string, expected?: string, got?: unknown): never => {
    throw new BnnError({ code: 'FOLD_INVALID', message, file, field, expected, got: got === undefined ? undefined : describeValue(got) });
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail('(top level)', `not valid JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail('(top level)', 'invalid value', 'a JSON object of node name → attributes', doc);
  const notes: string[] = [];
  const out: Array<{ pe: number; simd: number }> = [];
  const nodes: string[] = [];
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(key, 'invalid value', 'an object of node attributes', value);
    const attrs = value as Record<string, unknown>;
    if (key === 'Defaults') {
      // FINN's Defaults: attribute → [value, [op types]]; a default PE/SIMD would apply to nodes we cannot see.
      for (const k of Object.keys(attrs))
        if (k === 'PE' || k === 'SIMD') fail(`Defaults.${k}`, 'a default PE/SIMD cannot be mapped onto layers; give it per node', 'per-node PE and SIMD', attrs[k]);
      if (Object.keys(attrs).length) notes.push(`Defaults (${Object.keys(attrs).join(', ')}) ignored: no PE/SIMD`);
      continue;
    }
    if (MVAU_RE.test(key)) {
      const num = (k: 'PE' | 'SIMD'): number => {
        const v = attrs[k];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
          fail(`${key}.${k}`, v === undefined ? `missing ${k}` : 'invalid value', 'a positive integer', v);
        return v as number;
      };
      out.push({ pe: num('PE'), simd: num('SIMD') });
      nodes.push(key);
      const other = Object.keys(attrs).filter((k) => k !== 'PE' && k !== 'SIMD');
      if (other.length) notes.push(`${key}: ${other.join(', ')} ignored (only PE and SIMD are used)`);
      continue;
    }
    if (IGNORED_RE.test(key)) {
      notes.push(`${key} ignored (${/^Thresholding/.test(key) ? 'the input binarization is part of the input stage' : /^LabelSelect/.test(key) ? 'the argmax is part of the output stage' : 'no counterpart in our dataflow'})`);
      continue;
    }
    if ('PE' in attrs || 'SIMD' in attrs)
      fail(key, 'a node with PE/SIMD that is not a matrix-vector unit: cannot tell which layer it folds', 'MVAU/MVA nodes (or Thresholding/LabelSelect, ignored)', key);
    notes.push(`${key} ignored (no PE/SIMD)`);
  }
  if (layers) {
    if (out.length !== layers.length)
      fail(
        '(top level)',
        `${out.length} matrix-vector units (${nodes.join(', ') || 'none'}) for ${layers.length} dense layers (${layers.map((l) => l.name).join(', ')}): the mapping is ambiguous`,
        `${layers.length} MVAU/MVA entries`,
        String(out.length),
      );
    out.forEach((f, i) => {
      const l = layers[i]!;
      if (l.outputs % f.pe !== 0)
        fail(`${nodes[i]}.PE`, `PE must divide layer ${l.name}'s ${l.outputs} outputs (does this entry belong to another layer?)`, `a divisor of ${l.outputs}`, f.pe);
      if (l.inputs % f.simd !== 0)
        fail(`${nodes[i]}.SIMD`, `SIMD must divide layer ${l.name}'s ${l.inputs} inputs (does this entry belong to another layer?)`, `a divisor of ${l.inputs}`, f.simd);
    });
  }
  return { layers: out, nodes, notes };
}
