import { execa } from 'execa';
import fc from 'fast-check';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compile } from '../src/compiler/compile.js';
import { BnnError } from '../src/errors.js';
import { npyFrames } from '../src/inputs/frames.js';
import { loadModel, parseModel } from '../src/model/io.js';
import type { Model } from '../src/model/types.js';
import { importOnnx } from '../src/onnx/import.js';
import { packageRoot } from '../src/util/paths.js';
import { workDir } from './cases.js';

/**
 * Our own bad-input campaign, kept (issue 14): random mutations of the shipped models, fold
 * files, the FINN ONNX and .npy fixtures, and random output destinations through the CLI. Every
 * outcome must be a result or a BnnError naming the file (and the field where there is one):
 * never INTERNAL, never an uncaught exception, never a file outside the destination touched.
 * Seeded, and bounded to stay well under a minute; BNN_PROPERTY_RUNS=N multiplies the runs for a
 * longer campaign (e.g. BNN_PROPERTY_RUNS=50 npx vitest run hw-tests/properties.test.ts).
 */
const root = packageRoot();
const fixture = join(root, '../shared/fixtures/finn-tfc-w1a1');
const scale = Math.max(1, Number(process.env.BNN_PROPERTY_RUNS ?? 1) || 1);
const runs = (n: number) => ({ seed: 14, numRuns: n * scale, endOnFailure: true });

/** Values that broke tools before: sizes at and past every limit, wrong types, path tricks. */
const nasty = fc.oneof(
  fc.constantFrom<unknown>(0, -1, 1, 2, 1.5, 1e9, 1e300, -1e300, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 16777216, 'NaN', '.nan', '', '../../etc/x', 'ffff', true, null, [], {}, [1e6, 1e6]),
  fc.integer({ min: -10, max: 100_000 }),
  fc.double(),
  fc.string({ maxLength: 8 }),
);

type Path = Array<string | number>;
function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.slice(0, 4).forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

