import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function workDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `bnn-${tag}-`));
}
