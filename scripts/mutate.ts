/**
 * Mutation check: apply plausible one-line bugs to the RTL templates and the simulator twins, one
 * at a time, in a scratch copy of the project, and run a fast subset of the suite on each. A
 * mutation the subset does not catch is a hole in co-verification (issue 9 started from one:
 * `iy < HN` → `iy <= HN` in swg.v survived the whole suite).
 *
 *   node dist/scripts/mutate.js [--only ID,ID] [test files…]
 *
 * Prints a Markdown table (docs/mutation.md holds the last one). The scratch copy shares
 * node_modules by symlink and is removed afterwards; the worktree itself is never modified.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { execa } from 'execa';
import { packageRoot } from '../src/util/paths.js';

interface Mutation {
  id: string;
  file: string;
  from: string;
  to: string;
  why: string;
}

export const MUTATIONS: Mutation[] = [
  { id: 'swg-bottom-pad', file: 'rtl-templates/swg.v', from: '(iy < HN)', to: '(iy <= HN)', why: 'bottom padding row reads a stale row' },
  { id: 'swg-right-pad', file: 'rtl-templates/swg.v', from: '(ix < WN)', to: '(ix <= WN)', why: 'right padding column reads a stale pixel' },
  { id: 'mvtu-threshold-gt', file: 'rtl-templates/mvtu.v', from: '($signed(sum_ext) >= $signed(t_ext))', to: '($signed(sum_ext) > $signed(t_ext))', why: 'threshold off by one (BNN-PYNQ > vs FINN >=)' },
  { id: 'mvtu-no-sign-ext', file: 'rtl-templates/mvtu.v', from: '{{(CMP_W-ACC_W){FIXED != 0 && sum[ACC_W-1]}}, sum}', to: '{{(CMP_W-ACC_W){1\'b0}}, sum}', why: 'signed sum compared unsigned' },
  { id: 'label-select-tie', file: 'rtl-templates/label_select.v', from: '(lane_ok && (lane_val > best_val', to: '(lane_ok && (lane_val >= best_val', why: 'a tie across beats goes to the higher index' },
  { id: 'label-select-pad', file: 'rtl-templates/label_select.v', from: 'base32 + i < CLASSES_N', to: 'base32 + i <= CLASSES_N', why: 'first pad neuron may win the argmax' },
  { id: 'pool-and', file: 'rtl-templates/pool.v', from: '(partial[slot] | s_axis_tdata)', to: '(partial[slot] & s_axis_tdata)', why: 'max-pool computes AND' },
  { id: 'fifo-full', file: 'rtl-templates/fifo.v', from: 'assign s_axis_tready = (count != FULL);', to: 'assign s_axis_tready = 1\'b1;', why: 'FIFO overwrites when full' },
  { id: 'dwc-valid', file: 'rtl-templates/dwc.v', from: 'assign m_axis_tvalid = (count >= OUT_N);', to: 'assign m_axis_tvalid = (count > OUT_N);', why: 'width converter holds a full beat one beat too long' },
  { id: 'twin-threshold-gt', file: 'sim/mvtu.ts', from: '(pc >= this.thresh[j]! ? 1 : 0)', to: '(pc > this.thresh[j]! ? 1 : 0)', why: 'twin threshold off by one' },
  { id: 'twin-swg-bottom', file: 'sim/swg.ts', from: 'iy < p.H && ix', to: 'iy <= p.H && ix', why: 'twin reads past the bottom edge' },
  { id: 'twin-label-tie', file: 'sim/label-select.ts', from: 'a > b || (this.tieHigh', to: 'a >= b || (this.tieHigh', why: 'twin tie goes to the higher index' },
];

/** The fast subset: stream-level co-simulation on Icarus and Verilator, the twins' own tests, padding. */
export const FAST_SUBSET = ['hw-tests/streams.test.ts', 'hw-tests/cosim-icarus.test.ts', 'sim/', 'src/compiler/padding.test.ts'];
/** Leaves out the three slowest co-simulation cases (about 100 s of Icarus together). */
export const FAST_NAMES = '^(?!.*(sfc 784|trained cnn-fashion|CNV-like)).*$';

const COPY = ['rtl-templates', 'sim', 'src', 'hw-tests', 'models', 'package.json', 'tsconfig.json', 'vitest.config.ts'];

async function runSubset(dir: string, tests: string[]): Promise<{ caught: boolean; failed: string[]; seconds: number }> {
  const t0 = performance.now();
  const r = await execa('npx', ['vitest', 'run', '--testNamePattern', FAST_NAMES, ...tests], { cwd: dir, reject: false, all: true, env: { BNN_REQUIRE_TOOLS: '1', NO_COLOR: '1', FORCE_COLOR: '0' } });
  const failed = [...String(r.all ?? '').matchAll(/FAIL\s+(\S+)/g)].map((m) => m[1]!).filter((f, i, a) => a.indexOf(f) === i);
  return { caught: r.exitCode !== 0, failed, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const cli = new Command()
    .option('--only <ids>', 'comma-separated mutation ids')
    .argument('[tests...]', 'test files to run (default: the fast subset)')
    .parse();
  const only = (cli.opts().only as string | undefined)?.split(',');
  const tests = cli.args.length ? cli.args : FAST_SUBSET;
  const root = packageRoot();
  const scratch = mkdtempSync(join(tmpdir(), 'bnn-mutate-'));
  try {
    for (const p of COPY) cpSync(join(root, p), join(scratch, p), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
    const rows: string[] = [];
    const baseline = await runSubset(scratch, tests);
    if (baseline.caught) throw new Error(`the unmutated subset fails (${baseline.failed.join(', ')}): fix that first`);
    process.stderr.write(`baseline passes in ${baseline.seconds.toFixed(0)} s\n`);
    for (const m of MUTATIONS.filter((x) => !only || only.includes(x.id))) {
      const path = join(scratch, m.file);
      const original = readFileSync(path, 'utf8');
      if (!original.includes(m.from)) {
        rows.push(`| ${m.id} | \`${m.file}\` | ${m.why} | (pattern not found) | |`);
        continue;
      }
      writeFileSync(path, original.replace(m.from, m.to));
      const r = await runSubset(scratch, tests);
      writeFileSync(path, original);
      process.stderr.write(`${m.id}: ${r.caught ? 'caught' : 'SURVIVED'} (${r.seconds.toFixed(0)} s)\n`);
      rows.push(`| ${m.id} | \`${m.file}\` | ${m.why} | ${r.caught ? 'caught' : '**survived**'} | ${r.failed.join(', ')} |`);
    }
    process.stdout.write(
      [`Subset: \`vitest run --testNamePattern '${FAST_NAMES}' ${tests.join(' ')}\` (BNN_REQUIRE_TOOLS=1)`, '', '| mutation | file | what it breaks | result | failing test files |', '|---|---|---|---|---|', ...rows, ''].join('\n'),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
