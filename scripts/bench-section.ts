import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';

/** Replace (or append) one marked section of BENCHMARKS.md, leaving the others alone. */
export function writeBenchSection(file: string, id: string, body: string): void {
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nEvery figure here was written by the command named with it, on the machine named with it.\n';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : text.trimEnd() + '\n\n' + block + '\n';
  // written beside and renamed into place: an interrupted bench leaves the old file whole
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const tool = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0]!.trim();
    } catch {
      return `${cmd}: not installed`;
    }
  };
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${tool('verilator', ['--version'])}; ${tool('iverilog', ['-V'])}`;
}
