/** Where a command writes: stdout is the machine contract (`--json`), stderr is for people. */
export interface Io {
  stdout: { write(chunk: string): unknown };
  /** `isTTY`: a person is watching (progress lines are written only then). */
  stderr: {
    write(chunk: string): unknown;
    isTTY?: boolean;
    /** The terminal's width, when stderr is one. */
    columns?: number;
    /**
     * Unescaped writes to the terminal, given only when stderr is one: for a live progress line that
     * redraws itself (`\r`, `ESC[K`). Its user escapes every character it takes from data
     * (agent/expand/progress-display.ts); everything else goes through `write`.
     */
    terminal?: { write(chunk: string): unknown };
  };
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
