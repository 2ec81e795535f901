import type { Command } from 'commander';
import { compile } from '../../compiler/compile.js';
import type { FoldConfig } from '../../compiler/fold-config.js';
import { BnnError } from '../../errors.js';
import { loadModel } from '../../model/io.js';
import { fitIce40, type Ice40Probe } from '../../synth/fit-ice40.js';
import { ICE40_DEVICES, type Ice40Target } from '../../synth/ice40.js';
import { runSynth, SYNTH_TARGETS, type SynthReport, type SynthTarget } from '../../synth/run.js';
import { checkFolderOutput } from '../../util/output-safety.js';
import { addFoldTargetOptions, autoFolding, autoFoldLine, foldTargetOf, forceOption, outputOption } from '../common.js';
import { printJson, progress } from '../output.js';

interface SynthOpts {
  fold?: string;
  fps?: number;
  device?: string;
  target: string;
  clock: string;
  output?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function parseTargets(v: string): SynthTarget[] {
  const ts = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const t of ts)
    if (!SYNTH_TARGETS.includes(t as SynthTarget))
      throw new BnnError({ code: 'USAGE', message: 'unknown synthesis target', field: '--target', expected: SYNTH_TARGETS.join(', '), got: JSON.stringify(t) });
  if (!ts.length) throw new BnnError({ code: 'USAGE', message: 'no target', field: '--target', expected: SYNTH_TARGETS.join(', ') });
  return [...new Set(ts)] as SynthTarget[];
}

export function parseClock(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 2000)
    throw new BnnError({ code: 'USAGE', message: 'invalid --clock', field: '--clock', expected: 'a frequency in MHz in (0, 2000]', got: JSON.stringify(v) });
  return n;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export function synthText(r: SynthReport): string {
  const L: string[] = [];
  L.push(`${r.design}: II ${r.ii} cycles/frame (${r.iiSource}), latency ${r.latencyCycles ?? '?'} cycles; files in ${r.dir}`);
  for (const t of r.targets) {
    L.push('');
    const clock = t.fmaxMHz !== null ? `Fmax ${fmt(t.fmaxMHz, 1)} MHz` : `at ${fmt(t.clockMHz, 1)} MHz (requested, not timed)`;
    L.push(`${t.target}: ${t.fits === false ? 'DOES NOT FIT' : clock}${t.fits === false ? '' : `, ${fmt(t.framesPerSecond)} frames/s, latency ${t.latencyNs === null ? '?' : fmt(t.latencyNs, 0) + ' ns'}`}`);
    if (t.message) L.push(`  ${t.message}`);
    if (t.xilinx) {
      const row = (n: string, x: { lut: number; lutram: number; ff: number; carry4: number; bram36: number; dsp: number }) =>
        `  ${n.padEnd(18)} ${String(x.lut).padStart(7)} ${String(x.lutram).padStart(7)} ${String(x.ff).padStart(7)} ${String(x.carry4).padStart(7)} ${String(x.bram36).padStart(6)} ${String(x.dsp).padStart(4)}`;
      L.push(`  ${'block'.padEnd(18)} ${'LUT'.padStart(7)} ${'LUTRAM'.padStart(7)} ${'FF'.padStart(7)} ${'CARRY4'.padStart(7)} ${'BRAM36'.padStart(6)} ${'DSP'.padStart(4)}`);
      for (const b of t.xilinx.blocks) L.push(row(b.block, b.resources));
      L.push(row('total', t.xilinx.total));
    }
    if (t.ice40) {
      const i = t.ice40;
      L.push(`  LUT4 ${i.lut4}, FF ${i.ff}, carry ${i.carry}, BRAM ${i.bram}, I/O ${i.io}`);
      for (const [k, u] of Object.entries(i.utilization ?? {})) if (u.used) L.push(`  ${k}: ${u.used}/${u.available}`);
    }
    if (t.bitstream) L.push(`  bitstream: ${r.dir}/${t.bitstream}`);
  }
  return L.join('\n');
}

