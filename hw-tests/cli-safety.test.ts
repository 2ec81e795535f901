import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/util/paths.js';
import { MARKER_FILE } from '../src/util/output-safety.js';
import { workDir } from './cases.js';

/** Issue 14 through the real CLI: each case as a user would type it. */
const root = packageRoot();
const bnn = (args: string[], cwd = root) => execa('node', [join(root, 'dist/src/cli/main.js'), ...args], { cwd, reject: false, timeout: 60_000 });
const model = join(root, 'models/tfc-random.yaml');
const jsonError = (stdout: string) => (JSON.parse(stdout) as { ok: boolean; error: Record<string, string> }).error;

describe('data loss (issue 14, items 1-3)', () => {
  it('generate -o . in a folder with user files refuses and deletes nothing', async () => {
    const dir = workDir('cli-dot');
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const r = await bnn(['generate', model, '-o', '.', '--json'], dir);
    expect(r.exitCode).toBe(2);
    expect(jsonError(r.stdout)).toMatchObject({ code: 'OUTPUT_EXISTS', field: '-o' });
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('generate -o DIR holding a user file refuses, with --force replaces it, then replaces its own design without --force', async () => {
    const p = workDir('cli-user');
    const dir = join(p, 'd');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine\n');
    const r = await bnn(['generate', model, '-o', dir, '--json']);
    expect(r.exitCode).toBe(2);
    const e = jsonError(r.stdout);
    expect(e).toMatchObject({ code: 'OUTPUT_EXISTS', file: dir, field: '-o', got: 'a folder with 1 entry that bnn did not write' });
    expect(e.message).toContain('--force');
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('mine\n');
    expect((await bnn(['generate', model, '-o', dir, '--force', '--quiet'])).exitCode).toBe(0);
    expect(existsSync(join(dir, 'keep.txt'))).toBe(false);
    expect(existsSync(join(dir, MARKER_FILE))).toBe(true);
    expect((await bnn(['generate', model, '-o', dir, '--quiet'])).exitCode).toBe(0);
    expect(readdirSync(p)).toEqual(['d']);
  });

  it('generate -o notes.txt leaves the file a file; -o "" is a usage error', async () => {
    const p = workDir('cli-file');
    writeFileSync(join(p, 'notes.txt'), 'mine\n');
    const r = await bnn(['generate', model, '-o', 'notes.txt', '--json'], p);
    expect(jsonError(r.stdout)).toMatchObject({ code: 'OUTPUT_EXISTS', got: 'a file of 5 bytes' });
    expect(readFileSync(join(p, 'notes.txt'), 'utf8')).toBe('mine\n');
    const empty = await bnn(['generate', model, '-o', '', '--json'], p);
    expect(empty.exitCode).toBe(2);
    expect(jsonError(empty.stdout)).toMatchObject({ code: 'USAGE', field: '-o' });
    expect(readdirSync(p)).toEqual(['notes.txt']);
  });

  it('verify and synth refuse a user folder before any work', async () => {
    const p = workDir('cli-vs');
    writeFileSync(join(p, 'keep.txt'), 'mine\n');
    for (const args of [['verify', model, '-o', p], ['synth', model, '-o', p]]) {
      const r = await bnn([...args, '--json']);
      expect(r.exitCode, args[0]).toBe(2);
      expect(jsonError(r.stdout).code, args[0]).toBe('OUTPUT_EXISTS');
    }
    expect(readdirSync(p)).toEqual(['keep.txt']);
  });

  it('a design left beside its place by a kill is restored by the next run', async () => {
    const p = workDir('cli-recover');
    const dir = join(p, 'd');
    expect((await bnn(['generate', model, '-o', dir, '--quiet'])).exitCode).toBe(0);
    const { renameSync } = await import('node:fs');
    // What a kill between the two renames leaves: no destination, the old design aside.
    renameSync(dir, join(p, '.d.bnn-old-999999999-1'));
    expect((await bnn(['generate', model, '-o', dir, '--quiet'])).exitCode).toBe(0);
    expect(readdirSync(p)).toEqual(['d']);
  });
});

describe('sizes (issue 14, item 4)', () => {
  it('simulate --frames 1e9 and generate --frames 1000000 are refused at once', async () => {
    const s = await bnn(['simulate', model, '--frames', '1e9', '--json']);
    expect(s.exitCode).toBe(2);
    expect(jsonError(s.stdout)).toMatchObject({ code: 'LIMIT_EXCEEDED', field: '--frames', got: '1,000,000,000' });
    const g = await bnn(['generate', model, '--frames', '1000000', '-o', join(workDir('cli-frames'), 'd'), '--json']);
    expect(jsonError(g.stdout)).toMatchObject({ code: 'LIMIT_EXCEEDED', field: '--frames' });
  });

  it('random-model --arch 1048576-1048576-10 is refused before allocation', async () => {
    const p = workDir('cli-arch');
    const r = await bnn(['random-model', '--arch', '1048576-1048576-10', '-o', join(p, 'm.yaml'), '--json']);
    expect(r.exitCode).toBe(2);
    expect(jsonError(r.stdout)).toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'arch' });
    expect(readdirSync(p)).toEqual([]);
  });
});

