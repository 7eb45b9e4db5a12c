import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { describe, expect, it } from 'vitest';
import { pageSections } from '../../agent/ingest/pages/page-sections.ts';
import { requestSamples } from '../../agent/ingest/pages/request-samples.ts';
import { modelFromPages } from '../../agent/ingest/pages/pages-model.ts';
import { ApiModel } from '../../agent/ingest/api-model.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { checkQuotes } from '../../agent/docs-view/quote-check.ts';
import { MAILMAN_REST_DOCS, mailmanDocsMissing } from '../helpers/mailman-docs.ts';

/**
 * GNU Mailman 3's REST API pages, as Debian's mailman3-doc ships them (a Sphinx site): read as a
 * person reads them — the sections with their anchors and prose, the session samples with the
 * responses they printed (issue 14's real case).
 */

const missing = mailmanDocsMissing();
const page = (name: string) => pageSections(readFileSync(`${MAILMAN_REST_DOCS}/${name}.html`, 'utf8'));
const samplesOf = (name: string) => page(name).flatMap((s) => s.code.flatMap((c) => requestSamples(c).map((r) => ({ ...r, anchor: s.anchor }))));

describe.skipIf(!!missing)(`Mailman 3's REST pages${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('users.html: the sections a reader sees, with their anchors and the paging prose', () => {
    const sections = page('users');
    expect(sections.map((s) => s.heading).slice(0, 3)).toEqual(['Users', 'Paginating over user records', 'Searching for users']);
    const paging = sections.find((s) => s.anchor === '#paginating-over-user-records')!;
    expect(paging.prose.join(' ')).toMatch(/adding the GET parameters count and page to the request URI\. Page 1 is the first page and count defines the size of the page\./);
    // Navigation and the sidebar are not the reference.
    expect(sections.some((s) => /Navigation|Search docs/i.test(s.heading))).toBe(false);
  });

  it('users.html: the list of users and what it printed — its records under entries, with ids, names and the server-owner flag', () => {
    const samples = samplesOf('users');
    const list = samples.find((s) => s.method === 'get' && s.url === 'http://localhost:9001/3.0/users' && (s.response as { entries?: unknown[] })?.entries?.length);
    expect(list?.response).toMatchObject({ entries: [{ display_name: 'Anne Person', is_server_owner: false, user_id: 1, self_link: 'http://localhost:9001/3.0/users/1' }], start: 0, total_size: 1 });
    expect(list?.anchor).toBe('#users');
    expect(samples.some((s) => s.method === 'get' && s.url === 'http://localhost:9001/3.0/users?count=1&page=2' && s.anchor === '#paginating-over-user-records')).toBe(true);
    // Creating a user is a POST (the session call passes data): never taken for a read.
    expect(samples.filter((s) => s.url === 'http://localhost:9001/3.0/users' && s.method === 'post').length).toBeGreaterThan(0);
  });

  it('the members, addresses and lists pages: their collections and their records', () => {
    const members = samplesOf('membership').find((s) => s.method === 'get' && s.url === 'http://localhost:9001/3.0/members' && (s.response as { entries?: unknown[] })?.entries?.length);
    expect(Object.keys(((members!.response as { entries: Record<string, unknown>[] }).entries[0])!)).toEqual(expect.arrayContaining(['address', 'member_id', 'role', 'list_id']));
    expect(samplesOf('addresses').some((s) => s.method === 'get' && s.url === 'http://localhost:9001/3.0/addresses')).toBe(true);
    expect(samplesOf('lists').some((s) => s.method === 'get' && s.url === 'http://localhost:9001/3.0/domains/example.com/lists')).toBe(true);
  });

  it('the pages as an ApiModel the heuristic planner reads: users paged by count and page, HTTP Basic, your server\'s host a variable', () => {
    const names = ['basic', 'collections', 'users', 'addresses', 'membership', 'lists', 'domains'];
    const model = ApiModel.parse(modelFromPages(names.map((n) => ({ source: `${MAILMAN_REST_DOCS}/${n}.html`, html: readFileSync(`${MAILMAN_REST_DOCS}/${n}.html`, 'utf8') })), { vendor: 'mailman' }));
    expect(model.format).toBe('web-pages');
    expect(model.title).toBe('GNU Mailman 3.3.8 documentation');
    // The samples call localhost: where your server is, a human says.
    expect(model.servers).toMatchObject([{ url: 'http://{host}:9001', variables: [{ name: 'host' }] }]);
    expect(model.security_schemes).toMatchObject([{ key: 'basic', type: 'http', scheme: 'basic', source: { pointer: expect.stringMatching(/^[a-z]/) } }]);
    const gets = model.operations.filter((o) => o.method === 'get').map((o) => o.path);
    expect(gets).toEqual(expect.arrayContaining(['/3.0/users', '/3.0/users/{user_id}', '/3.0/users/{user_id}/addresses', '/3.0/members', '/3.0/addresses', '/3.0/domains', '/3.0/domains/{mail_host}/lists']));
    // Creating a user is a write the page shows: it is the POST, never a read.
    expect(model.operations.some((o) => o.method === 'post' && o.path === '/3.0/users')).toBe(true);
    const plan = planHeuristically(model);
    const users = plan.streams.find((s) => s.path === '/3.0/users');
    expect(users).toMatchObject({ kind: 'human', items_path: 'entries', pagination: { style: 'page' } });
    expect(plan.auth.type).toBe('basic');
    // "All collections automatically support pagination" (collections.html) pages the addresses too (their page shows no paged
    // request); without that page, they are one page. The members' own page shows `?count=1&page=1`: paged either way.
    expect(plan.streams.find((s) => s.path === '/3.0/addresses')).toMatchObject({ pagination: { style: 'page' } });
    expect(plan.streams.find((s) => s.path === '/3.0/members')).toMatchObject({ pagination: { style: 'page' } });
    const without = planHeuristically(modelFromPages(names.filter((n) => n !== 'collections').map((n) => ({ source: `${MAILMAN_REST_DOCS}/${n}.html`, html: readFileSync(`${MAILMAN_REST_DOCS}/${n}.html`, 'utf8') })), { vendor: 'mailman' }));
    expect(without.streams.find((s) => s.path === '/3.0/addresses')?.pagination.style).toBe('none');
    expect(without.streams.find((s) => s.path === '/3.0/members')?.pagination.style).toBe('page');
    // An empty collection is printed without its `entries` (`start: 0`, `total_size: 0`): that answer is the empty list, no other.
    // Every list: the members' page prints more fuller answers than an example keeps, the empty one among them still.
    for (const p of ['/3.0/users', '/3.0/addresses', '/3.0/lists', '/3.0/members']) expect(plan.streams.find((s) => s.path === p)!.empty, p).toEqual({ no_content: false, null_items: false, absent_at_zero: 'total_size' });
    // Users and addresses are people, mailing lists groups, memberships links from an address to its list.
    expect(plan.streams.map((s) => [s.path, s.kind, s.link?.relation ?? null])).toEqual([
      ['/3.0/users', 'human', null],
      ['/3.0/addresses', 'human', null],
      ['/3.0/lists', 'group', null],
      ['/3.0/members', 'group', 'member_of'],
    ]);
    // Every quote the plan makes is the pages' own words.
    expect(checkQuotes(plan, model)).toEqual([]);
  });

  it('`fetchwright generate <a folder of the pages>` proves a connector from them, as a user runs it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-mailman-pages-'));
    const docs = path.join(root, 'docs');
    mkdirSync(docs);
    for (const n of ['basic', 'collections', 'users', 'membership']) copyFileSync(`${MAILMAN_REST_DOCS}/${n}.html`, path.join(docs, `${n}.html`));
    const io = captureIo();
    const code = await main(['generate', docs, '--vendor', 'mailman', '--out', path.join(root, 'out'), '--json'], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state') });
    expect(code, io.err()).toBe(0);
    const out = JSON.parse(io.out()) as { verdict: string; dir: string };
    expect(out.verdict).toBe('pass');
    const plan = JSON.parse(readFileSync(path.join(out.dir, 'plan.json'), 'utf8')) as { streams: { name: string; path: string }[]; auth: { type: string }; assessment: { reasons: string[] } };
    expect(plan.streams.map((s) => s.path)).toEqual(expect.arrayContaining(['/3.0/users']));
    expect(plan.auth.type).toBe('basic');
    expect(JSON.stringify(plan.assessment)).toMatch(/example-only docs: \d+ of \d+ identity operations known from the responses the pages print/);
  }, 120_000);
});

