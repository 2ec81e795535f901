import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest global setup: every test's temporary folders (workDir, mkdtemp under os.tmpdir()) go
 * into one folder of this run, removed when the run ends, so that a suite of hundreds of
 * simulator builds leaves nothing behind in /tmp. BNN_KEEP_TEST_DIRS=1 keeps it (its path is
 * printed) to look at a failing build.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'bnn-test-run-'));
  // Forked workers inherit the environment: os.tmpdir() reads TMPDIR.
  process.env.TMPDIR = root;
  const keep = process.env.BNN_KEEP_TEST_DIRS === '1';
  if (keep) console.log(`test folders kept in ${root}`);
  return () => {
    if (!keep) rmSync(root, { recursive: true, force: true });
  };
}
