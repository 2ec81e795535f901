import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, type Compiled } from '../src/compiler/compile.js';
import type { FoldConfig } from '../src/compiler/fold-config.js';
import { loadModel } from '../src/model/io.js';
import { randomModel } from '../src/model/random-model.js';
import { packageRoot } from '../src/util/paths.js';
import { Prng } from '../src/util/prng.js';
import { hasTool } from '../src/verify/tools.js';

/** In CI (BNN_REQUIRE_TOOLS=1) a missing simulator fails the tests instead of skipping them. */
export async function toolOrSkip(tool: string): Promise<boolean> {
  return process.env.BNN_REQUIRE_TOOLS === '1' || (await hasTool(tool));
}

export function workDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `bnn-${tag}-`));
}

export function frames(n: number, size: number, seed: number): number[][] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => Array.from({ length: size }, () => rng.int(256)));
}

const fold = (layers: Array<[number, number]>): FoldConfig => ({
  layers: layers.map(([pe, simd]) => ({ pe, simd })),
  fifoDepth: 'auto',
  source: 'test',
});

export interface CosimCase {
  name: string;
  compiled: () => Compiled;
  frames: number;
}

const sfc = () => loadModel(join(packageRoot(), 'models/sfc-random.yaml'));
const small = () => randomModel({ name: 'small', arch: [48, 32, 24, 10], seed: 3 });

/** The co-simulation matrix: the 784-256-256-256-10 network and the corner foldings. */
export const COSIM_CASES: CosimCase[] = [
  { name: 'sfc 784-256-256-256-10, default folding', compiled: () => compile(sfc()), frames: 3 },
  {
    name: 'sfc 784-256-256-256-10, mixed folding (NF=2 label select)',
    compiled: () => compile(sfc(), { fold: fold([[16, 49], [8, 32], [32, 8], [5, 16]]) }),
    frames: 3,
  },
  { name: 'small, PE = SIMD = 1 everywhere', compiled: () => compile(small(), { fold: fold([[1, 1], [1, 1], [1, 1]]) }), frames: 3 },
  { name: 'small, fully parallel (II = 1)', compiled: () => compile(small(), { fold: fold([[32, 48], [24, 32], [10, 24]]) }), frames: 12 },
  {
    name: 'small, non-integer width ratios (16→12, 4→16, 5→6)',
    compiled: () => compile(small(), { fold: fold([[16, 12], [4, 16], [5, 6]]) }),
    frames: 6,
  },
];
