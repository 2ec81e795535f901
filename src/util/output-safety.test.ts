import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bnnErrorOf } from '../testing/bnn-error-of.js';
import { packageRoot } from './paths.js';
import { isBnnFolder, MARKER_FILE, outputError, recoverLeftovers, writeFileSafe, writeFolderSafe } from './output-safety.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'bnn-out-safety-'));
const design = (tag: string) => new Map([['a.txt', `${tag}\n`], ['sub/b.txt', `${tag} b\n`]]);

describe('folder outputs', () => {
  it('refuses a folder holding a user file and leaves it untouched; --force replaces it', () => {
    const p = scratch();
    const dir = join(p, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'precious\n');
    const e = bnnErrorOf(() => writeFolderSafe(dir, design('new')));
    expect(e.detail).toMatchObject({ code: 'OUTPUT_EXISTS', file: dir, field: '-o', got: 'a folder with 1 entry that bnn did not write' });
    expect(e.message).toContain('--force');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(readdirSync(p)).toEqual(['mine']);
    writeFolderSafe(dir, design('new'), { force: true });
    expect(readdirSync(dir).sort()).toEqual([MARKER_FILE, 'a.txt', 'sub']);
    expect(readdirSync(p)).toEqual(['mine']);
  });

  it('refuses a file at the destination (it does not become a folder)', () => {
    const p = scratch();
    writeFileSync(join(p, 'notes.txt'), 'precious\n');
    expect(bnnErrorOf(() => writeFolderSafe(join(p, 'notes.txt'), design('x'))).detail).toMatchObject({ code: 'OUTPUT_EXISTS', got: 'a file of 9 bytes' });
    expect(readFileSync(join(p, 'notes.txt'), 'utf8')).toBe('precious\n');
  });

  it('refuses the current folder and an empty path', () => {
    expect(bnnErrorOf(() => writeFolderSafe('.', design('x'), { force: true })).detail.code).toBe('OUTPUT_EXISTS');
    expect(bnnErrorOf(() => writeFolderSafe('', design('x'))).detail).toMatchObject({ code: 'USAGE', field: '-o' });
  });

  it('replaces a folder that bnn wrote, and only leaves the new design', () => {
    const p = scratch();
    const dir = join(p, 'd');
    writeFolderSafe(dir, design('old'));
    expect(isBnnFolder(dir)).toBe(true);
    writeFolderSafe(dir, new Map([['c.txt', 'new\n']]));
    expect(readdirSync(dir).sort()).toEqual([MARKER_FILE, 'c.txt']);
    expect(readdirSync(p)).toEqual(['d']);
  });

  it('maps a parent that is a file and a kernel filesystem to stable codes', () => {
    const p = scratch();
    writeFileSync(join(p, 'f'), 'x');
    expect(bnnErrorOf(() => writeFolderSafe(join(p, 'f', 'd'), design('x'))).detail).toMatchObject({ code: 'OUTPUT_PARENT_NOT_FOLDER', file: join(p, 'f') });
    expect(bnnErrorOf(() => writeFolderSafe('/proc/bnn-x', design('x'))).detail.code).toBe('OUTPUT_SPECIAL');
    expect(bnnErrorOf(() => writeFileSafe('/proc/bnn-x', 'x')).detail.code).toBe('OUTPUT_SPECIAL');
  });

  it('maps errno codes to output error codes with the path', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(outputError(err('EROFS'), '/r/x', '-o').detail).toMatchObject({ code: 'OUTPUT_READ_ONLY', file: '/r/x', field: '-o', got: 'EROFS' });
    expect(outputError(err('EACCES'), '/r/x', '-o').detail.code).toBe('OUTPUT_NOT_WRITABLE');
    expect(outputError(err('EISDIR'), '/r/x', '-o').detail.code).toBe('OUTPUT_IS_FOLDER');
    expect(outputError(err('ENOTDIR'), '/r/x', '-o').detail.code).toBe('OUTPUT_PARENT_NOT_FOLDER');
    expect(outputError(err('ENOSPC'), '/r/x', '-o').detail.code).toBe('OUTPUT_NO_SPACE');
    expect(outputError(err('EIO'), '/r/x', '-o').detail.code).toBe('OUTPUT_FAILED');
  });
});

/**
 * A real kill (SIGKILL, nothing can clean up) at every step of a replacement, in a child process
 * running the built module: afterwards the destination holds the old or the new design, at once
 * or after the recovery that the next write runs, and nothing else is left beside it.
 */
