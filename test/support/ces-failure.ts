// Expected CES failures: `failure` awaits a CES call that must fail, `inputError` runs a synchronous
// step that must refuse its input (code ces_input); each returns the CesError or fails the test.
import { expect } from 'vitest';

import { CesError } from '../../src/ces/errors.js';

export async function failure(promise: Promise<unknown>): Promise<CesError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CesError);
    return error as CesError;
  }
  throw new Error('expected the call to fail');
}

export function inputError(fn: () => unknown): CesError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CesError);
    expect((error as CesError).code).toBe('ces_input');
    return error as CesError;
  }
  throw new Error('expected a ces_input error');
}