describe('errors as data (issue 14, items 5-7)', () => {
  it('filesystem problems on outputs are stable codes, not INTERNAL', async () => {
    const p = workDir('cli-fs');
    writeFileSync(join(p, 'f'), 'x');
    mkdirSync(join(p, 'folder'));
    const cases: Array<[string[], string]> = [
      [['generate', model, '-o', join(p, 'f', 'd')], 'OUTPUT_PARENT_NOT_FOLDER'],
      [['random-model', '--arch', '4-2', '-o', join(p, 'f', 'm.yaml')], 'OUTPUT_PARENT_NOT_FOLDER'],
      [['random-model', '--arch', '4-2', '-o', join(p, 'folder')], 'OUTPUT_IS_FOLDER'],
      [['report', model, '-o', join(p, 'folder')], 'OUTPUT_IS_FOLDER'],
      [['generate', model, '-o', '/proc/bnn-x'], 'OUTPUT_SPECIAL'],
      [['random-model', '--arch', '4-2', '-o', '/proc/bnn-x'], 'OUTPUT_SPECIAL'],
      [['train', '--dataset', 'mnist', '--arch', '784-16-10', '-o', join(p, 'f', 'm.yaml')], 'OUTPUT_PARENT_NOT_FOLDER'],
    ];
    for (const [args, code] of cases) {
      const r = await bnn([...args, '--json']);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(jsonError(r.stdout), args.join(' ')).toMatchObject({ code, field: '-o' });
    }
    expect(readdirSync(p).sort()).toEqual(['f', 'folder']);
    expect(readdirSync(join(p, 'folder'))).toEqual([]);
  });

  it('random-model and report create missing parent folders, as generate and import do', async () => {
    const p = workDir('cli-parents');
    expect((await bnn(['random-model', '--arch', '4-2', '-o', join(p, 'a', 'b', 'm.yaml')])).exitCode).toBe(0);
    expect((await bnn(['report', join(p, 'a', 'b', 'm.yaml'), '-o', join(p, 'c', 'r.html'), '--quiet'])).exitCode).toBe(0);
    expect(readdirSync(join(p, 'c'))).toEqual(['r.html']);
  });

  it('with --json, parser errors are a JSON error object and exit 2', async () => {
    for (const args of [['simulate', model, '--bogus'], ['verify', model, '--sim', 'modelsim'], ['generate', model], ['frobnicate']]) {
      const r = await bnn([...args, '--json']);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(JSON.parse(r.stdout), args.join(' ')).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    }
    expect(jsonError((await bnn(['verify', model, '--sim', 'modelsim', '--json'])).stdout).field).toBe('--sim');
    const plain = await bnn(['simulate', model, '--bogus']);
    expect(plain.exitCode).toBe(2);
    expect(plain.stderr).toContain("unknown option '--bogus'");
  });

  it('--seed outside [0, 2^32) is refused, not wrapped', async () => {
    for (const seed of ['4294967296', '1e300', '1.5']) {
      const r = await bnn(['simulate', model, '--frames', '1', '--seed', seed, '--json']);
      expect(r.exitCode, seed).toBe(2);
      expect(jsonError(r.stdout), seed).toMatchObject({ code: 'USAGE', field: '--seed', got: seed });
    }
    expect((await bnn(['simulate', model, '--frames', '1', '--seed', '4294967295', '--quiet'])).exitCode).toBe(0);
  });

  it('random-model --name is checked with the loader\'s rule before anything is written', async () => {
    const p = workDir('cli-name');
    const r = await bnn(['random-model', '--arch', '4-2', '--name', '../../etc/x', '-o', join(p, 'm.yaml'), '--json']);
    expect(r.exitCode).toBe(2);
    expect(jsonError(r.stdout)).toMatchObject({ code: 'USAGE', field: '--name', expected: 'a name matching [A-Za-z0-9_.-]{1,64}' });
    expect(readdirSync(p)).toEqual([]);
  });
});