describe('a kill during a replacement', () => {
  const mod = join(packageRoot(), 'dist/src/util/output-safety.js');
  const child = (dir: string, killAt: string, signal: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', `
      const m = await import(${JSON.stringify(mod)});
      m.installSignalCleanup();
      m.writeFolderSafe(${JSON.stringify(dir)}, new Map([['a.txt', 'new\\n']]), { onStep: (s) => { if (s === ${JSON.stringify(killAt)}) process.kill(process.pid, ${JSON.stringify(signal)}); } });
      setTimeout(() => {}, 100);
    `]);

  for (const step of ['tmp-written', 'old-moved', 'new-placed', 'old-removed'])
    it(`SIGKILL after ${step}: old or new design, recoverably`, () => {
      const p = scratch();
      const dir = join(p, 'd');
      writeFolderSafe(dir, new Map([['a.txt', 'old\n']]));
      const r = child(dir, step, 'SIGKILL');
      expect(r.signal).toBe('SIGKILL');
      recoverLeftovers(dir);
      expect(readdirSync(p)).toEqual(['d']);
      const got = readFileSync(join(dir, 'a.txt'), 'utf8');
      expect(got).toBe(step === 'tmp-written' || step === 'old-moved' ? 'old\n' : 'new\n');
      expect(isBnnFolder(dir)).toBe(true);
    });

  it('SIGTERM during a write: the process dies of it and leaves no temporary behind', () => {
    const p = scratch();
    const dir = join(p, 'd');
    writeFolderSafe(dir, new Map([['a.txt', 'old\n']]));
    const r = child(dir, 'tmp-written', 'SIGTERM');
    expect(r.signal).toBe('SIGTERM');
    expect(readdirSync(p)).toEqual(['d']);
    expect(['old\n', 'new\n']).toContain(readFileSync(join(dir, 'a.txt'), 'utf8'));
  });

  it('recovery leaves a folder that bnn did not write alone', () => {
    const p = scratch();
    const dir = join(p, 'd');
    mkdirSync(join(p, '.d.bnn-old-1-1'));
    writeFileSync(join(p, '.d.bnn-old-1-1', 'user.txt'), 'x');
    recoverLeftovers(dir);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(p)).toEqual(['.d.bnn-old-1-1']);
  });
});

describe('file outputs', () => {
  it('replace an existing file through a temporary beside it, creating missing parents', () => {
    const p = scratch();
    const f = join(p, 'a', 'b', 'm.yaml');
    writeFileSafe(f, 'one\n');
    writeFileSafe(f, 'two\n');
    expect(readFileSync(f, 'utf8')).toBe('two\n');
    expect(readdirSync(join(p, 'a', 'b'))).toEqual(['m.yaml']);
  });

  it('a kill while the new content is written leaves the previous file whole', () => {
    const p = scratch();
    const f = join(p, 'm.yaml');
    writeFileSafe(f, 'previous\n');
    const mod = join(packageRoot(), 'dist/src/util/output-safety.js');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const m = await import(${JSON.stringify(mod)});
      m.writeFileSafe(${JSON.stringify(f)}, 'x'.repeat(8 << 20), { onWritten: () => process.kill(process.pid, 'SIGKILL') });
    `]);
    expect(r.signal).toBe('SIGKILL');
    expect(readFileSync(f, 'utf8')).toBe('previous\n');
    writeFileSafe(f, 'next\n');
    expect(readdirSync(p)).toEqual(['m.yaml']);
  });

  it('a folder at the destination is OUTPUT_IS_FOLDER and nothing is left beside it', () => {
    const p = scratch();
    mkdirSync(join(p, 'out'));
    expect(bnnErrorOf(() => writeFileSafe(join(p, 'out'), 'x')).detail).toMatchObject({ code: 'OUTPUT_IS_FOLDER', file: join(p, 'out') });
    expect(readdirSync(p)).toEqual(['out']);
    expect(execFileSync('ls', ['-A', join(p, 'out')]).toString()).toBe('');
  });
});

describe('designs written before the marker existed', () => {
  it('are recognized by their manifest plan.json and may be replaced', () => {
    const p = scratch();
    const dir = join(p, 'd');
    mkdirSync(dir);
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ planVersion: 1, name: 'x', top: 'x', blocks: [] }));
    writeFolderSafe(dir, design('new'));
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('new\n');
    mkdirSync(join(p, 'u'));
    writeFileSync(join(p, 'u', 'plan.json'), '{"my": "plan"}');
    expect(bnnErrorOf(() => writeFolderSafe(join(p, 'u'), design('x'))).detail.code).toBe('OUTPUT_EXISTS');
  });
});