export function register(program: Command): void {
  const cmd = program
    .command('synth')
    .description('Generate the design and measure it: Yosys synth_xilinx (resources per block) or the iCE40 flow to a bitstream (Fmax)')
    .argument('<model>', 'model file (format v1)')
    .option('--fold <file>', "folding (fold.yaml), or 'auto' with --fps (at --clock) or --device; default: automatic, and for an iCE40 target the fastest that fits it")
    .option('--target <t>', `target(s), comma-separated: ${SYNTH_TARGETS.join(', ')}`, 'xc7')
    .option('--clock <mhz>', 'clock constraint in MHz (iCE40 place and route; throughput on xc7)', '100')
    .addOption(outputOption('-o, --output <dir>', 'output folder (design, scripts, reports, bitstream): a new one, or one that bnn wrote'))
    .addOption(forceOption())
    .option('--json', 'print the results as JSON')
    .option('--quiet', 'print nothing but errors');
  addFoldTargetOptions(cmd, { clock: false }).action(async (modelFile: string, o: SynthOpts) => {
    const targets = parseTargets(o.target);
    const clockMHz = parseClock(o.clock);
    const foldTarget = foldTargetOf({ fold: o.fold, fps: o.fps, device: o.device, ...(o.fps !== undefined ? { clock: clockMHz } : {}) });
    const model = loadModel(modelFile);
    const p = progress(o);
    const t0 = Date.now();
    // Without --fold an iCE40 target gets a folding that fits it (the smallest device asked for).
    const ice40 = targets.filter((t): t is Ice40Target => t !== 'xc7').sort((a, b) => ICE40_DEVICES[a].lcs - ICE40_DEVICES[b].lcs);
    let fit: { target: Ice40Target; probes: Ice40Probe[] } | undefined;
    const auto = autoFolding(model, foldTarget);
    let fold: string | FoldConfig | undefined = auto ? auto.fold : o.fold;
    if (fold === undefined && ice40.length) {
      const f = await fitIce40(model, ice40[0]!, clockMHz, (s) => p.update(`bnn synth: ${s} (${Math.round((Date.now() - t0) / 1000)} s)`));
      fit = { target: ice40[0]!, probes: f.probes };
      fold = f.fold;
    }
    const { plan } = compile(model, fold === undefined ? {} : { fold });
    const dir = o.output ?? `${plan.top}_synth`;
    checkFolderOutput(dir, { force: o.force });
    const r = await runSynth(plan, dir, {
      targets,
      clockMHz,
      force: o.force,
      onProgress: (s) => p.update(`bnn synth: ${s} (${Math.round((Date.now() - t0) / 1000)} s)`),
    });
    p.done();
    const autoFold = fit ? { target: fit.target, folding: plan.source.fold, probes: fit.probes } : auto?.record;
    if (o.json) printJson({ ok: true, ...r, ...(autoFold ? { autoFold } : {}) });
    else if (!o.quiet) {
      if (auto) process.stdout.write(autoFoldLine(auto.record) + '\n');
      if (fit) {
        process.stdout.write(`folding chosen to fit ${fit.target} by the iCE40 estimators (${fit.probes.length} confirming synthesis): ${plan.blocks.flatMap((b) => (b.kind === 'mvtu' ? [`PE${b.params.PE}/SIMD${b.params.SIMD}`] : [])).join(', ')}\n`);
        for (const q of fit.probes)
          process.stdout.write(`  II ${q.ii}: estimated ${q.estimate.lc} LC / ${q.estimate.ebr} EBR, synth_ice40 ${q.lc} LC (packed from ${q.lut4} LUT4, ${q.ff} FF, ${q.carry} carry) / ${q.bram} EBR: ${q.fits ? 'fits' : 'does not fit'}\n`);
      }
      process.stdout.write(synthText(r) + '\n');
    }
  });
}
