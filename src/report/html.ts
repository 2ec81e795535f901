import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportData } from './data.js';

/** chart.js (UMD build) read from the installed package at run time, to inline: the report works offline. */
export function chartJsSource(): string {
  const require = createRequire(import.meta.url);
  // The package's main entry is dist/chart.cjs; the UMD build sits beside it.
  return readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.js'), 'utf8');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (n: number | null, d = 0) => (n === null ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
/** Inline script text must not close its <script> element. */
const scriptSafe = (s: string) => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/** One self-contained HTML page: tables, and charts drawn by the inlined chart.js. */
export function reportHtml(d: ReportData, chartJs: string = chartJsSource()): string {
  const m = d.model;
  const layerRows = m.layers.map((l) => `<tr><td>${esc(l.name)}</td><td>${esc(l.kind)}</td><td>${esc(l.shape)}</td><td>${esc(l.activation)}</td><td>${l.activationBits ?? ''}</td><td>${num(l.weights)}</td></tr>`).join('');
  const blockRows = d.blocks
    .map(
      (b) => `<tr${b.bottleneck ? ' class="bn"' : ''}><td>${esc(b.name)}${b.bottleneck ? ' ◀ bottleneck' : ''}</td><td>${b.kind}</td><td>${b.pe ?? ''}</td><td>${b.simd ?? ''}</td><td>${padCell(b.padding)}</td><td>${esc(b.popcount ?? '')}</td><td>${b.bits.in} → ${b.bits.out}</td><td>${thresholdCell(b.thresholds)}</td><td>${b.cyclesPerFrame}</td>` +
        `<td>${b.estimate.lut}</td><td>${b.yosys ? b.yosys.lut : '–'}</td><td>${b.estimate.ff}</td><td>${b.yosys ? b.yosys.ff : '–'}</td>` +
        `<td>${b.estimate.lutram}</td><td>${b.yosys ? b.yosys.lutram : '–'}</td><td>${b.estimate.bram36}</td><td>${b.yosys ? b.yosys.bram36 : '–'}</td>` +
        `<td>${b.sim.busy}</td><td>${b.sim.stall}</td><td>${b.sim.idle}</td></tr>`,
    )
    .join('');
  const targetRows = d.targets
    .map(
      (t) => `<tr><td>${esc(t.target)}</td><td>${t.fits === false ? 'no' : t.fits === true ? 'yes' : '–'}</td><td>${num(t.fmaxMHz, 1)}</td><td>${num(t.clockMHz, 1)} (${esc(t.clockSource)})</td>` +
        `<td>${t.fits === false ? '–' : num(t.framesPerSecond)}</td><td>${t.fits === false ? '–' : num(t.latencyNs)}</td><td>${esc(t.note)}</td></tr>`,
    )
    .join('');
  const dataJson = JSON.stringify(d).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(d.title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; } tr.bn td { background: #fde2e2; font-weight: 600; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; } .chart { height: 320px; position: relative; }
.kv td:first-child { font-weight: 600; } .note { color: #666; font-size: 12px; }
</style>
</head>
<body data-charts="0">
<h1>${esc(d.title)}</h1>
<p class="note">Generated ${esc(d.generated)} by bnn. Self-contained: chart.js is inlined.</p>
<h2>Model</h2>
<table class="kv">
<tr><td>name</td><td>${esc(m.name)}</td></tr>
<tr><td>source</td><td>${esc(m.source)}</td></tr>
<tr><td>layers</td><td>${m.layers.length}</td></tr>
<tr><td>binary weights</td><td>${num(m.weights)}</td></tr>
<tr><td>test accuracy</td><td>${m.testAccuracy === null ? 'not recorded in the model metadata' : (100 * (m.testAccuracy <= 1 ? m.testAccuracy : m.testAccuracy / 100)).toFixed(2) + ' %'}</td></tr>
<tr><td>folding</td><td>${esc(d.fold)}</td></tr>
<tr><td>II (cycles/frame)</td><td>${d.ii.measured ?? d.ii.analytic} (analytic ${d.ii.analytic}, bottleneck ${esc(d.ii.bottleneck)})</td></tr>
<tr><td>latency (cycles)</td><td>${num(d.latencyCycles)}</td></tr>
<tr><td>XNOR-popcount lanes</td><td>${d.lanes}</td></tr>
</table>
<table><tr><th>layer</th><th>kind</th><th>shape</th><th>activation</th><th>act bits</th><th>weights</th></tr>${layerRows}</table>
<h2>Throughput and latency per target</h2>
<table><tr><th>target</th><th>fits</th><th>Fmax (MHz)</th><th>clock used (MHz)</th><th>frames/s</th><th>latency (ns)</th><th>note</th></tr>${targetRows}</table>
<h2>Charts</h2>
<div class="charts">
<div class="chart"><canvas id="cycles"></canvas></div>
<div class="chart"><canvas id="luts"></canvas></div>
<div class="chart"><canvas id="ffbram"></canvas></div>
<div class="chart"><canvas id="sim"></canvas></div>
<div class="chart"><canvas id="pareto"></canvas></div>
</div>
<h2>Blocks</h2>
<p class="note">Resources: estimate (cost model in src/blocks/*.ts) vs Yosys synth_xilinx where a synthesis result was given (bnn synth --target xc7 --json). Simulator: cycles busy / stalled by the downstream / idle over ${'the sample frames'}.</p>
<table><tr><th>block</th><th>kind</th><th>PE</th><th>SIMD</th><th>padding</th><th>popcount</th><th>element bits</th><th>thresholds</th><th>cycles/frame</th><th>LUT est</th><th>LUT Yosys</th><th>FF est</th><th>FF Yosys</th><th>LUTRAM est</th><th>LUTRAM Yosys</th><th>BRAM36 est</th><th>BRAM36 Yosys</th><th>busy</th><th>stall</th><th>idle</th></tr>${blockRows}
<tr><td><b>total</b></td><td></td><td></td><td></td><td></td><td></td><td></td><td>${d.totals.estimate.lut}</td><td>${d.totals.yosys?.lut ?? '–'}</td><td>${d.totals.estimate.ff}</td><td>${d.totals.yosys?.ff ?? '–'}</td><td>${d.totals.estimate.lutram}</td><td>${d.totals.yosys?.lutram ?? '–'}</td><td>${d.totals.estimate.bram36}</td><td>${d.totals.yosys?.bram36 ?? '–'}</td><td></td><td></td><td></td></tr></table>
<script>${scriptSafe(chartJs)}</script>
<script id="report-data" type="application/json">${dataJson}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var names = d.blocks.map(function (b) { return b.name; });
  var hasY = d.blocks.some(function (b) { return b.yosys; });
  var base = { responsive: true, maintainAspectRatio: false, animation: false };
  function opts(title, extra) { var o = Object.assign({}, base, { plugins: { title: { display: true, text: title } } }); return Object.assign(o, extra || {}); }
  var charts = [];
  charts.push(new Chart(document.getElementById('cycles'), { type: 'bar', data: { labels: names, datasets: [{ label: 'cycles per frame', data: d.blocks.map(function (b) { return b.cyclesPerFrame; }), backgroundColor: d.blocks.map(function (b) { return b.bottleneck ? '#d62728' : '#1f77b4'; }) }] }, options: opts('Cycles per frame (red: bottleneck, sets the II)') }));
  var lutSets = [{ label: 'LUT estimate', data: d.blocks.map(function (b) { return b.estimate.lut; }), backgroundColor: '#9ecae1' }];
  if (hasY) lutSets.push({ label: 'LUT Yosys', data: d.blocks.map(function (b) { return b.yosys ? b.yosys.lut : null; }), backgroundColor: '#08519c' });
  charts.push(new Chart(document.getElementById('luts'), { type: 'bar', data: { labels: names, datasets: lutSets }, options: opts('LUTs per block' + (hasY ? ': estimate vs Yosys synth_xilinx' : ' (estimate)')) }));
  var fbSets = [{ label: 'FF estimate', data: d.blocks.map(function (b) { return b.estimate.ff; }), backgroundColor: '#a1d99b' }, { label: 'BRAM36 estimate', data: d.blocks.map(function (b) { return b.estimate.bram36; }), backgroundColor: '#fdae6b', yAxisID: 'y1' }];
  if (hasY) { fbSets.push({ label: 'FF Yosys', data: d.blocks.map(function (b) { return b.yosys ? b.yosys.ff : null; }), backgroundColor: '#006d2c' }); fbSets.push({ label: 'BRAM36 Yosys', data: d.blocks.map(function (b) { return b.yosys ? b.yosys.bram36 : null; }), backgroundColor: '#d94801', yAxisID: 'y1' }); }
  charts.push(new Chart(document.getElementById('ffbram'), { type: 'bar', data: { labels: names, datasets: fbSets }, options: opts('Flip-flops and block RAM per block', { scales: { y: { position: 'left', title: { display: true, text: 'FF' } }, y1: { position: 'right', title: { display: true, text: 'RAMB36' }, grid: { drawOnChartArea: false } } } }) }));
  charts.push(new Chart(document.getElementById('sim'), { type: 'bar', data: { labels: names, datasets: [
    { label: 'busy', data: d.blocks.map(function (b) { return b.sim.busy; }), backgroundColor: '#2ca02c' },
    { label: 'stall', data: d.blocks.map(function (b) { return b.sim.stall; }), backgroundColor: '#d62728' },
    { label: 'idle', data: d.blocks.map(function (b) { return b.sim.idle; }), backgroundColor: '#c7c7c7' }] },
    options: opts('Simulator: cycles busy / stalled / idle per block', { scales: { x: { stacked: true }, y: { stacked: true } } }) }));
  charts.push(new Chart(document.getElementById('pareto'), { type: 'scatter', data: { datasets: [
    { label: 'bnn fold: cheapest folding per II (estimate)', data: d.pareto.map(function (p) { return { x: p.ii, y: p.lut }; }), backgroundColor: '#1f77b4', showLine: true, borderColor: '#9ecae1' },
    { label: 'this design', data: [{ x: d.ii.measured || d.ii.analytic, y: d.totals.estimate.lut + d.totals.estimate.lutram }], backgroundColor: '#d62728', pointRadius: 7 }] },
    options: opts('Design space: II vs LUTs (Pareto front of bnn fold)', { scales: { x: { type: 'logarithmic', title: { display: true, text: 'II (cycles/frame)' } }, y: { type: 'logarithmic', title: { display: true, text: 'LUT + LUTRAM (estimate)' } } } }) }));
  // For automated checks: how many charts exist and how many canvas pixels they painted.
  var painted = 0;
  charts.forEach(function (c) {
    var cv = c.canvas, px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    for (var i = 3; i < px.length; i += 4) if (px[i] !== 0) painted++;
  });
  document.body.setAttribute('data-charts', String(charts.length));
  document.body.setAttribute('data-painted', String(painted));
})();
</script>
</body>
</html>
`;
}

function thresholdCell(t: ReportData['blocks'][number]['thresholds']): string {
  if (!t) return '';
  return `${t.perNeuron}/neuron${t.perNeuron > 1 ? `, bias ${t.outBias}` : ''}; ${num(t.memoryBits)} memory bits in ${t.memory}`;
}

function padCell(p: ReportData['blocks'][number]['padding']): string {
  if (!p) return '';
  const dim = (what: string, d: { real: number; padded: number }) => (d.padded === d.real ? '' : `${what} ${d.real}→${d.padded}`);
  return [dim('MW', p.inputs), dim('MH', p.neurons)].filter(Boolean).join(', ') + `; ${p.padLaneCyclesPerFrame} pad lane-cycles/frame, ${p.padWeightBits} pad weight bits`;
}
