import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BnnError } from '../../errors.js';
import { parseModel } from '../../model/io.js';
import { register } from './train.js';

function program(): Command {
  const p = new Command();
  p.exitOverride();
  register(p);
  return p;
}

describe('bnn train', () => {
  afterEach(() => vi.restoreAllMocks());

  it('trains, writes the model and prints a JSON summary', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bnn-train-')), 'm.yaml');
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      stdout += String(s);
      return true;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await program().parseAsync(
      ['train', '--dataset', 'mnist', '--arch', '784-16-10', '--epochs', '1', '--batch', '20', '--train-limit', '200', '--threads', '1', '-o', out, '--json'],
      { from: 'user' },
    );
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ ok: true, output: out, name: 'm', dataset: 'mnist', arch: '784-16-10', actBits: 1, epochs: 1, trainImages: 200 });
    expect(summary.testAccuracy).toBeGreaterThan(0);
    expect(summary.testAccuracy).toBeLessThanOrEqual(1);
    expect(typeof summary.seconds).toBe('number');
    expect(stderr).not.toHaveBeenCalled();
    const model = parseModel(readFileSync(out, 'utf8'), out);
    expect(model.name).toBe('m');
    expect(model.metadata.command).toBe(`bnn train --dataset mnist --arch 784-16-10 --epochs 1 --seed 1 --batch 20 --lr 0.005 --train-limit 200 -o ${out}`);
    expect(model.metadata.testAccuracy).toBe(Math.round((summary.testAccuracy as number) * 1e4) / 1e4);
  });

  it('--act-bits 2: the JSON summary has actBits and testAccuracy, the command and the model record them', { timeout: 60_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bnn-train-')), 'q.yaml');
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      stdout += String(s);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await program().parseAsync(
      ['train', '--dataset', 'mnist', '--arch', '784-16-16-10', '--act-bits', '2', '--epochs', '1', '--batch', '20', '--train-limit', '200', '--threads', '1', '-o', out, '--json'],
      { from: 'user' },
    );
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    const command = `bnn train --dataset mnist --arch 784-16-16-10 --epochs 1 --seed 1 --batch 20 --lr 0.005 --act-bits 2 --train-limit 200 -o ${out}`;
    expect(summary).toMatchObject({ ok: true, arch: '784-16-16-10', actBits: 2, epochs: 1, trainImages: 200, command });
    expect(summary.testAccuracy).toBeGreaterThan(0.1);
    expect(summary.testAccuracy).toBeLessThanOrEqual(1);
    const model = parseModel(readFileSync(out, 'utf8'), out);
    expect(model.metadata).toMatchObject({ actBits: 2, command, testAccuracy: Math.round((summary.testAccuracy as number) * 1e4) / 1e4 });
    const hidden = model.layers.slice(0, 2).map((l) => (l.kind === 'dense' && l.activation.kind === 'batchnorm' ? l.activation.quant : undefined));
    expect(hidden).toEqual([{ bits: 2, levels: 3, outBias: -1, outScale: 1 }, { bits: 2, levels: 3, outBias: -1, outScale: 1 }]);
  });

  it('rejects --act-bits outside 1..4', async () => {
    const run = (args: string[]) => program().parseAsync(['train', '-o', '/tmp/x.yaml', '--dataset', 'mnist', ...args], { from: 'user' });
    for (const bad of ['0', '5', 'two']) {
      const e = await run(['--act-bits', bad]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BnnError);
      expect((e as BnnError).detail).toMatchObject({ code: 'USAGE', field: '--act-bits' });
    }
  });

  it('trains a convolutional architecture with a fixed-point first layer', { timeout: 60_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bnn-train-')), 'c.yaml');
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      stdout += String(s);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await program().parseAsync(
      ['train', '--dataset', 'mnist', '--arch', 'c4k3,p2,c8k3p1,p2,f10', '--fixed-input', '--epochs', '1', '--batch', '20', '--train-limit', '100', '-o', out, '--json'],
      { from: 'user' },
    );
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ ok: true, output: out, name: 'c', arch: 'c4k3,p2,c8k3p1,p2,f10', fixedInput: true, epochs: 1, trainImages: 100, threads: 1 });
    const command = `bnn train --dataset mnist --arch c4k3,p2,c8k3p1,p2,f10 --epochs 1 --seed 1 --batch 20 --lr 0.005 --fixed-input --train-limit 100 -o ${out}`;
    expect(summary.command).toBe(command);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('kind: fixed');
    expect(text).toContain('kind: conv2d');
    expect(text).toContain('kind: maxpool2d');
    expect(text).toContain(command);
  });

  it('rejects bad convolutional options', async () => {
    const run = (args: string[]) => program().parseAsync(['train', '-o', '/tmp/x.yaml', ...args], { from: 'user' });
    await expect(run(['--dataset', 'mnist', '--arch', 'c4k3,p2'])).rejects.toThrow(/last layer must be dense/);
    await expect(run(['--dataset', 'mnist', '--arch', '784-16-10', '--fixed-input'])).rejects.toThrow(/--fixed-input/);
  });

  it('rejects bad options and datasets with BnnErrors', async () => {
    const run = (args: string[]) => program().parseAsync(['train', '-o', '/tmp/x.yaml', ...args], { from: 'user' });
    await expect(run(['--dataset', 'mnist', '--arch', '784-a-10'])).rejects.toBeInstanceOf(BnnError);
    await expect(run(['--dataset', 'mnist', '--epochs', '0'])).rejects.toThrow(/--epochs/);
    await expect(run(['--dataset', 'mnist', '--lr', 'x'])).rejects.toThrow(/--lr/);
    const e = await run(['--dataset', 'idx:/nonexistent-bnn-dir']).catch((x: unknown) => x);
    expect((e as BnnError).detail.code).toBe('DATASET_MISSING');
  });
});
