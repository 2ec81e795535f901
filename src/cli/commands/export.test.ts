import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { foldThresholds } from '../../compiler/fold-thresholds.js';
import { loadModel, serializeModel } from '../../model/io.js';
import { randomModel } from '../../model/random-model.js';
import { integerNetworkDifference } from '../../onnx/equivalence.js';
import { readOnnxFile } from '../../onnx/read-onnx.js';
import { bnnErrorOf } from '../../testing/bnn-error-of.js';
import { register as registerExport } from './export.js';
import { register as registerImport } from './import.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cnn = path.join(projectRoot, 'models/cnn-fashion.yaml');

function run(args: string[]): string {
  const program = new Command();
  program.exitOverride();
  registerExport(program);
  registerImport(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  try {
    program.parse(['node', 'bnn', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'bnn-export-'));

describe('bnn export', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes QONNX for cnn-fashion that `bnn import` reads back as the same network', () => {
    const dir = tmp();
    const onnx = path.join(dir, 'out', 'cnn.onnx');
    const text = run(['export', cnn, '-o', onnx]);
    expect(text).toMatch(/exported .*cnn-fashion\.yaml → .*cnn\.onnx: QONNX \(opset 13, qonnx\.custom_op\.general\), 28x28x1 conv3x3\/16 pool2 conv3x3\/32 pool2 fc10/);
    expect(text).toMatch(/checked: bnn import of the file gives the same integer network/);
    expect(readOnnxFile(onnx).producerName).toBe('bnn');
    const yaml = path.join(dir, 'back.yaml');
    run(['import', onnx, '-o', yaml, '-q']);
    const back = loadModel(yaml);
    expect(back.layers.map((l) => l.kind)).toEqual(['conv2d', 'maxpool2d', 'conv2d', 'maxpool2d', 'dense']);
    expect(integerNetworkDifference(foldThresholds(loadModel(cnn)), foldThresholds(back))).toBeUndefined();
    expect(readdirSync(path.dirname(onnx))).toEqual(['cnn.onnx']);
  });

  it('--json prints a summary with the format, opset, domain, input and nodes', () => {
    const dir = tmp();
    const j = JSON.parse(run(['export', cnn, '-o', path.join(dir, 'm.onnx'), '--json']));
    expect(j).toMatchObject({ ok: true, name: 'cnn-fashion', format: 'QONNX', opset: 13, domain: 'qonnx.custom_op.general', output: 'global_out', notes: [] });
    expect(j.input).toEqual({ name: 'global_in', shape: [1, 1, 28, 28], datatype: 'UINT8', layout: 'NCHW' });
    expect(j.nodes).toBe(14);
  });

  it('never replaces a file bnn did not write (OUTPUT_EXISTS, the file untouched); replaces its own output; --force replaces', () => {
    const dir = tmp();
    const foreign = path.join(dir, 'brevitas.onnx');
    writeFileSync(foreign, 'a user file');
    const e = bnnErrorOf(() => run(['export', cnn, '-o', foreign]));
    expect(e.detail).toMatchObject({ code: 'OUTPUT_EXISTS', field: '-o', got: 'a file that is not an ONNX model' });
    expect(readFileSync(foreign, 'utf8')).toBe('a user file');
    const own = path.join(dir, 'own.onnx');
    run(['export', cnn, '-o', own, '-q']);
    const first = readFileSync(own);
    run(['export', cnn, '-o', own, '-q']);
    expect(readFileSync(own).equals(first)).toBe(true); // deterministic, and replaced without complaint
    run(['export', cnn, '-o', foreign, '--force', '-q']);
    expect(readOnnxFile(foreign).producerName).toBe('bnn');
  });

  it('an ONNX model from another producer is refused too, naming the producer', () => {
    const dir = tmp();
    const other = path.join(dir, 'other.onnx');
    run(['export', cnn, '-o', other, '-q']);
    // The same bytes with producer_name "pytorch" (same length: the field is rewritten in place).
    const bytes = readFileSync(other);
    const at = bytes.indexOf(Buffer.from('bnn'));
    const patched = Buffer.concat([bytes.subarray(0, at - 1), Buffer.from([7]), Buffer.from('pytorch'), bytes.subarray(at + 3)]);
    writeFileSync(other, patched);
    expect(readOnnxFile(other).producerName).toBe('pytorch');
    const e = bnnErrorOf(() => run(['export', cnn, '-o', other]));
    expect(e.detail).toMatchObject({ code: 'OUTPUT_EXISTS', got: 'an ONNX model from "pytorch"' });
  });

  it('a folder as the output is OUTPUT_IS_FOLDER; a model QONNX cannot express is EXPORT_UNSUPPORTED and nothing is written', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'folder.onnx'));
    expect(bnnErrorOf(() => run(['export', cnn, '-o', path.join(dir, 'folder.onnx')])).detail.code).toBe('OUTPUT_IS_FOLDER');
    const m = randomModel({ name: 'hsb', seed: 1, arch: [8, 4] });
    const last = m.layers[0]!;
    if (last.kind !== 'dense') throw new Error('dense expected');
    last.activation = { kind: 'threshold', thresholds: [4, 4, 4, 4], direction: ['ge', 'ge', 'ge', 'ge'] };
    m.output = { kind: 'highest-set-bit' };
    const file = path.join(dir, 'hsb.yaml');
    writeFileSync(file, serializeModel(m));
    const out = path.join(dir, 'hsb.onnx');
    expect(bnnErrorOf(() => run(['export', file, '-o', out])).detail).toMatchObject({ code: 'EXPORT_UNSUPPORTED', field: 'output.kind' });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['folder.onnx', 'hsb.yaml']);
  });
});
