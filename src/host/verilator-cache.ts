import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { BnnError } from '../errors.js';
import { writeFolderSafe } from '../util/output-safety.js';
import { hasTool, requireTool } from '../util/tools.js';

/** Where verilated harnesses are kept between runs: $BNN_CACHE_DIR, else ~/.cache/bnn. */
export function defaultCacheDir(): string {
  return process.env.BNN_CACHE_DIR ?? join(homedir(), '.cache', 'bnn');
}

export interface VerilatedBuild {
  /** Folder with the sources and memory images; run the executable from here. */
  dir: string;
  exe: string;
  /** false: an earlier build of the same sources was reused. */
  built: boolean;
  seconds: number;
}

let versionText: string | undefined;

/** Hash of a set of files (names and contents) and the installed Verilator's version. */
export async function sourcesKey(files: Map<string, string>): Promise<string> {
  versionText ??= String((await execa('verilator', ['--version'], { reject: false })).stdout);
  const h = createHash('sha256').update(versionText);
  for (const k of [...files.keys()].sort()) h.update(k).update('\0').update(files.get(k)!).update('\0');
  return h.digest('hex').slice(0, 24);
}

/**
 * `verilator --binary` of a harness and its design, once per distinct set of sources (and
 * Verilator version): the folder is named by their hash, so a second run of the same design
 * only starts the executable.
 */
export async function verilateOnce(files: Map<string, string>, harnessTop: string, o: { cacheDir?: string } = {}): Promise<VerilatedBuild> {
  await requireTool('verilator');
  const dir = join(o.cacheDir ?? defaultCacheDir(), 'verilator', `${harnessTop}-${await sourcesKey(files)}`);
  const exe = join(dir, 'obj', `V${harnessTop}`);
  if (existsSync(exe)) return { dir, exe, built: false, seconds: 0 };
  const t0 = performance.now();
  writeFolderSafe(dir, files);
  const sources = [...files.keys()].filter((k) => k.endsWith('.v')).sort();
  // -fno-localize: Verilator 5.006 otherwise turns the harness's file descriptor into a local
  // of each process, so the always block reads from descriptor 0 of its own.
  const args = ['--binary', '-fno-localize', '-j', '2', '-Wno-fatal', '--top-module', harnessTop, '-Mdir', 'obj', '-o', `V${harnessTop}`, ...sources];
  if (await hasTool('ccache')) args.push('-MAKEFLAGS', 'OBJCACHE=ccache');
  const r = await execa('verilator', args, { cwd: dir, reject: false, all: true });
  if (r.exitCode !== 0 || !existsSync(exe))
    throw new BnnError({ code: 'TOOL_FAILED', message: `verilator build failed (exit ${r.exitCode}): ${String(r.all ?? '').split('\n').slice(-12).join('\n')}`, file: dir });
  return { dir, exe, built: true, seconds: (performance.now() - t0) / 1000 };
}
