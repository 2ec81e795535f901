import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomModel } from '../model/random-model.js';
import { packageRoot } from '../util/paths.js';
import { compile } from './compile.js';
import { TEMPLATE_MODULES } from './templates.js';

describe('reserved module names', () => {
  it('include every module defined in rtl-templates/', () => {
    const dir = join(packageRoot(), 'rtl-templates');
    const defined = readdirSync(dir)
      .filter((f) => f.endsWith('.v'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^\s*module\s+([A-Za-z_][A-Za-z0-9_$]*)/gm)].map((m) => m[1]!));
    expect(defined.length).toBeGreaterThan(5);
    for (const m of defined) expect(TEMPLATE_MODULES, m).toContain(m);
  });

  it('a model named like a board template does not take its module name', () => {
    const { plan } = compile(randomModel({ name: 'bnn_uart_link', arch: [16, 8, 4], seed: 1 }));
    expect(plan.top).not.toBe('bnn_uart_link');
    expect(TEMPLATE_MODULES).not.toContain(plan.top);
  });
});
