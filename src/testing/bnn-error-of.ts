import { BnnError } from '../errors.js';

/** For tests: run f, which must throw a BnnError, and return it (anything else fails the test). */
export function bnnErrorOf(f: () => unknown): BnnError {
  try {
    f();
  } catch (e) {
    if (e instanceof BnnError) return e;
    throw e;
  }
  throw new Error('expected a BnnError');
}
