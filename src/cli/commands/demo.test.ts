import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { BnnError } from '../../errors.js';
import { register } from './demo.js';

function program(): Command {
  const p = new Command();
  p.exitOverride();
  register(p);
  return p;
}

async function usageError(args: string[]): Promise<BnnError> {
  const e = await program().parseAsync(['demo', ...args], { from: 'user' }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BnnError);
  return e as BnnError;
}

describe('bnn demo options', () => {
  it('rejects a --frames that is not a whole number >= 1 before doing any work', async () => {
    for (const v of ['x', '0', '2.5']) {
      const e = await usageError(['--frames', v]);
      expect(e.detail).toMatchObject({ code: 'USAGE', field: '--frames', got: v });
    }
  });

  it('rejects a negative or non-integer --seed', async () => {
    for (const v of ['-1', 'abc']) {
      const e = await usageError(['--seed', v]);
      expect(e.detail).toMatchObject({ code: 'USAGE', field: '--seed', got: v });
    }
  });
});
