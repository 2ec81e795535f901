import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './util/paths.js';

/**
 * Imports run one way (model/IR → blocks → plan → compiler, emit, sim, synth, report, verify):
 * no file of src/ or sim/ sits on an import circle (type-only imports included: a circle of
 * types is the same tangle for the reader).
 */
const NO_CIRCLES_IN = ['src', 'sim'];

const root = packageRoot();

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT_RE = /^\s*(?:import|export)\b[^'";]*?(?:from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

/** File → the project files it imports (relative specifiers, `.js` resolved to the `.ts` source). */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const g = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    const deps = [...text.matchAll(IMPORT_RE)]
      .map((m) => relative(root, resolve(root, dirname(f), m[1]!.replace(/\.js$/, '.ts'))))
      .filter((d) => known.has(d));
    g.set(f, [...new Set(deps)]);
  }
  return g;
}

/** The circles of a graph: its strongly connected components with more than one node or a self-import (Tarjan). */
function circles(g: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

describe('import circles', () => {
  it('finds a circle, and only a circle (the detector can fail)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(circles(g)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(circles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });

  it('reads the project graph (sanity: known edges are seen)', () => {
    const g = importGraph([...sources('src'), ...sources('sim')]);
    expect(g.get('src/onnx/import.ts')).toContain('src/onnx/handlers/index.ts');
    expect(g.get('src/train/trainer.ts')).toEqual(expect.arrayContaining(['src/train/dense.ts', 'src/train/cnn.ts', 'src/train/types.ts']));
    expect(g.get('src/index.ts')).toContain('sim/simulate.ts');
  });

  it(`no file in ${NO_CIRCLES_IN.join(', ')} is on an import circle`, () => {
    const g = importGraph([...sources('src'), ...sources('sim')]);
    const offending = circles(g).filter((c) => c.some((f) => NO_CIRCLES_IN.some((d) => f.startsWith(d + '/'))));
    expect(offending).toEqual([]);
  });
});
