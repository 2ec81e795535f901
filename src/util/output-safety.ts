import {
  accessSync, chmodSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync,
  renameSync, rmSync, statfsSync, statSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { BnnError, type ErrorCode } from '../errors.js';
import { packageRoot } from './paths.js';

/**
 * Every output bnn writes goes through this file, so that no run loses a user's files:
 *
 * - A folder output (generate, verify, synth, demo) carries MARKER_FILE. An existing destination
 *   is replaced only when it is such a folder (or an empty one); anything else is refused with
 *   OUTPUT_EXISTS unless `force` is given.
 * - A folder is written into a temporary sibling `.NAME.bnn-tmp-PID-TS` (marker first), the old
 *   design is renamed to `.NAME.bnn-old-PID-TS`, the new one renamed into place, the old one
 *   removed. A kill between the renames leaves the old design beside its place; the next write to
 *   the same destination (`recoverLeftovers`) restores it if the destination is missing and removes
 *   the temporaries, which carry the marker, so nothing that bnn did not write is touched.
 * - A file output (model, report) is written to `.NAME.bnn-tmp-PID-TS` in the same folder and renamed
 *   over the destination, so a kill leaves the previous file or the new one, never a truncated one.
 *   A file named explicitly may be replaced (re-running `bnn train -o models/x.yaml` is the normal
 *   use); a folder, a device or a special filesystem never is.
 * - SIGINT/SIGTERM remove the temporaries of a write in flight (`installSignalCleanup`).
 */
export const MARKER_FILE = '.bnn-design.json';

let cachedVersion: string | undefined;
function toolVersion(): string {
  cachedVersion ??= String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: unknown }).version);
  return cachedVersion;
}

/** Deterministic (no time stamp), so a generated folder stays byte-identical for the same input. */
export function markerText(): string {
  return JSON.stringify({ tool: 'bnn', version: toolVersion(), note: 'written by bnn: bnn may replace this folder' }) + '\n';
}

