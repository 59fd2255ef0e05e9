// Awaits a CES call that must fail and returns its CesError, failing the test otherwise.
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
