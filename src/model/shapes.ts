import type { Conv2dLayer, DenseLayer, Layer, Model } from './types.js';

/** Output size of a convolution along one axis. */
export function convOutputSize(n: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((n + 2 * padding - kernel) / stride) + 1;
}

/** Every layer's input and output shape ([N] or [H, W, C], channels last). */
export function layerShapes(model: Pick<Model, 'input' | 'layers'>): Array<{ in: number[]; out: number[] }> {
  let shape = model.input.shape;
  return model.layers.map((l) => {
    const out = outputShape(l, shape);
    const r = { in: shape, out };
    shape = out;
    return r;
  });
}

export function outputShape(l: Layer, s: number[]): number[] {
  switch (l.kind) {
    case 'dense':
      return [l.outputs];
    case 'conv2d':
      return [convOutputSize(s[0]!, l.kernel, l.stride, l.padding), convOutputSize(s[1]!, l.kernel, l.stride, l.padding), l.outChannels];
    case 'maxpool2d':
      return [Math.floor(s[0]! / l.kernel), Math.floor(s[1]! / l.kernel), s[2]!];
  }
}

/** Fan-in of one neuron (MW) and neuron count (MH) of a weight layer. */
export function matrixShape(l: Conv2dLayer | { kind: 'dense'; inputs: number; outputs: number }): { mw: number; mh: number } {
  return l.kind === 'dense' ? { mw: l.inputs, mh: l.outputs } : { mw: l.kernel * l.kernel * l.inChannels, mh: l.outChannels };
}

export function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A one-line summary: "784-256-10" for dense networks, layer by layer for convolutional ones. */
export function describeArch(model: Pick<Model, 'input' | 'layers'>): string {
  if (model.layers.every((l) => l.kind === 'dense')) {
    const dense = model.layers as DenseLayer[];
    return [dense[0]!.inputs, ...dense.map((l) => l.outputs)].join('-');
  }
  const parts = [model.input.shape.join('x')];
  for (const l of model.layers)
    parts.push(l.kind === 'dense' ? `fc${l.outputs}` : l.kind === 'conv2d' ? `conv${l.kernel}x${l.kernel}/${l.outChannels}` : `pool${l.kernel}`);
  return parts.join(' ');
}

/** The layers of a dense-only network; `what` names the caller for the error. */
export function denseOnly(model: Pick<Model, 'layers'>, what: string): DenseLayer[] {
  const other = model.layers.find((l) => l.kind !== 'dense');
  if (other) throw new Error(`${what} handles dense layers only (layer ${other.name} is ${other.kind})`);
  return model.layers as DenseLayer[];
}
