import { wrap } from './text-layout.ts';

/** The widest line fetchwright prints for people (help is wrapped by commander to the same width). */
export const SCREEN_WIDTH = 100;

/** A line's own indent and label: continuation lines line up under the text after it. */
const LEAD = /^(\s*)(· |- |error\[[a-z-]+\]: |hint: |in: |at: |what to do: |warning: |note: )?/;

/**
 * A block of text for a person, each line longer than `width` columns wrapped at spaces, its
 * continuation lines aligned under the text after the line's indent and label (`  hint: `,
 * `  · `). Short lines and blank lines are kept as they are.
 */
export function fitLines(block: string, width = SCREEN_WIDTH): string {
  const trailing = block.endsWith('\n') ? '\n' : '';
  const lines = (trailing ? block.slice(0, -1) : block).split('\n');
  const out: string[] = [];
  for (const line of lines) {
    if (line.length <= width) {
      out.push(line);
      continue;
    }
    const [lead = ''] = LEAD.exec(line) ?? [];
    out.push(...wrap(line.slice(lead.length), width, ' '.repeat(lead.length), lead));
  }
  return `${out.join('\n')}${trailing}`;
}