/** A folder bnn wrote: it holds the marker, or (designs written before the marker existed) the design's manifest plan.json. */
export function isBnnFolder(dir: string): boolean {
  const json = (file: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  if (json(MARKER_FILE)?.tool === 'bnn') return true;
  const plan = json('plan.json');
  return plan?.planVersion === 1 && typeof plan.top === 'string' && Array.isArray(plan.blocks);
}

// Filesystems where a write means something other than storing a file (kernel interfaces), or hangs.
const SPECIAL_FS = new Map<number, string>([
  [0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x64626720, 'debugfs'], [0x74726163, 'tracefs'], [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'], [0x73636673, 'securityfs'], [0x6165676c, 'pstore'], [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'], [0x65735543, 'fusectl'], [0x1cd1, 'devpts'], [0x42494e4d, 'binfmt_misc'],
]);

function fail(code: ErrorCode, path: string, message: string, field: string, expected?: string, got?: string): never {
  throw new BnnError({ code, message, file: path, field, ...(expected !== undefined ? { expected } : {}), ...(got !== undefined ? { got } : {}) });
}

/** A filesystem error on an output, as a stable code naming the path and what was expected. */
export function outputError(e: unknown, path: string, field: string): BnnError {
  if (e instanceof BnnError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const make = (c: ErrorCode, message: string, expected: string) => new BnnError({ code: c, message, file: path, field, expected, got: code || String(e) });
  switch (code) {
    case 'EROFS': return make('OUTPUT_READ_ONLY', 'the output is on a read-only filesystem', 'a writable place');
    case 'EACCES': case 'EPERM': return make('OUTPUT_NOT_WRITABLE', 'no permission to write the output', 'a folder you may write to');
    case 'ENOTDIR': case 'EEXIST': return make('OUTPUT_PARENT_NOT_FOLDER', 'a parent of the output is not a folder', 'every parent of the output to be a folder (or missing)');
    case 'EISDIR': return make('OUTPUT_IS_FOLDER', 'the output is a folder', 'a file path');
    case 'ENOSPC': case 'EDQUOT': return make('OUTPUT_NO_SPACE', 'no space left for the output', 'free space on the filesystem');
    default: return make('OUTPUT_FAILED', `cannot write the output: ${(e as Error).message ?? String(e)}`, 'a writable path');
  }
}

function what(path: string): string {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) {
    const n = readdirSync(path).length;
    return n ? `a folder with ${n} ${n === 1 ? 'entry' : 'entries'} that bnn did not write` : 'an empty folder';
  }
  if (st.isFile()) return `a file of ${st.size} bytes`;
  return 'a device, pipe or socket';
}

/**
 * Check where an output will go before anything is computed into it: a non-empty path, parents
 * that are folders (or missing), an ordinary writable filesystem. Returns the nearest existing ancestor.
 */
function checkPlace(target: string, field: string): string {
  let anc = dirname(target);
  for (;;) {
    if (existsSync(anc)) break;
    const up = dirname(anc);
    if (up === anc) break;
    anc = up;
  }
  // An existing ancestor component that is a file: every write below it fails with ENOTDIR/EEXIST.
  if (!statSync(anc).isDirectory()) fail('OUTPUT_PARENT_NOT_FOLDER', anc, 'a parent of the output is not a folder', field, 'a folder (or nothing) at every parent of the output', what(anc));
  const fsType = SPECIAL_FS.get(Number(statfsSync(anc).type));
  if (fsType) fail('OUTPUT_SPECIAL', target, `the output would be on the kernel's ${fsType} filesystem`, field, 'a path on an ordinary filesystem', fsType);
  try {
    accessSync(anc, constants.W_OK);
  } catch (e) {
    throw outputError(e, anc, field);
  }
  return anc;
}

function checkPathText(path: string, field: string): string {
  if (path.trim() === '') throw new BnnError({ code: 'USAGE', message: 'empty output path', field, expected: 'a path', got: '""' });
  return resolve(path);
}

// Temporaries are siblings named after the destination; the PID says whether their writer still runs.
const LEFTOVER = (base: string) => new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.bnn-(tmp|old)-(\\d+)-(\\d+)$`);

function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Leftovers of an interrupted write to `target` (whose writer is gone): restore the newest old
 * design when the destination is missing, remove the rest. Only bnn's own (marked) folders and
 * bnn-named temporary files are touched.
 */
export function recoverLeftovers(target: string): { restored?: string; removed: string[] } {
  const abs = resolve(target);
  const parent = dirname(abs);
  const re = LEFTOVER(basename(abs));
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return { removed: [] };
  }
  const found = names
    .map((n) => ({ n, m: re.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null && !alive(Number(x.m[2])))
    .map(({ n, m }) => ({ path: join(parent, n), kind: m[1] as 'tmp' | 'old', ts: Number(m[3]) }))
    .filter((x) => {
      const st = lstatSync(x.path);
      return st.isFile() ? x.kind === 'tmp' : st.isDirectory() && (isBnnFolder(x.path) || readdirSync(x.path).length === 0);
    })
    .sort((a, b) => b.ts - a.ts);
  const out: { restored?: string; removed: string[] } = { removed: [] };
  const old = found.find((x) => x.kind === 'old');
  if (old && !existsSync(abs)) {
    renameSync(old.path, abs);
    out.restored = old.path;
  }
  for (const x of found) {
    if (x.path === out.restored) continue;
    rmSync(x.path, { recursive: true, force: true });
    out.removed.push(x.path);
  }
  return out;
}

/** Writes in flight: what a signal must undo. */
const inFlight = new Set<{ tmp: string; old?: string; target: string }>();

/** On SIGINT/SIGTERM, remove the temporaries of writes in flight (restoring a moved-aside design), then die of the signal. */
export function installSignalCleanup(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const handler = () => {
      for (const w of inFlight) {
        rmSync(w.tmp, { recursive: true, force: true });
        if (w.old && existsSync(w.old) && !existsSync(w.target)) renameSync(w.old, w.target);
      }
      inFlight.clear();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

export interface FolderWriteOptions {
  executable?: Set<string>;
  /** Replace the destination even when bnn did not write it. */
  force?: boolean;
  /** The option that named the destination, for errors. */
  field?: string;
  /** Called after each step of a replacement, with the step's name (crash tests kill the process there). */
  onStep?: (step: 'tmp-written' | 'old-moved' | 'new-placed' | 'old-removed') => void;
}

/** Refuse a folder destination that bnn may not replace; call before long work so a refusal comes first. */
export function checkFolderOutput(dir: string, o: { force?: boolean; field?: string } = {}): string {
  const field = o.field ?? '-o';
  const target = checkPathText(dir, field);
  const rel = relative(target, process.cwd());
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
    fail('OUTPUT_EXISTS', target, 'the output folder is the current folder or contains it', field, 'a path to a new folder or one that bnn wrote', 'the current folder');
  checkPlace(target, field);
  recoverLeftovers(target);
  if (!existsSync(target) && !isSymlink(target)) return target;
  const st = lstatSync(target);
  if (st.isDirectory() && (isBnnFolder(target) || readdirSync(target).length === 0)) return target;
  if (!st.isDirectory() && !st.isFile() && !st.isSymbolicLink())
    fail('OUTPUT_SPECIAL', target, 'the output path is a device, pipe or socket', field, 'a path to a folder', what(target));
  if (!o.force)
    fail('OUTPUT_EXISTS', target, `the output path exists and bnn did not write it; use --force to replace it, or another path`, field, `a new path, or a folder that bnn wrote (it holds ${MARKER_FILE})`, what(target));
  return target;
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Write a whole output folder: nothing half-written on failure, the previous design or the new one
 * after a kill, and never a user's files replaced without `force` (see the top of this file).
 */
export function writeFolderSafe(dir: string, files: ReadonlyMap<string, string | Uint8Array>, o: FolderWriteOptions = {}): void {
  const field = o.field ?? '-o';
  const target = checkFolderOutput(dir, o);
  const parent = dirname(target);
  const stamp = `${process.pid}-${Date.now()}`;
  const w: { tmp: string; old?: string; target: string } = { tmp: join(parent, `.${basename(target)}.bnn-tmp-${stamp}`), target };
  for (const rel of files.keys())
    if (rel.startsWith('/') || rel.split('/').includes('..') || rel === MARKER_FILE) throw new Error(`internal: unsafe output path ${rel}`);
  inFlight.add(w);
  try {
    mkdirSync(w.tmp, { recursive: true });
    // The marker goes first: a temporary folder left by a kill is recognizably bnn's.
    writeFileSync(join(w.tmp, MARKER_FILE), markerText());
    for (const [rel, content] of files) {
      const p = join(w.tmp, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      if (o.executable?.has(rel)) chmodSync(p, 0o755);
    }
    o.onStep?.('tmp-written');
    if (existsSync(target) || isSymlink(target)) {
      w.old = join(parent, `.${basename(target)}.bnn-old-${stamp}`);
      renameSync(target, w.old);
      o.onStep?.('old-moved');
    }
    try {
      renameSync(w.tmp, target);
    } catch (e) {
      if (w.old) renameSync(w.old, target);
      w.old = undefined;
      throw e;
    }
    o.onStep?.('new-placed');
    if (w.old) rmSync(w.old, { recursive: true, force: true });
    o.onStep?.('old-removed');
  } catch (e) {
    rmSync(w.tmp, { recursive: true, force: true });
    throw outputError(e, target, field);
  } finally {
    inFlight.delete(w);
  }
}

/** Refuse a file destination that cannot be written (a folder, a device, a bad parent); call before long work. */
export function checkFileOutput(file: string, o: { field?: string } = {}): string {
  const field = o.field ?? '-o';
  const target = checkPathText(file, field);
  checkPlace(target, field);
  if (existsSync(target)) {
    const st = statSync(target);
    if (st.isDirectory()) fail('OUTPUT_IS_FOLDER', target, 'the output path is a folder', field, 'a file path (e.g. inside that folder)', what(target));
    if (!st.isFile()) fail('OUTPUT_SPECIAL', target, 'the output path is a device, pipe or socket', field, 'a regular file path', what(target));
  }
  recoverLeftovers(target);
  return target;
}

/**
 * Write one output file atomically: a temporary file beside it, renamed over it. Missing parent
 * folders are created (by every command alike).
 */
export function writeFileSafe(file: string, text: string | Uint8Array, o: { field?: string; /** After the temporary is written (crash tests). */ onWritten?: () => void } = {}): void {
  const field = o.field ?? '-o';
  const target = checkFileOutput(file, o);
  const w = { tmp: join(dirname(target), `.${basename(target)}.bnn-tmp-${process.pid}-${Date.now()}`), target };
  inFlight.add(w);
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(w.tmp, text);
    o.onWritten?.();
    renameSync(w.tmp, target);
  } catch (e) {
    rmSync(w.tmp, { force: true });
    throw outputError(e, target, field);
  } finally {
    inFlight.delete(w);
  }
}
