import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadModel } from '../../model/io.js';
import { randomModel } from '../../model/random-model.js';
import { exportQonnx } from '../../onnx/export.js';
import { register } from './import.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = path.resolve(projectRoot, '../shared/fixtures/finn-tfc-w1a1/model.onnx');

function run(args: string[]): string {
  const program = new Command();
  program.exitOverride();
  register(program);
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

describe('bnn import', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes models/NAME.yaml from the FINN fixture and prints what it folded', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bnn-import-'));
    const out = path.join(dir, 'models', 'tfc-w1a1.yaml');
    const text = run(['import', fixture, '-o', out]);
    expect(existsSync(out)).toBe(true);
    const m = loadModel(out);
    expect(m.name).toBe('tfc-w1a1');
    expect(m.metadata.source).toBe('imported');
    expect(text).toMatch(/784-64-64-64-10, input raw >= 128 \(8-bit\)/);
    expect(text.match(/folded:/g)).toHaveLength(5);
    expect(readFileSync(out, 'utf8')).toMatch(/^format: bnn-model/);
  });

  it('--json prints a machine-readable summary with the folded list', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bnn-import-'));
    const out = path.join(dir, 'x.yaml');
    const j = JSON.parse(run(['import', fixture, '-o', out, '--json', '--name', 'tfc']));
    expect(j).toMatchObject({ ok: true, name: 'tfc', dialect: 'finn', arch: '784-64-64-64-10' });
    expect(j.folded).toHaveLength(5);
  });

  it('--json lists convolution and pool layers, and says when the model reads an NCHW input channels last', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bnn-import-'));
    const onnx = path.join(dir, 'c.onnx');
    const m = randomModel({ name: 'c', seed: 2, input: [6, 6, 3], layers: [{ conv: 4, kernel: 3 }, { pool: 2 }, { dense: 5 }], quant: { bits: 2, levels: 3, outBias: -1 } });
    writeFileSync(onnx, exportQonnx(m).bytes);
    const j = JSON.parse(run(['import', onnx, '-o', path.join(dir, 'c.yaml'), '--json']));
    expect(j.arch).toBe('6x6x3 conv3x3/4 pool2 fc5');
    expect(j.layers).toEqual([
      { kind: 'conv2d', name: 'conv0', inChannels: 3, outChannels: 4, kernel: 3, stride: 1, padding: 0, activation: 'multithreshold' },
      { kind: 'maxpool2d', name: 'pool1', kernel: 2 },
      { kind: 'dense', name: 'fc2', inputs: 2 * 2 * 4, outputs: 5, activation: 'none' },
    ]);
    expect(j.inputLayout).toMatch(/NCHW.*channels last/);
  });
});
