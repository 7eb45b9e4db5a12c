import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { displayWidth } from '../cli/text-layout.ts';
import { clock, createProgressDisplay, REDRAW_MS } from './progress-display.ts';

/** A stream that records each write, as a terminal (isTTY) or a pipe. */
function fakeStream(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { writes, text: () => writes.join(''), stream: { write: (s: string) => writes.push(s), isTTY, columns } };
}

/** What a terminal shows after `text`: `\r` returns to the line's start, ESC[K erases to its end. */
function screen(text: string): string[] {
  const lines: string[] = [''];
  let col = 0;
  for (const part of text.split(/(\r|\n|\u001b\[K)/)) {
    const last = lines.length - 1;
    if (part === '\r') col = 0;
    else if (part === '\n') {
      lines.push('');
      col = 0;
    } else if (part === '\u001b[K') lines[last] = lines[last]!.slice(0, col);
    else {
      lines[last] = lines[last]!.slice(0, col) + part + lines[last]!.slice(col + part.length);
      col += part.length;
    }
  }
  return lines;
}

describe('the progress display', () => {
  let t: number;
  const now = () => t;
  beforeEach(() => {
    t = 1_000_000;
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('on a terminal: a live line redrawn in place, a permanent line per finished vendor, cleared at stop', () => {
    const out = fakeStream(true);
    const display = createProgressDisplay(out.stream, { total: 13, now, ci: false });
    display.started('okta');
    t += 1_000;
    display.started('slack');
    expect(out.writes).toEqual([]); // nothing is drawn between ticks
    t += 41_000;
    vi.advanceTimersByTime(REDRAW_MS);
    expect(out.writes).toEqual(['\r[0/13] 00:42  running: okta, slack\u001b[K']);
    // Unchanged: not drawn again.
    vi.advanceTimersByTime(REDRAW_MS * 3);
    expect(out.writes).toHaveLength(1);
    t += 12_300;
    display.finished('okta', 'generated');
    expect(out.writes[1]).toBe('\r\u001b[K[1/13] okta: generated (54.3 s)\n');
    vi.advanceTimersByTime(REDRAW_MS);
    expect(out.writes[2]).toBe('\r[1/13] 00:54  running: slack\u001b[K');
    display.finished('slack', 'failed', 'the mock API answered 500');
    vi.advanceTimersByTime(REDRAW_MS);
    expect(out.writes.at(-1)).toBe('\r[2/13] 00:54\u001b[K');
    display.stop();
    expect(out.writes.at(-1)).toBe('\r\u001b[K');
    // Each vendor's own time, from its start; the live line gone.
    expect(screen(out.text())).toEqual(['[1/13] okta: generated (54.3 s)', '[2/13] slack: failed (53.3 s): the mock API answered 500', '']);
    // stop clears the live line once, and nothing is drawn after it.
    const count = out.writes.length;
    display.stop();
    vi.advanceTimersByTime(REDRAW_MS * 10);
    expect(out.writes).toHaveLength(count);
  });

  it('redraws at most once per interval, however many vendors start', () => {
    const out = fakeStream(true);
    const display = createProgressDisplay(out.stream, { total: 100, now, ci: false });
    for (let i = 0; i < 50; i++) {
      display.started(`v${i}`);
      t += 1000;
    }
    expect(out.writes).toHaveLength(0);
    vi.advanceTimersByTime(REDRAW_MS);
    expect(out.writes).toHaveLength(1);
    display.stop();
  });

  it('does not keep the process alive: its interval is unref\'d', () => {
    const unref = vi.fn();
    const spy = vi.spyOn(globalThis, 'setInterval').mockImplementation((() => ({ unref })) as unknown as typeof setInterval);
    const clear = vi.spyOn(globalThis, 'clearInterval').mockImplementation(() => undefined);
    const display = createProgressDisplay(fakeStream(true).stream, { total: 1, now, ci: false });
    expect(unref).toHaveBeenCalledOnce();
    display.stop();
    expect(clear).toHaveBeenCalledOnce();
    spy.mockRestore();
    clear.mockRestore();
  });

  it('fits the live line in the terminal, however long the names, and escapes their control characters', () => {
    for (const columns of [20, 40, 80]) {
      const out = fakeStream(true, columns);
      const display = createProgressDisplay(out.stream, { total: 3, now, ci: false });
      display.started('okta\u001b[2J\u001b]0;pwned\u0007');
      display.started('evil\rcarriage\nnewline\u202e\u009b31m');
      display.started('x'.repeat(300));
      t += 5000;
      vi.advanceTimersByTime(REDRAW_MS);
      display.finished('okta\u001b[2J\u001b]0;pwned\u0007', 'failed', 'cause\u001b[31m with\r\nbreaks');
      display.note('note \u001b]8;;https://evil.example\u0007link');
      display.stop();
      const live = out.writes[0]!;
      expect(live.startsWith('\r') && live.endsWith('\u001b[K')).toBe(true);
      const body = live.slice(1, -3);
      expect(displayWidth(body)).toBeLessThan(columns);
      expect(body).toMatch(/…$/);
      // The only control characters written are the display's own \r, ESC[K and line ends.
      const rest = out.text().replaceAll('\r\u001b[K', '').replaceAll('\u001b[K', '').replace(/^\r/gm, '').replaceAll('\r', '');
      expect(rest).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(out.text()).toContain('[1/3] okta\\u001b[2J\\u001b]0;pwned\\u0007: failed (5.0 s): cause\\u001b[31m with\\u000d\\u000abreaks\n');
      expect(out.text()).toContain('note \\u001b]8;;https://evil.example\\u0007link\n');
      if (columns === 80) expect(body).toBe('[0/3] 00:05  running: okta\\u001b[2J\\u001b]0;pwned\\u0007, evil\\u000dcarriage\\u0…');
    }
  });

  it('not a TTY, or CI: plain lines only, with no control characters and no interval', () => {
    for (const [isTTY, ci] of [[false, false], [true, true]] as const) {
      const out = fakeStream(isTTY);
      const display = createProgressDisplay(out.stream, { total: 13, now, ci });
      display.started('okta');
      t += 12_345;
      vi.advanceTimersByTime(REDRAW_MS * 20);
      display.finished('okta', 'generated');
      display.note('slack: docs changed, regenerating');
      display.finished('slack\u001b[31m', 'skipped');
      display.stop();
      expect(out.text()).toBe('[1/13] okta: generated (12.3 s)\nslack: docs changed, regenerating\n[2/13] slack\\u001b[31m: skipped\n');
      expect(out.text()).not.toMatch(/[\r\u001b]/);
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it('reads CI from the environment when not told', () => {
    vi.stubEnv('CI', 'true');
    const out = fakeStream(true);
    const display = createProgressDisplay(out.stream, { total: 1, now });
    display.started('okta');
    vi.advanceTimersByTime(REDRAW_MS);
    expect(out.writes).toEqual([]);
    display.stop();
    vi.stubEnv('CI', '');
    const live = fakeStream(true);
    const shown = createProgressDisplay(live.stream, { total: 1, now });
    shown.started('okta');
    vi.advanceTimersByTime(REDRAW_MS);
    expect(live.writes).toHaveLength(1);
    shown.stop();
    vi.unstubAllEnvs();
  });

  it('shows elapsed time as a clock', () => {
    expect([0, 42_000, 725_000, 3_729_000].map(clock)).toEqual(['00:00', '00:42', '12:05', '1:02:09']);
  });
});
