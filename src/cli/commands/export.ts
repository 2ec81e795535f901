import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { BnnError } from '../../errors.js';
import { foldThresholds } from '../../compiler/fold-thresholds.js';
import { loadModel } from '../../model/io.js';
import { describeArch } from '../../model/shapes.js';
import { integerNetworkDifference } from '../../onnx/equivalence.js';
import { EXPORT_OPSET, QONNX_DOMAIN, exportQonnx } from '../../onnx/export.js';
import { importOnnx } from '../../onnx/import.js';
import { readOnnx } from '../../onnx/read-onnx.js';
import { checkFileOutput, writeFileSafe } from '../../util/output-safety.js';
import { outputOption } from '../common.js';
import { printJson } from '../output.js';

interface ExportCliOptions {
  out: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/**
 * An existing file at the destination is replaced only when bnn wrote it (an ONNX model whose
 * producer_name is "bnn"): a user's own ONNX export is not lost to a mistyped -o.
 */
function checkOnnxOutput(file: string, force: boolean | undefined): void {
  const target = checkFileOutput(file);
  if (!existsSync(target) || force) return;
  let producer: string | undefined;
  try {
    producer = readOnnx(readFileSync(target), target).producerName;
  } catch {
    producer = undefined;
  }
  if (producer !== 'bnn')
    throw new BnnError({
      code: 'OUTPUT_EXISTS',
      message: 'the output file exists and bnn did not write it; use --force to replace it, or another path',
      file: target,
      field: '-o',
      expected: 'a new path, or an ONNX file written by bnn export (producer_name "bnn")',
      got: producer === undefined ? 'a file that is not an ONNX model' : `an ONNX model from ${JSON.stringify(producer || '(no producer)')}`,
    });
}

export function register(program: Command): void {
  program
    .command('export')
    .description('write a model as QONNX (BipolarQuant weights, MultiThreshold activations) for FINN and the qonnx tools')
    .argument('<model>', 'model file (models/*.yaml)')
    .addOption(outputOption('-o, --out <file>', 'ONNX file to write, e.g. model.onnx (replaced atomically; an existing file only if bnn wrote it)').makeOptionMandatory())
    .addOption(new Option('--force', 'replace an existing output file even when bnn did not write it'))
    .option('--json', 'print a JSON summary')
    .option('-q, --quiet', 'print nothing on success')
    .action((modelFile: string, o: ExportCliOptions) => {
      checkOnnxOutput(o.out, o.force);
      const model = loadModel(modelFile);
      const result = exportQonnx(model);
      // What we write must import back as the same network (every neuron, every reachable accumulator).
      const back = importOnnx(result.bytes, { name: model.name, file: o.out });
      const diff = integerNetworkDifference(foldThresholds(model), foldThresholds(back.model));
      if (diff) throw new Error(`internal: the exported graph imports as a different network (${diff})`);
      writeFileSafe(o.out, result.bytes);
      const g = result.spec.graph;
      const input = g.inputs[0]!;
      const layout = model.layers[0]!.kind === 'conv2d' && model.input.shape[2]! > 1 ? 'NCHW (the model reads H, W, C: the graph input is its transpose)' : model.layers[0]!.kind === 'conv2d' ? 'NCHW' : 'flat';
      const summary = {
        ok: true,
        file: o.out,
        model: modelFile,
        name: model.name,
        arch: describeArch(model),
        format: 'QONNX',
        opset: EXPORT_OPSET,
        domain: QONNX_DOMAIN,
        nodes: g.nodes.length,
        bytes: result.bytes.length,
        input: { name: input.name, shape: input.shape, datatype: g.annotations?.[input.name]?.finn_datatype, layout },
        output: g.outputs[0]!.name,
        notes: result.notes,
        checked: 'bnn import of the file gives the same integer network (weights, and every neuron at every reachable accumulator value)',
      };
      if (o.json) printJson(summary);
      else if (!o.quiet) {
        process.stdout.write(`exported ${modelFile} → ${o.out}: QONNX (opset ${EXPORT_OPSET}, ${QONNX_DOMAIN}), ${summary.arch}, ${summary.nodes} nodes, ${summary.bytes} bytes\n`);
        process.stdout.write(`  input ${input.name} [${input.shape?.join(', ')}] ${summary.input.datatype}, ${layout}; output ${summary.output} (TopK class index)\n`);
        for (const n of result.notes) process.stdout.write(`  note: ${n}\n`);
        process.stdout.write(`  checked: ${summary.checked}\n`);
      }
    });
}
