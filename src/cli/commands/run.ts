import { Option, type Command } from 'commander';
import { BnnError } from '../../errors.js';
import { BACKENDS, type BackendName } from '../../host/backends.js';
import { openAccelerator } from '../../host/accelerator.js';
import { selectFrames } from '../../inputs/frames.js';
import { addDesignOptions, addFrameOptions, loadAndCompile, positiveInt, type DesignOptions } from '../common.js';
import { printJson, progress, shortList } from '../output.js';

interface RunOpts extends DesignOptions {
  backend: string;
  frames: number;
  seed: number;
  inputs?: string;
  labels?: string;
  dataset?: string;
  device?: string;
  baud: number;
}

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('classify frames through the host API on one or more backends (golden, sim, verilator, uart-sim, uart): classes, scores, accuracy, throughput')
    .argument('<model>', 'model file (models/*.yaml)')
    .addOption(new Option('--backend <names>', `comma-separated: ${BACKENDS.join(', ')}`).default('golden'))
    .option('--labels <file.npy>', 'ground-truth classes for --inputs')
    .option('--device <path>', 'serial device of the uart backend (default /dev/ttyUSB1)')
    .addOption(new Option('--baud <n>', 'uart backend baud rate').default(115200).argParser(positiveInt('--baud')));
  addFrameOptions(addDesignOptions(cmd), 8).action(async (modelFile: string, o: RunOpts) => {
    const backends = o.backend.split(',').map((s) => s.trim()).filter(Boolean);
    for (const b of backends)
      if (!BACKENDS.includes(b as BackendName))
        throw new BnnError({ code: 'USAGE', message: 'unknown backend', field: '--backend', expected: BACKENDS.join(', '), got: JSON.stringify(b) });
    const { model, compiled } = loadAndCompile(modelFile, o.fold, o.output);
    const input = selectFrames(model, o);
    let labels = input.labels;
    if (o.labels) {
      const { readNpy } = await import('../../npy/read-npy.js');
      labels = Array.from(readNpy(o.labels).data);
    }
    const p = progress(o);
    const results = [];
    for (const b of backends as BackendName[]) {
      p.update(`${b}: opening${b === 'verilator' || b === 'uart-sim' ? ' (Verilator build unless cached)' : ''}`);
      const t0 = performance.now();
      const acc = await openAccelerator(compiled, { backend: b, baud: o.baud, ...(o.device ? { device: o.device } : {}) });
      const openSeconds = (performance.now() - t0) / 1000;
      try {
        p.update(`${b}: ${input.frames.length} frames`);
        const r = await acc.infer(input.frames);
        const correct = labels ? r.classes.filter((c, i) => c === labels![i]).length : null;
        results.push({
          backend: b,
          classes: r.classes,
          scores: r.scores,
          statuses: r.statuses,
          ...(correct !== null ? { accuracy: correct / r.classes.length } : {}),
          framesPerSecond: r.seconds > 0 ? input.frames.length / r.seconds : null,
          seconds: { open: openSeconds, run: r.seconds },
          ...(acc.build ? { build: acc.build } : {}),
        });
      } finally {
        await acc.close();
      }
    }
    p.done();
    const first = results[0]!.classes;
    const agree = results.every((r) => r.classes.length === first.length && r.classes.every((c, i) => c === first[i]));
    if (o.json) printJson({ ok: agree, design: compiled.plan.top, inputs: input.source, frames: input.frames.length, ...(labels ? { labels } : {}), agree, backends: results });
    else if (!o.quiet) {
      const L = [`inputs: ${input.source}, ${input.frames.length} frames`];
      for (const r of results) {
        L.push(`${r.backend}: classes ${shortList(r.classes.map((c) => c ?? -1))}`);
        const s0 = r.scores[0];
        L.push(`  scores ${s0 ? `frame 0: ${s0.join(' ')}` : 'not returned by this backend'}`);
        L.push(`  ${'accuracy' in r ? `accuracy ${(100 * r.accuracy!).toFixed(2)}%, ` : ''}${r.framesPerSecond === null ? '' : `${r.framesPerSecond.toFixed(1)} frames/s`} (open ${r.seconds.open.toFixed(2)} s${r.build ? (r.build.built ? `, Verilator build ${r.build.seconds.toFixed(1)} s` : ', cached Verilator build') : ''})`);
      }
      L.push(agree ? 'all backends agree' : 'BACKENDS DISAGREE');
      process.stdout.write(L.join('\n') + '\n');
    }
    if (!agree) process.exitCode = 1;
  });
}