/** The document with the value at one path replaced (or removed when value is undefined). */
function mutate(doc: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  if (path.length === 0) return value ?? null;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const docMutation = (doc: unknown) => {
  const all = paths(doc);
  return fc.tuple(fc.integer({ min: 0, max: all.length - 1 }), fc.option(nasty, { nil: undefined })).map(([i, v]) => mutate(doc, all[i]!, v));
};

/** The one allowed failure: a BnnError naming the file (and the field for a validation error). */
function expectCleanError(e: unknown, file: string, needField = true): void {
  if (!(e instanceof BnnError)) throw e;
  expect(e.detail.code).not.toBe('INTERNAL');
  expect(e.detail.file, e.message).toBe(file);
  if (needField && e.detail.code !== 'MODEL_READ') expect(e.detail.field, e.message).toBeTruthy();
}

describe('property: loaders never fail with anything but a clear error', () => {
  for (const name of ['tfc-random', 'cnn-fashion'])
    it(`mutated models/${name}.yaml: a model that compiles, or an error naming file and field`, () => {
      const doc = parse(readFileSync(join(root, `models/${name}.yaml`), 'utf8'));
      fc.assert(
        fc.property(docMutation(doc), (mutated) => {
          const file = `${name}-mutated.yaml`;
          try {
            compile(parseModel(stringify(mutated), file));
          } catch (e) {
            // YAML that does not parse has no field; every validation error has one.
            expectCleanError(e, file, !(e instanceof BnnError && /not valid YAML/.test(e.message)));
          }
        }),
        runs(60),
      );
    });

  it('mutated folding_config.json (FINN) and fold.yaml: a folding, or an error naming the fold file', () => {
    const finnModel = importOnnx(readFileSync(join(fixture, 'model.onnx')), { name: 'tfc' }).model;
    const tfc = loadModel(join(root, 'models/tfc-random.yaml'));
    const dir = workDir('prop-fold');
    const finnDoc = JSON.parse(readFileSync(join(fixture, 'folding_config.json'), 'utf8'));
    const yamlDoc = { layers: [{ pe: 16, simd: 49 }, { pe: 8, simd: 8 }, { pe: 8, simd: 8 }, { pe: 10, simd: 8 }], fifoDepth: 'auto' };
    const one = (model: Model, file: string, text: string) => {
      writeFileSync(file, text);
      try {
        compile(model, { fold: file });
      } catch (e) {
        expectCleanError(e, file, false);
      }
    };
    fc.assert(
      fc.property(docMutation(finnDoc), docMutation(yamlDoc), (f, y) => {
        one(finnModel, join(dir, 'folding_config.json'), JSON.stringify(f));
        one(tfc, join(dir, 'fold.yaml'), stringify(y));
      }),
      runs(40),
    );
  });

  it('mutated FINN ONNX bytes: an imported model, or an ONNX error naming the file', () => {
    const bytes = readFileSync(join(fixture, 'model.onnx'));
    const edit = fc.record({
      flips: fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 }),
      // Flips in the graph structure (the head and the tail) matter more than in the weight bytes.
      head: fc.array(fc.tuple(fc.nat({ max: 400 }), fc.nat({ max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat({ max: bytes.length }), { nil: undefined }),
    });
    fc.assert(
      fc.property(edit, ({ flips, head, cut }) => {
        const b = Uint8Array.from(bytes);
        for (const [i, v] of flips) b[i] = v;
        for (const [i, v] of head) b[i] = v;
        const file = 'mutated.onnx';
        try {
          importOnnx(cut === undefined ? b : b.subarray(0, cut), { name: 'm', file });
        } catch (e) {
          expectCleanError(e, file, false);
        }
      }),
      runs(40),
    );
  });

  it('mutated .npy inputs: frames, or an input error naming the file', () => {
    const bytes = readFileSync(join(fixture, 'input.npy'));
    const model = loadModel(join(root, 'models/tfc-random.yaml'));
    const file = join(workDir('prop-npy'), 'in.npy');
    const edit = fc.record({
      header: fc.array(fc.tuple(fc.nat({ max: 127 }), fc.nat({ max: 255 })), { maxLength: 4 }),
      data: fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.nat({ max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat({ max: bytes.length }), { nil: undefined }),
    });
    fc.assert(
      fc.property(edit, ({ header, data, cut }) => {
        const b = Uint8Array.from(bytes);
        for (const [i, v] of [...header, ...data]) b[i] = v;
        writeFileSync(file, cut === undefined ? b : b.subarray(0, cut));
        try {
          npyFrames(model, file);
        } catch (e) {
          expectCleanError(e, file);
        }
      }),
      runs(80),
    );
  });
});

/** Every path under dir with its content (files) or kind, for "nothing else touched". */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = lstatSync(p);
      out.set(relative(dir, p), st.isDirectory() ? 'dir' : readFileSync(p, 'utf8'));
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

describe('property: CLI outputs never touch what is not theirs', () => {
  const bnn = (args: string[], cwd: string) => execa('node', [join(root, 'dist/src/cli/main.js'), ...args], { cwd, reject: false, timeout: 60_000 });
  const model = join(root, 'models/tfc-random.yaml');
  const commands: Record<string, (out: string) => string[]> = {
    generate: (o) => ['generate', model, '--frames', '1', '-o', o],
    'random-model': (o) => ['random-model', '--arch', '8-4-2', '-o', o],
    report: (o) => ['report', model, '-o', o],
  };
  const destinations = ['new', 'new/deeper/x', 'notes.txt', 'notes.txt/x', 'user', 'user/notes.txt', 'empty', 'design', '.', '', 'design/plan.json'];

  it('any command, any destination, with or without --force: exit 0 or a JSON error (exit 2), nothing outside the destination changed', async () => {
    const template = workDir('prop-cli-design');
    expect((await bnn(['generate', model, '--frames', '1', '-o', 'design', '--quiet'], template)).exitCode).toBe(0);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(commands)), fc.constantFrom(...destinations), fc.boolean(), async (cmd, dest, force) => {
        const dir = workDir('prop-cli');
        writeFileSync(join(dir, 'notes.txt'), 'mine\n');
        mkdirSync(join(dir, 'user'));
        writeFileSync(join(dir, 'user', 'notes.txt'), 'mine too\n');
        mkdirSync(join(dir, 'empty'));
        cpSync(join(template, 'design'), join(dir, 'design'), { recursive: true });
        const before = snapshot(dir);
        const args = [...commands[cmd]!(dest), '--json', ...(force && cmd === 'generate' ? ['--force'] : [])];
        const r = await bnn(args, dir);
        const label = `${cmd} -o ${JSON.stringify(dest)}${force ? ' --force' : ''}`;
        expect([0, 2], `${label}: ${r.stderr}`).toContain(r.exitCode);
        if (r.exitCode === 2) {
          const e = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; field?: string; file?: string } };
          expect(e.ok).toBe(false);
          expect(e.error.code, label).not.toBe('INTERNAL');
          expect(e.error.field, label).toBe('-o');
        }
        const after = snapshot(dir);
        const inDest = (p: string) => dest !== '' && dest !== '.' && (p === dest || p.startsWith(dest + '/'));
        for (const [p, v] of before) if (!inDest(p)) expect(after.get(p), `${label}: ${p}`).toBe(v);
        for (const p of after.keys()) {
          expect(p, label).not.toMatch(/\.bnn-(tmp|old)-/);
          if (!before.has(p)) expect(inDest(p) || dest.startsWith(p + '/'), `${label}: created ${p}`).toBe(true);
        }
        // A refused destination is untouched too.
        if (r.exitCode === 2) for (const [p, v] of before) expect(after.get(p), `${label}: ${p}`).toBe(v);
        if (r.exitCode === 0 && cmd === 'generate') expect(existsSync(join(dir, dest, '.bnn-design.json')), label).toBe(true);
      }),
      runs(12),
    );
  });
});
