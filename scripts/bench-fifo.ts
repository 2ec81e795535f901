/**
 * FIFO sizing by simulation (`bnn fifo`, `fifoDepth: minimal`) on sfc and the CNV-like network:
 * depths, bits saved, seconds taken, and the sized designs co-verified on Verilator.
 *
 *   npx tsc -p . && node dist/scripts/bench-fifo.js
 *
 * Writes the "fifo" section of BENCHMARKS.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, type Compiled } from '../src/compiler/compile.js';
import { sizeFifos, VERIFY_TRAFFIC, type FifoSizing } from '../src/compiler/fifo-sizing.js';
import { writeDesign } from '../src/emit/generate.js';
import { generateDesign } from '../src/pipeline/design.js';
import { randomFrames } from '../src/inputs/frames.js';
import { loadModel } from '../src/model/io.js';
import type { Model } from '../src/model/types.js';
import { packageRoot } from '../src/util/paths.js';
import { compareLogs, parseLog } from '../src/verify/compare-logs.js';
import { runRtl } from '../src/verify/run-rtl.js';
import { simulate } from '../sim/simulate.js';
import { makeStimulus } from '../sim/stimulus.js';
import { cnvLike, workDir } from '../hw-tests/cases.js';
import { machineLine, writeBenchSection } from './bench-section.js';

const root = packageRoot();
const finnCnv: Array<[number, number]> = [[16, 3], [32, 32], [16, 32], [16, 32], [4, 32], [1, 32], [1, 4], [1, 8], [5, 1]];
const designs: Array<{ label: string; model: Model; compiled: Compiled; frames: number }> = [];
for (const file of ['models/sfc-random.yaml', 'models/sfc-mnist.yaml']) {
  const model = loadModel(join(root, file));
  designs.push({ label: `\`${file}\`, default folding`, model, compiled: compile(model), frames: 8 });
}
const cnv = cnvLike();
designs.push({
  label: 'CNV-like (hw-tests/cases.ts) at FINN\'s CNV folding',
  model: cnv,
  compiled: compile(cnv, { fold: { layers: finnCnv.map(([pe, simd]) => ({ pe, simd })), fifoDepth: 'auto', source: 'FINN CNV folding' } }),
  frames: 3,
});

const sections: string[] = [];
for (const d of designs) {
  process.stderr.write(`sizing ${d.label}…\n`);
  const s: FifoSizing = sizeFifos(d.compiled.integer, d.compiled.fold, { model: d.model.name });
  // Co-verify the sized design on Verilator under verify's random traffic, and its back-to-back II.
  const frames = randomFrames(d.model, d.frames, 11);
  const stim = makeStimulus(s.plan, frames, VERIFY_TRAFFIC);
  const dir = workDir('bench-fifo');
  const files = generateDesign(s.plan, stim).files;
  writeDesign(dir, files);
  const t = await runRtl(dir, 'verilator');
  const cmp = compareLogs(parseLog(files.get('tb/expected.log')!), parseLog(readFileSync(join(dir, 'tb/out.log'), 'utf8')));
  const ideal = simulate(s.plan, frames).report;
  const rows = s.fifos
    .map((f) => `| ${f.name} | ${f.width} | ${f.autoDepth} | **${f.depth}** | ${f.maxOccupancy} | ${f.autoBits} | ${f.bits} | ${f.memory} |`)
    .join('\n');
  const autoBits = s.fifos.reduce((a, f) => a + f.autoBits, 0);
  sections.push(`### ${d.label}

II ${s.ii} cycles/frame. Sizing: ${s.runs} simulations, ${s.cycles} simulated cycles, **${s.seconds.toFixed(2)} s**.

| FIFO | width | auto depth | minimal depth | max occupancy | auto bits | bits | memory (estimator) |
|---|---|---|---|---|---|---|---|
${rows}

- FIFO bits: ${autoBits} with \`fifoDepth: auto\` → ${autoBits - s.bitsSaved} (${s.bitsSaved} saved, ${((100 * s.bitsSaved) / autoBits).toFixed(1)} %).
- Under verify's random traffic (gaps p 0.25 up to 3, backpressure p 0.3, ${6} frames): ${s.underVerifyTraffic.finished ? 'finishes' : 'DOES NOT FINISH'} in ${s.underVerifyTraffic.cycles} cycles vs ${s.underVerifyTraffic.autoCycles} with automatic depths.
- Sized design on Verilator, ${d.frames} frames under the same random traffic: ${cmp.outputMismatches + cmp.inputMismatches === 0 && !cmp.timedOut ? '**0 mismatches**' : `MISMATCHES: ${cmp.outputMismatches} out, ${cmp.inputMismatches} in`} against the event engine (run ${t.runSeconds.toFixed(2)} s); back-to-back II measured ${ideal.cycles.ii.measured} (analytic ${s.ii}${ideal.cycles.ii.steady ? ', steady' : ''}).
`);
}

const body = `## FIFO sizing by simulation

Command: \`npx tsc -p . && node dist/scripts/bench-fifo.js\` (scripts/bench-fifo.ts; \`bnn fifo MODEL --json\` gives the same figures), ${new Date().toISOString().slice(0, 10)}.
Machine: ${machineLine()}.

Method (src/compiler/fifo-sizing.ts): each FIFO in stream order gets the smallest depth (binary search from 2 to its automatic
depth, the others at their current depth) with which the whole design, fed back to back and drained always ready, finishes
and runs every frame after the second of 6 at the analytic II, on the event engine. "memory" is what the estimator
(src/blocks/fifo.ts) maps the depth to.

${sections.join('\n')}`;
writeBenchSection(join(root, 'BENCHMARKS.md'), 'fifo', body);
process.stderr.write(body + '\n');
