import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './util/paths.js';

describe('docs/errors.md', () => {
  it('documents every error code of src/errors.ts, and no other', () => {
    const src = readFileSync(join(packageRoot(), 'src/errors.ts'), 'utf8');
    const union = /export type ErrorCode =([^;]+);/.exec(src)![1]!;
    const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(10);
    const doc = readFileSync(join(packageRoot(), 'docs/errors.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
    expect(documented.sort()).toEqual([...codes, 'INTERNAL'].sort());
  });
});
