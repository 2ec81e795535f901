import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { loadModel } from '../src/model/io.js';
import { packageRoot } from '../src/util/paths.js';
import { twinsFor } from './build.js';

describe('twin table', () => {
  it('a block is combinational exactly when its kit is unclocked, and then its twin maps data', () => {
    const plan = compile(loadModel(`${packageRoot()}/models/sfc-random.yaml`)).plan;
    const { blocks, comb } = twinsFor(plan);
    expect(blocks.map((b) => b.name)).toEqual(plan.blocks.map((b) => b.name));
    expect(comb).toEqual(plan.blocks.map((b) => b.kind === 'binarize'));
    blocks.forEach((b, k) => expect(typeof b.map === 'function').toBe(comb[k]));
  });
});
