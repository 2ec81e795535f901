import { createInterface, type Interface } from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { BnnError } from '../errors.js';

/** A long-running process spoken to in lines over stdin/stdout (the verilated harnesses). */
export class LineProcess {
  private readonly proc: ResultPromise;
  private readonly lines: Interface;
  private queue: string[] = [];
  private waiter: (() => void) | undefined;
  private exited = false;
  private stderr = '';

  constructor(exe: string, cwd: string) {
    // Node's stdin pipe is a socket, which fopen("/dev/stdin") refuses; cat turns it into a pipe.
    this.proc = execa('sh', ['-c', 'cat | "$0"', exe], { cwd, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false });
    this.lines = createInterface({ input: this.proc.stdout! });
    this.lines.on('line', (l) => {
      this.queue.push(l);
      this.waiter?.();
    });
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-2000);
    });
    void this.proc.then(() => {
      this.exited = true;
      this.waiter?.();
    });
  }

  write(text: string): void {
    this.proc.stdin!.write(text);
  }

  /** Lines up to (not including) the next line equal to `marker`. */
  async until(marker: string): Promise<string[]> {
    const got: string[] = [];
    for (;;) {
      while (this.queue.length) {
        const l = this.queue.shift()!;
        if (l === marker) return got;
        got.push(l);
      }
      if (this.exited)
        throw new BnnError({ code: 'TOOL_FAILED', message: `the verilated harness exited early: ${this.stderr.trim().split('\n').slice(-5).join('\n') || 'no message'}` });
      await new Promise<void>((res) => (this.waiter = res));
      this.waiter = undefined;
    }
  }

  async close(): Promise<void> {
    this.proc.stdin!.end();
    await this.proc;
    this.lines.close();
  }
}
