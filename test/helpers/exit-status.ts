import { constants } from 'node:os';

/**
 * The exit status a shell reports for a child that ended with `code` or was ended by `signal`
 * (`$?`: 128 + the signal's number), as Node's 'close' event gives them.
 */
export function shellStatus(code: number | null, signal: NodeJS.Signals | null): number | null {
  return code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null);
}
