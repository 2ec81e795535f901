import { BnnError } from '../errors.js';

/** Print an error (as JSON with --json) and return the process exit code. */
export function reportError(e: unknown, json: boolean): number {
  if (e instanceof BnnError) {
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: e.toJSON() }) + '\n');
    else process.stderr.write(`bnn: error: ${e.message}\n`);
    return e.detail.code === 'VERIFY_MISMATCH' ? 1 : 2;
  }
  const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
  if (json) process.stdout.write(JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: String(e) } }) + '\n');
  else process.stderr.write(`bnn: internal error: ${msg}\n`);
  return 3;
}

/** A list for a human: all of a short one, the head of a long one. */
export function shortList(xs: number[], max = 24): string {
  return xs.length <= max ? xs.join(' ') : `${xs.slice(0, max).join(' ')} … (${xs.length} in all)`;
}

export function printJson(v: unknown): void {
  process.stdout.write(JSON.stringify(v, null, 2) + '\n');
}

/** Progress for long work: a live line on a TTY, nothing when quiet/json or not a TTY. */
export interface Progress {
  update(text: string): void;
  done(text?: string): void;
}

export function progress(opts: { quiet?: boolean; json?: boolean }): Progress {
  const live = !opts.quiet && !opts.json && process.stderr.isTTY === true;
  return {
    update(text) {
      if (live) process.stderr.write(`\r\x1b[2K${text}`);
    },
    done(text) {
      if (live) process.stderr.write('\r\x1b[2K' + (text ? text + '\n' : ''));
      else if (text && !opts.quiet && !opts.json) process.stderr.write(text + '\n');
    },
  };
}
