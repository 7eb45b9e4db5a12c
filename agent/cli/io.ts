/** Where a command writes: stdout is the machine contract (`--json`), stderr is for people. */
export interface Io {
  stdout: { write(chunk: string): unknown };
  /** `isTTY`: a person is watching (progress lines are written only then). */
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
}

/** An Io that collects output, for running the CLI in-process (tests, other tools). */
export function captureIo(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  };
}
