import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { randomModel } from '../src/model/random-model.js';
import { reportData } from '../src/report/data.js';
import { reportHtml } from '../src/report/html.js';
import { hasTool, requireTool } from '../src/util/tools.js';

// Needs Debian's `chromium` (apt-get install -y chromium). With BNN_REQUIRE_TOOLS=1 a missing
// browser fails the test instead of skipping it.
const required = process.env.BNN_REQUIRE_TOOLS === '1';
const browser = required || (await hasTool('chromium'));

function chromiumArgs(profile: string): string[] {
  return [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0',
    '--virtual-time-budget=5000', '--window-size=1200,1600',
  ];
}

describe('bnn report in a real browser', () => {
  it.skipIf(!browser)('loads offline with no console errors and paints all five charts', { timeout: 90_000 }, async () => {
    await requireTool('chromium');
    const model = randomModel({ name: 'tfc', arch: [64, 32, 32, 10], seed: 2 });
    model.metadata.testAccuracy = 0.9;
    const { plan } = compile(model);
    const dir = mkdtempSync(join(tmpdir(), 'bnn-report-'));
    const html = reportHtml(reportData(model, plan));
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    // Self-contained: nothing to fetch.
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    const r = await execa('chromium', [...chromiumArgs(mkdtempSync(join(tmpdir(), 'bnn-chromium-'))), '--dump-dom', `file://${file}`], {
      reject: false,
      timeout: 60_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    // The page's script records how many charts exist and how many canvas pixels they painted.
    const charts = /data-charts="(\d+)"/.exec(r.stdout);
    const painted = /data-painted="(\d+)"/.exec(r.stdout);
    expect(charts?.[1]).toBe('5');
    expect(Number(painted?.[1] ?? 0)).toBeGreaterThan(5000);
    // Console messages from the page are logged as CONSOLE(...) lines; uncaught errors too.
    const consoleErrors = r.stderr.split('\n').filter((l) => /CONSOLE|Uncaught|SyntaxError|ReferenceError|TypeError/.test(l));
    expect(consoleErrors).toEqual([]);
  });
});
