import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { templatePath } from '../util/paths.js';
import { BLOCK_KITS, blockTemplateModules } from './registry.js';

describe('block registry', () => {
  it('each kit names a template file that defines its module, and so does each file it uses', () => {
    for (const kit of Object.values(BLOCK_KITS))
      for (const t of [kit.template, ...kit.uses]) expect(readFileSync(templatePath(t.file), 'utf8')).toMatch(new RegExp(`^module ${t.module}\\b`, 'm'));
  });

  it('a combinational template has no clock port; a clocked one has ap_clk and ap_rst_n', () => {
    for (const kit of Object.values(BLOCK_KITS)) {
      const v = readFileSync(templatePath(kit.template.file), 'utf8');
      expect([/\bap_clk\b/.test(v), /\bap_rst_n\b/.test(v)]).toEqual([kit.clocked, kit.clocked]);
    }
  });

  it('lists every module once, sub-modules included', () => {
    const m = blockTemplateModules();
    expect(new Set(m).size).toBe(m.length);
    expect(m).toEqual(expect.arrayContaining(['bnn_mvtu', 'bnn_popcount', 'bnn_binarize']));
  });
});
