import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import { AuditEntry, AuditLog } from './audit-log.ts';
import { Redactor, redactorFromEnv } from './redact.ts';

const TOKEN = 'ghp_FAKEfetchwrightTOKEN0123456789abcdef';

describe('audit log', () => {
  it('appends one redacted JSON line per step and never rewrites earlier lines', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-audit-'));
    const first = new AuditLog({ dir, command: 'generate', redactor: redactorFromEnv({ GITHUB_TOKEN: TOKEN }) });
    first.record('plan', 'ok', { plan_sha256: 'a'.repeat(64) }, { note: `token is ${TOKEN}` });
    const before = await readFile(first.file, 'utf8');
    const second = new AuditLog({ dir, command: 'pr', redactor: new Redactor([]) });
    second.record('push', 'fail', {}, { error: `https://x:${'s3cretPassw0rd'}@github.com/acme/c.git rejected` });
    const after = await readFile(first.file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    const lines = after.trim().split('\n').map((l) => AuditEntry.parse(JSON.parse(l)));
    expect(lines.map((l) => `${l.command}:${l.step}:${l.outcome}`)).toEqual(['generate:plan:ok', 'pr:push:fail']);
    expect(lines[0]!.run_id).not.toBe(lines[1]!.run_id);
    expect(lines[0]!.actor.host).toBe(os.hostname());
    expect(after).not.toContain(TOKEN);
    expect(after).not.toContain('s3cretPassw0rd');
    expect(after).toContain('[REDACTED]');
  });

  it('refuses to run, at once, when the state folder cannot be made', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-audit-'));
    await writeFile(path.join(dir, 'a-file'), '');
    for (const bad of [path.join(dir, 'a-file', 'state'), '/proc/fetchwright-cannot-write-here']) {
      expect(() => new AuditLog({ dir: bad, command: 'plan', redactor: new Redactor([]) })).toThrow(FetchwrightError);
    }
  });
});

describe('redactor', () => {
  it('removes the secrets this process holds and well-known token shapes, keeping the rest', () => {
    const r = redactorFromEnv({ DD_API_KEY: 'dd-0123456789abcdef', HOME: '/root', FETCHWRIGHT_SIGNING_KEY: '/keys/k.pem' });
    expect(r.text('key dd-0123456789abcdef, home /root, key file /keys/k.pem')).toBe('key [REDACTED], home /root, key file /keys/k.pem');
    expect(r.text(`xoxb-1234567890-abcdefghij and ${TOKEN}`)).toBe('[REDACTED] and [REDACTED]');
    expect(r.value({ nested: [`Bearer ${TOKEN}`] })).toEqual({ nested: ['Bearer [REDACTED]'] });
  });
});
