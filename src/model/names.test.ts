import { describe, expect, it } from 'vitest';
import { isLegalName, legalName, NAME_RULE } from './names.js';

describe('the name rule', () => {
  it('accepts names of [A-Za-z0-9_.-], 1 to 64 characters', () => {
    expect(NAME_RULE).toBe('[A-Za-z0-9_.-]{1,64}');
    expect(isLegalName('sfc-mnist_v1.2')).toBe(true);
    expect(isLegalName('')).toBe(false);
    expect(isLegalName('a'.repeat(65))).toBe(false);
    expect(isLegalName('../x')).toBe(false);
    expect(isLegalName('a b')).toBe(false);
  });

  it('legalizes: runs of other characters become one _, cut to 64, fallback when nothing is left', () => {
    expect(legalName('MatMul_0 / fc:1', 'fc0')).toBe('MatMul_0_fc_1');
    expect(legalName('x'.repeat(70), 'f')).toBe('x'.repeat(64));
    expect(legalName('', 'model')).toBe('model');
    expect(isLegalName(legalName('${}\n;`', 'f'))).toBe(true);
  });
});
