import path from 'node:path';
import type { Command } from 'commander';
import { BnnError } from '../../errors.js';
import { parseModel, serializeModel } from '../../model/io.js';
import { legalName } from '../../model/names.js';
import { importOnnxFile } from '../../onnx/import.js';
import { checkFileOutput, writeFileSafe } from '../../util/output-safety.js';
import { outputOption } from '../common.js';
import { printJson } from '../output.js';
import { describeArch } from '../../model/shapes.js';

interface ImportCliOptions {
  out: string;
  name?: string;
  rawBits?: number;
  json?: boolean;
  quiet?: boolean;
}

function rawBitsArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw new BnnError({ code: 'USAGE', message: 'invalid raw input width', field: '--raw-bits', expected: 'an integer 1..16', got: v });
  return n;
}

export function register(program: Command): void {
  program
    .command('import')
    .description('import a trained binary network from FINN-ONNX / QONNX into a model file (format v1)')
    .argument('<model>', 'ONNX file (FINN-ONNX or QONNX: bipolar weights, dense or convolutional, 1-bit or 2..4-bit activations)')
    .addOption(outputOption('-o, --out <file>', 'model file to write, e.g. models/NAME.yaml (replaced atomically)').makeOptionMandatory())
    .option('--name <name>', 'model name (default: the output file name)')
    .option('--raw-bits <n>', 'width of a raw input element when the graph does not declare it (UINT8 → 8)', rawBitsArg)
    .option('--json', 'print a JSON summary')
    .option('-q, --quiet', 'print nothing on success')
    .action((onnxFile: string, o: ImportCliOptions) => {
      const name = o.name ?? legalName(path.basename(o.out).replace(/\.(ya?ml|json)$/i, ''), 'imported');
      checkFileOutput(o.out);
      const result = importOnnxFile(onnxFile, { name, rawBits: o.rawBits });
      const text = serializeModel(result.model);
      // What we write must load back: validate it as `bnn` will read it.
      parseModel(text, o.out);
      writeFileSafe(o.out, text);
      const m = result.model;
      const arch = describeArch(m);
      if (o.json)
        printJson({
          ok: true,
          file: o.out,
          name: m.name,
          source: onnxFile,
          dialect: result.dialect,
          arch,
          input: m.input,
          layers: m.layers.map((l) =>
            l.kind === 'dense'
              ? { kind: l.kind, name: l.name, inputs: l.inputs, outputs: l.outputs, activation: l.activation.kind }
              : l.kind === 'conv2d'
                ? { kind: l.kind, name: l.name, inChannels: l.inChannels, outChannels: l.outChannels, kernel: l.kernel, stride: l.stride, padding: l.padding, activation: l.activation.kind }
                : { kind: l.kind, name: l.name, kernel: l.kernel },
          ),
          ...(result.trace.inputOrder ? { inputLayout: 'the graph input is NCHW; the model reads it channels last (H, W, C): transpose frames before streaming' } : {}),
          folded: result.folded,
        });
      else if (!o.quiet) {
        process.stdout.write(
          `imported ${onnxFile} (${result.dialect}) → ${o.out}: ${arch}, input ${m.input.encoding.kind === 'threshold' ? `raw >= ${m.input.encoding.threshold}` : 'fixed-point'} (${m.input.rawBits}-bit)\n`,
        );
        for (const f of result.folded) process.stdout.write(`  folded: ${f}\n`);
      }
    });
}
