import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { MAILMAN_REST_DOCS, mailmanDocsMissing } from '../helpers/mailman-docs.ts';
import { mailmanServerMissing, startMailman, type MailmanServer } from '../helpers/mailman-server.ts';

/**
 * Issue 14's real case end to end: a connector planned from GNU Mailman 3's REST pages (Debian's
 * mailman3-doc, a Sphinx site: no OpenAPI anywhere), generated, then run live against a real
 * Mailman 3 (Debian's mailman3, its REST runner on 127.0.0.1) that the set-up seeded through the
 * API as the human who provisions access: every user, address, list and membership comes back,
 * mapped, across pages; only GETs are sent; the admin credential is in no output.
 */

const missing = mailmanDocsMissing() ?? mailmanServerMissing();
if (missing) console.warn(`test/run/mailman-live.test.ts is skipped: ${missing}`);
const VAR = 'FW_MAILMAN_CREDENTIAL';
/** More than the connector's page (count=100): the lists of users, addresses and memberships span two pages. */
const PEOPLE = 103;

interface Line {
  type: 'identity' | 'relationship' | 'run';
  id?: string;
  kind?: string;
  email?: string | null;
  display_name?: string | null;
  created_at?: string | null;
  from_id?: string;
  to_id?: string;
  relation?: string;
  source?: { stream: string };
}
interface Report {
  complete: boolean;
  streams: { name: string; complete: boolean; records: number; pages: number; error: string | null }[];
}
interface Page<T> {
  total_size: number;
  entries?: T[];
}

