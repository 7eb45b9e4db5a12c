/**
 * Records leave the sandbox process as JSON lines on a pipe of their own (`RECORDS_FD`), not as IPC
 * messages. The sandbox process writes each batch with a blocking write, so when the host reads
 * slower than the fetcher emits, the pipe fills and the fetcher's `emit` waits: neither process
 * queues records it has not handed on (Node's IPC would queue them, unbounded, in the sender).
 *
 * A line is one record as JSON text (JSON.stringify never writes a raw newline). The host cuts the
 * stream into lines here; what it reads is untrusted, so a partial line is capped: a line longer than
 * any allowed record is reported at once rather than buffered.
 */

/** The sandbox process's file descriptor for the records pipe (its stdio slot in `fork`). */
export const RECORDS_FD = 4;

/** What one chunk of the pipe gave: the lines it completed and, when a line outgrew the cap, its length so far. */
export interface LineChunk {
  lines: string[];
  tooLong?: number;
}

/**
 * Splits a text stream into lines, keeping at most `maxLineChars` of an unfinished one. Once a line
 * outgrows the cap the splitter is spent: every later chunk gives nothing.
 */
export class LineSplitter {
  readonly #maxLineChars: number;
  #rest = '';
  #spent = false;

  constructor(maxLineChars: number) {
    this.#maxLineChars = maxLineChars;
  }

  /** The lines `chunk` completes, in order, without their newline; those before an overlong line still count. */
  push(chunk: string): LineChunk {
    if (this.#spent) return { lines: [] };
    const text = this.#rest === '' ? chunk : this.#rest + chunk;
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (nl - start > this.#maxLineChars) return this.#overflow(lines, nl - start);
      lines.push(text.slice(start, nl));
      start = nl + 1;
    }
    this.#rest = start === 0 ? text : text.slice(start);
    if (this.#rest.length > this.#maxLineChars) return this.#overflow(lines, this.#rest.length);
    return { lines };
  }

  /** Characters of an unfinished last line (a process killed mid-write leaves one). */
  get pending(): number {
    return this.#rest.length;
  }

  #overflow(lines: string[], chars: number): LineChunk {
    this.#spent = true;
    this.#rest = '';
    return { lines, tooLong: chars };
  }
}
