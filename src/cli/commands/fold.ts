import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import { foldThresholds } from '../../compiler/fold-thresholds.js';
import { autoFoldRecord, chooseFolding } from '../../compiler/fold-target.js';
import { BnnError } from '../../errors.js';
import { loadModel } from '../../model/io.js';
import { DEVICES, deviceNamed } from '../../synth/devices.js';
import type { FoldPoint } from '../../compiler/auto-fold.js';
import { checkFileOutput, writeFileSafe } from '../../util/output-safety.js';
import { outputOption, parseFoldTarget, positiveNumber } from '../common.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('fold')
    .description('choose PE and SIMD per layer: the fewest estimated resources meeting --fps at --clock, or the fastest design that fits --device')
    .argument('<model>', 'model file (models/*.yaml)')
    .addOption(new Option('--fps <f>', 'frames per second to reach').argParser(positiveNumber('--fps')))
    .addOption(new Option('--clock <mhz>', 'clock in MHz (with --fps)').argParser(positiveNumber('--clock')))
    .addOption(new Option('--device <name>', 'fit this device').choices(DEVICES.map((d) => d.name)))
    .addOption(outputOption('-o, --out <fold.yaml>', 'write the chosen folding as a fold.yaml (not over an existing file)'))
    .option('--json', 'print one JSON object on stdout (stable field names)')
    .option('--quiet', 'print nothing but errors')
    .action((modelFile: string, o: { fps?: number; clock?: number; device?: string; out?: string; json?: boolean; quiet?: boolean }) => {
      const target = parseFoldTarget(o);
      if (!target)
        throw new BnnError({ code: 'USAGE', message: 'give either --fps and --clock, or --device', field: '--fps/--clock/--device', expected: '--fps F --clock MHZ | --device NAME' });
      if (o.out !== undefined) {
        checkFileOutput(o.out, { field: '--out' });
        // A fold file is often hand-edited: never replace one.
        if (existsSync(o.out))
          throw new BnnError({ code: 'USAGE', message: 'the output file exists; bnn fold does not overwrite fold files', file: o.out, field: '--out', expected: 'a new file path' });
      }
      const im = foldThresholds(loadModel(modelFile));
      const c = chooseFolding(im, target);
      if (o.out !== undefined) writeFileSafe(o.out, stringify({ layers: c.fold.layers, fifoDepth: 'auto' }, { flow: false }), { field: '--out' });
      if (o.json) printJson({ ok: true, ...autoFoldRecord(c), ...(o.out ? { out: o.out } : {}) });
      else if (!o.quiet) {
        const ice = 'device' in c.target && deviceNamed(c.target.device)?.family === 'ice40';
        const k = c.chosen;
        const L = [
          ice
            ? `chosen: II ${k.ii} cycles/frame, ~${k.ice40.lc} logic cells (${k.ice40.lut4} LUT4, ${k.ice40.ff} FF, ${k.ice40.carry} carry), ${k.ice40.ebr} EBR, ${k.ioPins} I/O (iCE40 estimate)`
            : `chosen: II ${k.ii} cycles/frame, ~${k.lut} LUT + ${k.lutram} LUTRAM, ${k.ff} FF, ${k.bram36} BRAM36 (7-series estimate)`,
        ];
        L.push(`  ${k.layers.map((f) => `PE${f.pe}/SIMD${f.simd}`).join(', ')}`);
        L.push(`Pareto front (${c.front.length} of ${c.considered} per-layer candidates considered):`);
        L.push(ice ? '      II       LC     LUT4       FF      EBR  folding' : '      II      LUT   LUTRAM       FF   BRAM36  folding');
        const cols = (p: FoldPoint) => (ice ? [p.ice40.lc, p.ice40.lut4, p.ice40.ff, p.ice40.ebr] : [p.lut, p.lutram, p.ff, p.bram36]);
        for (const p of c.front)
          L.push(`${p === k ? '*' : ' '}${String(p.ii).padStart(7)} ${cols(p).map((v) => String(v).padStart(8)).join(' ')}  ${p.layers.map((f) => `${f.pe}/${f.simd}`).join(' ')}`);
        if (o.out) L.push(`wrote ${o.out}`);
        process.stdout.write(L.join('\n') + '\n');
      }
    });
}