describe.skipIf(!!missing)(missing ? `a real Mailman 3 (skipped: ${missing})` : 'a connector from Mailman 3\'s web pages, run against a real Mailman 3', () => {
  let mm: MailmanServer;
  let root: string;
  let connector: string;
  const env = () => ({ ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state') });

  /** Every record of a collection, as the admin reads it (the set-up's own view of what exists). */
  async function all<T>(collection: string): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const r = await mm.call('GET', `/3.0/${collection}?count=50&page=${page}`);
      const body = r.body as Page<T>;
      out.push(...(body.entries ?? []));
      if (!body.entries?.length || out.length >= body.total_size) return out;
    }
  }

  async function seed(method: 'POST', at: string, form: Record<string, string>) {
    const r = await mm.call(method, at, form);
    if (r.status !== 201 && r.status !== 204) throw new Error(`seeding ${at} ${JSON.stringify(form)} failed: ${r.status} ${JSON.stringify(r.body)}`);
  }

  async function run(name: string) {
    const out = path.join(root, `${name}.jsonl`);
    const report = path.join(root, `${name}-report.json`);
    const io = captureIo();
    const mark = mm.logMark();
    const code = await main(['run', connector, '--base-url', mm.url, '--credential-env', VAR, '--out', out, '--report', report], io, { ...env(), [VAR]: mm.credential });
    const read = (file: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    };
    const records = read(out);
    return {
      code,
      stdout: io.out(),
      stderr: io.err(),
      requests: mm.requests(mark),
      recordsText: records,
      lines: records.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line),
      reportText: read(report),
      report: JSON.parse(read(report) || 'null') as Report | null,
      audit: read(path.join(root, 'state', 'audit.jsonl')),
    };
  }

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-mailman-'));
    const started = startMailman();
    const io = captureIo();
    const code = await main(['generate', MAILMAN_REST_DOCS, '--out', path.join(root, 'connectors')], io, env());
    mm = await started;
    if (code !== 0) throw new Error(`generate failed (${code}): ${io.err()}`);
    connector = path.join(root, 'connectors', readdirSync(path.join(root, 'connectors'))[0]!);
  }, 90_000);

  afterAll(async () => {
    await mm?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('the pages give the streams an engineer would read: users and addresses (people), mailing lists (groups), memberships (links from an address to its list)', () => {
    const plan = JSON.parse(readFileSync(path.join(connector, 'plan.json'), 'utf8')) as { streams: { name: string; path: string; kind: string; link?: unknown; mapping: { id: { path: string } } }[]; auth: { credentials: { scheme: string }[] } };
    expect(plan.streams.map((s) => [s.path, s.kind, s.mapping.id.path])).toEqual([
      ['/3.0/users', 'human', 'user_id'],
      ['/3.0/addresses', 'human', 'email'],
      ['/3.0/lists', 'group', 'list_id'],
      ['/3.0/members', 'group', 'member_id'],
    ]);
    expect(plan.streams[3]!.link).toEqual({ relation: 'member_of', from: { from: 'field', path: 'email' }, to: { from: 'field', path: 'list_id' }, relation_from: { path: 'role', values: { owner: 'owns' } } });
  });

  it('a fresh server with nothing in it: complete with no records — the empty answers leave out `entries` beside total_size 0, as the pages print them', async () => {
    const plan = JSON.parse(readFileSync(path.join(connector, 'plan.json'), 'utf8')) as { streams: { empty: { absent_at_zero?: string } }[] };
    expect(plan.streams.every((s) => s.empty.absent_at_zero === 'total_size')).toBe(true);
    expect((await mm.call('GET', '/3.0/users')).body).not.toHaveProperty('entries');
    const r = await run('empty');
    expect(r.code, `${r.stderr}\n${r.stdout}\n${r.reportText}`).toBe(0);
    expect(r.report!.complete).toBe(true);
    expect(r.report!.streams.map((s) => [s.name, s.complete, s.records])).toEqual([['users', true, 0], ['addresses', true, 0], ['lists', true, 0], ['members', true, 0]]);
    expect(r.lines).toEqual([expect.objectContaining({ type: 'run', complete: true })]);
  }, 60_000);

  it('seeded through the API: every user, address, list and membership (an owner\'s as owns) comes back once, mapped, across pages; GET only; the credential nowhere', async () => {
    await seed('POST', '/3.1/domains', { mail_host: 'example.org' });
    for (const list of ['ops', 'dev', 'announce']) await seed('POST', '/3.1/lists', { fqdn_listname: `${list}@example.org` });
    for (let i = 0; i < PEOPLE; i++) {
      await seed('POST', '/3.1/users', { email: `person${i}@example.org`, display_name: `Person ${i}` });
      await seed('POST', '/3.1/members', { list_id: 'ops.example.org', subscriber: `person${i}@example.org`, pre_verified: 'true', pre_confirmed: 'true', pre_approved: 'true' });
    }
    // A second address of one person; a subscriber known only by an address; an owner and a moderator.
    await seed('POST', '/3.1/users/person0@example.org/addresses', { email: 'p0.alt@example.org' });
    await seed('POST', '/3.1/members', { list_id: 'dev.example.org', subscriber: 'p0.alt@example.org', pre_verified: 'true', pre_confirmed: 'true', pre_approved: 'true' });
    await seed('POST', '/3.1/members', { list_id: 'dev.example.org', subscriber: 'outsider@example.net', display_name: 'Outside Subscriber', pre_verified: 'true', pre_confirmed: 'true', pre_approved: 'true' });
    await seed('POST', '/3.1/members', { list_id: 'announce.example.org', subscriber: 'person1@example.org', role: 'owner' });
    await seed('POST', '/3.1/members', { list_id: 'announce.example.org', subscriber: 'person2@example.org', role: 'moderator' });

    // 3.0 gives user ids as 128-bit integers, which JSON.parse would round: the set-up reads them from each self_link.
    const users = (await all<{ self_link: string; display_name?: string }>('users')).map((u) => ({ ...u, user_id: u.self_link.split('/').at(-1)! }));
    const addresses = await all<{ email: string }>('addresses');
    const lists = await all<{ list_id: string; display_name: string }>('lists');
    const members = await all<{ email: string; list_id: string; role: string }>('members');
    expect(users.length).toBeGreaterThan(100);
    expect(addresses.length).toBeGreaterThan(100);
    expect(members.length).toBeGreaterThan(100);

    const r = await run('seeded');
    expect(r.code, r.stderr).toBe(0);
    expect(r.report!.complete).toBe(true);
    expect(r.report!.streams.map((s) => [s.name, s.complete, s.records])).toEqual([
      ['users', true, users.length],
      ['addresses', true, addresses.length],
      ['lists', true, lists.length],
      ['members', true, members.length],
    ]);
    expect(r.report!.streams.every((s) => s.name === 'lists' || s.pages === 2)).toBe(true);

    const identities = (stream: string) => r.lines.filter((l) => l.type === 'identity' && l.source?.stream === stream);
    // Every user once, by the id the server gives (3.0 gives a 128-bit integer: kept exact, never rounded).
    expect(identities('users').map((l) => l.id).sort()).toEqual(users.map((u) => u.user_id).sort());
    expect(identities('users').find((l) => l.id === users.find((u) => u.display_name === 'Person 7')!.user_id)).toMatchObject({ kind: 'human', display_name: 'Person 7', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(identities('addresses').map((l) => l.id).sort()).toEqual(addresses.map((a) => a.email).sort());
    expect(identities('addresses').find((l) => l.id === 'outsider@example.net')).toMatchObject({ kind: 'human', email: 'outsider@example.net', created_at: expect.stringMatching(/^\d{4}-/) });
    expect(identities('lists').map((l) => [l.id, l.kind, l.display_name]).sort()).toEqual(lists.map((l) => [l.list_id, 'group', l.display_name]).sort());
    // Every membership, owners and moderators too, as a relationship from the address to the list — both ends identities of the run.
    const links = r.lines.filter((l) => l.type === 'relationship');
    // A list's owner owns it (its membership's role says so); moderators and members are members of it.
    expect(links.map((l) => `${l.from_id} ${l.relation} ${l.to_id}`).sort()).toEqual(members.map((m) => `${m.email} ${m.role === 'owner' ? 'owns' : 'member_of'} ${m.list_id}`).sort());
    expect(links.filter((l) => l.relation === 'owns').map((l) => `${l.from_id} ${l.to_id}`)).toEqual(['person1@example.org announce.example.org']);
    const ids = new Set(r.lines.filter((l) => l.type === 'identity').map((l) => l.id));
    expect(links.every((l) => ids.has(l.from_id!) && ids.has(l.to_id!))).toBe(true);
    expect(r.lines.at(-1)).toMatchObject({ type: 'run', complete: true });

    // Only reads, only the plan's lists, paged as planned.
    expect(r.requests.length).toBeGreaterThan(4);
    expect(r.requests.every((q) => /^GET \/3\.0\/(users|addresses|lists|members)\?/.test(q)), r.requests.join('\n')).toBe(true);
    expect(r.requests.filter((q) => q.startsWith('GET /3.0/users?')).sort(), r.requests.join('\n')).toEqual(['GET /3.0/users?count=100&page=2', 'GET /3.0/users?page=1&count=100']);
    // The admin credential (and its Basic form) is in no output, record, report or audit line.
    const password = mm.credential.split(':')[1]!;
    for (const text of [r.stdout, r.stderr, r.recordsText, r.reportText, r.audit]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(Buffer.from(mm.credential).toString('base64'));
    }
  }, 240_000);
});
