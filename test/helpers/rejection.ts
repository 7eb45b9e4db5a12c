import { expect } from 'vitest';
import { FetchwrightError } from '../../agent/errors.ts';

/** The FetchwrightError a promise rejects with (the test fails if it resolves or throws anything else). */
export async function rejection(p: Promise<unknown>): Promise<FetchwrightError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FetchwrightError);
  return e as FetchwrightError;
}
