import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { designHashes, shippedModels, type DesignHashes } from '../testing/design-hash-cases.js';
import { packageRoot } from '../util/paths.js';

const recorded = JSON.parse(readFileSync(join(packageRoot(), 'src/testing/design-hashes.json'), 'utf8')) as DesignHashes;

describe('generated designs are byte-identical to the recorded ones', () => {
  it('covers every shipped model at three foldings', () => {
    expect(Object.keys(recorded).sort()).toEqual(shippedModels().flatMap((m) => [`${m} default`, `${m} fewer-pe`, `${m} more-simd`]).sort());
  });
  for (const m of shippedModels())
    it(m, () => {
      const now = designHashes(m);
      for (const [key, files] of Object.entries(now)) expect(files, key).toEqual(recorded[key]);
    });
});
