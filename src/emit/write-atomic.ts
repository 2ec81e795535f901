import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';

/**
 * Write a whole output folder atomically: everything goes to a temporary sibling folder,
 * which then replaces the target in one rename, so a failure never leaves a half-written
 * design behind. Paths are relative and produced by the emitter from legalized names only.
 */
export function writeFolderAtomic(dir: string, files: Map<string, string>, executable: Set<string> = new Set()): void {
  const target = resolve(dir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
  try {
    for (const [rel, content] of files) {
      if (rel.startsWith('/') || rel.split('/').includes('..')) throw new Error(`internal: unsafe output path ${rel}`);
      const p = join(tmp, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      if (executable.has(rel)) chmodSync(p, 0o755);
    }
    const old = `${tmp}.old`;
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
