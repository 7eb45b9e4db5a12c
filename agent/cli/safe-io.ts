import type { Io } from './io.ts';

/**
 * The last line of defence between hostile text (docs, server responses, file names) and a
 * person's terminal: every write to stdout and stderr goes through here. Control characters a
 * terminal would act on — C0 controls but tab and newline (ESC starts ANSI/OSC sequences, CR
 * overwrites a line), DEL, C1 controls (8-bit CSI/OSC) and the Unicode bidi controls (Trojan
 * Source, CVE-2021-42574) — are written as the visible escape `\uXXXX`. In `--json` output such
 * characters can only be inside strings (JSON.stringify escapes the C0 ones itself), where `\uXXXX`
 * is the same JSON value: the machine contract is unchanged.
 */

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every terminal-active control character written as `\uXXXX`. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An Io whose writes are passed through `escapeControls`. */
export function safeIo(io: Io): Io {
  return {
    stdout: { write: (s: string) => io.stdout.write(escapeControls(String(s))) },
    stderr: {
      write: (s: string) => io.stderr.write(escapeControls(String(s))),
      ...(io.stderr.isTTY ? { isTTY: true, terminal: { write: (s: string) => io.stderr.write(String(s)) } } : {}),
      ...(io.stderr.isTTY && typeof io.stderr.columns === 'number' ? { columns: io.stderr.columns } : {}),
    },
  };
}
