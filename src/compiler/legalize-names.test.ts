import { describe, expect, it } from 'vitest';
import { legalIdentifier, legalizeAll } from './legalize-names.js';

describe('name legalization', () => {
  it('makes identifiers safe for Verilog and file names', () => {
    expect(legalIdentifier('fc0')).toBe('fc0');
    expect(legalIdentifier('../../etc/passwd')).toBe('_etc_passwd');
    expect(legalIdentifier('0layer')).toBe('n0layer');
    expect(legalIdentifier('module')).toBe('module_');
    expect(legalIdentifier('Dense 1; $finish')).toBe('dense_1_finish');
    for (const s of ['a/b', 'x`define', 'é', '']) expect(legalIdentifier(s)).toMatch(/^[a-z_][a-z0-9_]*$/);
  });

  it('keeps names unique and away from reserved ones', () => {
    expect(legalizeAll(['a.b', 'a-b', 'a_b'])).toEqual(['a_b', 'a_b_2', 'a_b_3']);
    expect(legalizeAll(['bnn_mvtu'], ['bnn_mvtu'])).toEqual(['bnn_mvtu_2']);
  });
});
