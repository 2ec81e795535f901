import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (holds rtl-templates/), found from this file whether run from src/ or dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && JSON.parse(readFileSync(pj, 'utf8')).name === 'bnn-fpga') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('bnn: cannot find the package root (package.json of bnn-fpga)');
    dir = up;
  }
}

export function templatePath(file: string): string {
  return join(packageRoot(), 'rtl-templates', file);
}
