/**
 * Re-records src/testing/design-hashes.json: run only when a change to the generated output is
 * intended (and say so in the commit); behaviour-preserving changes must leave it untouched.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { designHashes, shippedModels, type DesignHashes } from '../src/testing/design-hash-cases.js';
import { packageRoot } from '../src/util/paths.js';

const all: DesignHashes = {};
for (const m of shippedModels()) Object.assign(all, designHashes(m));
const file = join(packageRoot(), 'src/testing/design-hashes.json');
writeFileSync(file, JSON.stringify(all, null, 1) + '\n');
process.stdout.write(`recorded ${Object.keys(all).length} designs in ${file}\n`);
