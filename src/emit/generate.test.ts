import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { randomModel } from '../model/random-model.js';
import { makeStimulus } from '../../sim/stimulus.js';
import { writeDesign } from './generate.js';
import { generateDesign } from '../pipeline/design.js';
import { writeFolderSafe } from '../util/output-safety.js';

const model = randomModel({ name: 'Odd Name/../x', arch: [20, 12, 6], seed: 4 });
const frames = [Array.from({ length: 20 }, (_, i) => (i * 37) % 256)];

describe('design emission', () => {
  it('is byte-identical for the same input', () => {
    const a = generateDesign(compile(model).plan, makeStimulus(compile(model).plan, frames)).files;
    const b = generateDesign(compile(model).plan, makeStimulus(compile(model).plan, frames)).files;
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
  });

  it('ships the popcount module with the MVTU and records the popcount chosen in plan.json', () => {
    const plan = compile(model).plan;
    const files = generateDesign(plan, makeStimulus(plan, frames)).files;
    const list = files.get('files.f')!.trim().split('\n');
    expect(list).toContain('rtl/popcount.v');
    expect(list.indexOf('rtl/popcount.v')).toBeLessThan(list.indexOf('rtl/mvtu.v'));
    expect(files.get('vivado/create_project.tcl')).toContain('rtl/popcount.v');
    const saved = JSON.parse(files.get('plan.json')!) as { blocks: Array<{ kind: string; params: { POPCOUNT?: number } }> };
    const mvtus = saved.blocks.filter((b) => b.kind === 'mvtu');
    expect(mvtus.length).toBeGreaterThan(0);
    for (const b of mvtus) expect(b.params.POPCOUNT).toBe(2);
    expect(files.get(`rtl/${plan.top}.v`)).toContain('.POPCOUNT(2)');
  });

  it('uses only legalized names in paths and identifiers', () => {
    const plan = compile(model).plan;
    expect(plan.top).toBe('odd_name_x');
    const files = generateDesign(plan, makeStimulus(plan, frames)).files;
    for (const k of files.keys()) expect(k).toMatch(/^[a-z_]+\/?[a-z0-9_.]*(\/[a-z0-9_.]+)?$/);
    expect(files.get('rtl/odd_name_x.v')).toContain('module odd_name_x (');
    for (const [k, v] of files) if (!k.endsWith('.json')) expect(v, k).not.toContain('Odd Name');
  });

  it('writes a folder atomically: a failure leaves the previous one untouched', () => {
    const parent = mkdtempSync(join(tmpdir(), 'bnn-atomic-'));
    const dir = join(parent, 'design');
    writeDesign(dir, new Map([['a.txt', 'first\n']]));
    writeFileSync(join(dir, 'a.txt'), 'first\n');
    const bad = new Map([
      ['b.txt', 'second\n'],
      ['../escape.txt', 'no'],
    ]);
    expect(() => writeFolderSafe(dir, bad)).toThrow(/unsafe output path/);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('first\n');
    expect(existsSync(join(dir, 'b.txt'))).toBe(false);
    expect(readdirSync(parent)).toEqual(['design']);
  });
});
