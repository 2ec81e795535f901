import { readFileSync } from 'node:fs';
import { Document, isScalar, isSeq, parse, Scalar, visit } from 'yaml';
import { BnnError } from '../errors.js';
import { bitsToHex } from './bits.js';
import { validateModel } from './validate.js';
import type { Activation, Layer, Model } from './types.js';

/** Parse model text (YAML or JSON). */
export function parseModel(text: string, file: string): Model {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 0 });
  } catch (e) {
    throw new BnnError({ code: 'MODEL_INVALID', message: `not valid YAML: ${(e as Error).message.split('\n')[0]}`, file });
  }
  return validateModel(doc, file);
}

export function loadModel(file: string): Model {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BnnError({ code: 'MODEL_READ', message: `cannot read model: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file });
  }
  return parseModel(text, file);
}

function activationDoc(a: Activation): Record<string, unknown> {
  switch (a.kind) {
    case 'none':
      return a.scale === undefined ? { kind: 'none' } : { kind: 'none', scale: a.scale };
    case 'threshold': {
      const same = a.direction.every((d) => d === a.direction[0]);
      return { kind: 'threshold', thresholds: a.thresholds, direction: same ? a.direction[0] : a.direction };
    }
    case 'multithreshold': {
      const same = a.direction.every((d) => d === a.direction[0]);
      return { kind: 'multithreshold', bits: a.bits, outBias: a.outBias, outScale: a.outScale, thresholds: a.thresholds, direction: same ? a.direction[0] : a.direction };
    }
    case 'batchnorm':
      return {
        kind: 'batchnorm', gamma: a.gamma, beta: a.beta, mean: a.mean, var: a.var, eps: a.eps,
        ...(a.bias ? { bias: a.bias } : {}),
        ...(a.quant ? { quant: { bits: a.quant.bits, levels: a.quant.levels, outBias: a.quant.outBias, outScale: a.quant.outScale } } : {}),
      };
  }
}

function layerDoc(l: Layer): Record<string, unknown> {
  switch (l.kind) {
    case 'dense':
      return {
        kind: l.kind, name: l.name, inputs: l.inputs, outputs: l.outputs,
        weights: { encoding: 'hex', rows: l.weights.map((r) => bitsToHex(r, l.inputs)) },
        activation: activationDoc(l.activation),
      };
    case 'conv2d': {
      const n = l.kernel * l.kernel * l.inChannels;
      return {
        kind: l.kind, name: l.name, inChannels: l.inChannels, outChannels: l.outChannels,
        kernel: l.kernel, stride: l.stride, padding: l.padding, padValue: l.padValue,
        weights: { encoding: 'hex', rows: l.weights.map((r) => bitsToHex(r, n)) },
        activation: activationDoc(l.activation),
      };
    }
    case 'maxpool2d':
      return { kind: l.kind, name: l.name, kernel: l.kernel, stride: l.stride };
  }
}

/** Serialize a model to format v1 YAML (deterministic). */
export function serializeModel(m: Model): string {
  const doc = {
    format: m.format,
    version: m.version,
    name: m.name,
    metadata: m.metadata,
    input: { shape: m.input.shape, encoding: m.input.encoding, rawBits: m.input.rawBits },
    layers: m.layers.map(layerDoc),
    ...(m.output ? { output: m.output } : {}),
  };
  const yamlDoc = new Document(doc);
  // Number lists (BatchNorm parameters, thresholds) read best on one line; hex rows one per line.
  visit(yamlDoc, {
    Seq(_, node) {
      if (!isSeq(node)) return;
      if (node.items.every((it) => isScalar(it) && typeof it.value === 'number')) node.flow = true;
      // Hex rows always quoted, so that a row like "20" never reads back as a number.
      for (const it of node.items) if (isScalar(it) && typeof it.value === 'string') it.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return yamlDoc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
