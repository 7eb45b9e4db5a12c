import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { escapeControls } from '../../agent/cli/safe-io.ts';

/**
 * Text from docs never reaches a terminal as a control sequence (ANSI/OSC escapes, a CR that
 * overwrites a line, bidi overrides), on any command's stdout or stderr; `--json` stays the same
 * JSON value.
 */

const ATTACK = '\u001b[2K\r\u001b]52;c;cHduZWQ=\u0007error: nothing, all good \u202egnp.exe\u009b31m';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io, { ...process.env, FETCHWRIGHT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'fetchwright-tty-state-')) });
  return { code, out: io.out(), err: io.err() };
}

function spec(mutate: (s: Record<string, any>) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-tty-'));
  const s: Record<string, any> = {
    openapi: '3.0.0',
    info: { title: `Acme ${ATTACK}`, version: '1' },
    servers: [{ url: 'https://api.acme.test' }],
    components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: ATTACK } } },
    security: [{ key: [] }],
    paths: { '/users': { get: { summary: `List users ${ATTACK}`, responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' } } } } } } } } } } },
  };
  mutate(s);
  const file = path.join(dir, 'api.json');
  writeFileSync(file, JSON.stringify(s));
  return file;
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('no control sequence from the docs reaches the terminal', () => {
  it('escapeControls writes them visibly and keeps tab and newline', () => {
    expect(escapeControls('a\tb\nc\u001b[1m\r\u202e')).toBe('a\tb\nc\\u001b[1m\\u000d\\u202e');
  });

  it('an error that quotes the docs (a bad $ref)', async () => {
    const r = await run('plan', spec((s) => (s.paths['/users'].get.responses['200'] = { $ref: `#/nowhere${ATTACK}` })));
    expect(r.code).toBe(6);
    expect(r.err).not.toMatch(CONTROL);
    expect(r.err).toContain('\\u001b[2K');
  });

  it('the plan table and --verbose', async () => {
    const file = spec(() => undefined);
    for (const argv of [['plan', file], ['plan', file, '--verbose']]) {
      const r = await run(...argv);
      expect(r.code, r.err).toBe(0);
      expect(r.out + r.err).not.toMatch(CONTROL);
    }
  });

  it('--json is the same JSON value, with the characters escaped', async () => {
    const r = await run('plan', spec(() => undefined), '--json');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(CONTROL);
    // Parsed, the docs' characters are there as they were: only their spelling on the wire changed.
    const strings: string[] = [];
    JSON.parse(r.out, (_key, value: unknown) => (typeof value === 'string' && strings.push(value), value));
    expect(strings.some((v) => v.includes('\u202egnp.exe\u009b31m'))).toBe(true);
    expect(strings.some((v) => v.includes('\u001b[2K'))).toBe(true);
  });
});
