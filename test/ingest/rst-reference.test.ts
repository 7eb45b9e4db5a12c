import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { ApiModel } from '../../agent/ingest/api-model.ts';
import { ingestWithReport } from '../../agent/ingest/ingest.ts';
import { modelFromPages } from '../../agent/ingest/pages/pages-model.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { checkQuotes } from '../../agent/docs-view/quote-check.ts';
import { MAILMAN_REST_DOCS, mailmanDocsMissing } from '../helpers/mailman-docs.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/**
 * reStructuredText references (issue 14: "a local .html/.md/.rst file, or a folder of them"): Mailman
 * 3's REST docs as the Sphinx sources Debian ships beside the HTML (`_sources/…/*.rst.txt`), planned
 * through the CLI and compared with the plan its HTML pages give; and a reference of our own in the
 * style of a Sphinx-written vendor API, generated and proved like its Markdown twin
 * (web-reference-styles.test.ts).
 */

const missing = mailmanDocsMissing();
/** Where Sphinx ships the sources of the HTML pages: `html/_sources/<the page's path>.rst.txt`. */
const MAILMAN_REST_SOURCES = MAILMAN_REST_DOCS.replace('/html/src/', '/html/_sources/src/');
const PAGES = ['basic', 'collections', 'users', 'membership'];

interface Plan {
  streams: { name: string; path: string; kind: string; items_path: string; pagination: { style: string; page_param?: string; size_param?: string } }[];
  auth: { type: string; credentials: { prefix?: string }[] };
}

function scratch(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'fetchwright-rst-'));
}

async function plan(docs: string, root: string, vendor?: string): Promise<{ code: number; err: string; plan?: Plan }> {
  const io = captureIo();
  const code = await main(['plan', docs, ...(vendor ? ['--vendor', vendor] : []), '--json'], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state') });
  return { code, err: io.err(), ...(code === 0 ? { plan: JSON.parse(io.out()) as Plan } : {}) };
}

/** What a plan chose, without its evidence (whose sources name the files read and quote their words). */
function chosen(p: Plan): unknown {
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'evidence' && k !== 'confidence').map(([k, x]) => [k, strip(x)])) : v;
  return { streams: strip(p.streams), auth: strip(p.auth) };
}

async function generate(docs: string) {
  const root = scratch();
  const io = captureIo();
  const code = await main(['generate', docs, '--out', path.join(root, 'out'), '--json'], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state') });
  const out = code === 0 ? (JSON.parse(io.out()) as { verdict: string; dir: string }) : undefined;
  return { code, err: io.err(), out, plan: out ? (JSON.parse(readFileSync(path.join(out.dir, 'plan.json'), 'utf8')) as Plan) : undefined };
}

describe.skipIf(!!missing)(`Mailman 3's REST docs as reStructuredText${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('the sources copied as .rst plan the streams, paging and auth the HTML pages plan: users paged by count and page, HTTP Basic', async () => {
    const root = scratch();
    const rst = path.join(root, 'rst');
    const html = path.join(root, 'html');
    mkdirSync(rst);
    mkdirSync(html);
    for (const n of PAGES) {
      copyFileSync(path.join(MAILMAN_REST_SOURCES, `${n}.rst.txt`), path.join(rst, `${n}.rst`));
      copyFileSync(path.join(MAILMAN_REST_DOCS, `${n}.html`), path.join(html, `${n}.html`));
    }
    const fromRst = await plan(rst, root, 'mailman');
    const fromHtml = await plan(html, root, 'mailman');
    expect(fromRst.code, fromRst.err).toBe(0);
    expect(fromHtml.code, fromHtml.err).toBe(0);
    expect(chosen(fromRst.plan!)).toEqual(chosen(fromHtml.plan!));
    expect(fromRst.plan!.streams.find((s) => s.name === 'users')).toMatchObject({ path: '/3.0/users', items_path: 'entries', pagination: { style: 'page', page_param: 'page', size_param: 'count' } });
    expect(fromRst.plan!.auth.type).toBe('basic');
  }, 120_000);

  it.skipIf(!existsSync(MAILMAN_REST_SOURCES))('the `_sources` folder as shipped (`.rst.txt`) plans what the HTML folder beside it plans', async () => {
    const root = scratch();
    const fromRst = await plan(MAILMAN_REST_SOURCES, root, 'mailman');
    const fromHtml = await plan(MAILMAN_REST_DOCS, root, 'mailman');
    expect(fromRst.code, fromRst.err).toBe(0);
    expect(fromHtml.code, fromHtml.err).toBe(0);
    expect(chosen(fromRst.plan!)).toEqual(chosen(fromHtml.plan!));
    expect(fromRst.plan!.streams.map((s) => s.name)).toContain('users');
  }, 120_000);

  it("the sources as an ApiModel: the HTML pages' requests with the same parameters and printed responses (what the mock is shaped by), and every quote the plan makes is the sources' own words", () => {
    // Each page named alike in both models: their items' sources differ by nothing else.
    const read = (n: string) => ({ source: n, rst: readFileSync(path.join(MAILMAN_REST_SOURCES, `${n}.rst.txt`), 'utf8') });
    const model = ApiModel.parse(modelFromPages(PAGES.map(read), { vendor: 'mailman' }));
    const fromHtml = modelFromPages(PAGES.map((n) => ({ source: n, html: readFileSync(path.join(MAILMAN_REST_DOCS, `${n}.html`), 'utf8') })), { vendor: 'mailman' });
    const requests = (m: ApiModel) => m.operations.map((o) => ({ id: o.id, method: o.method, path: o.path, parameters: o.parameters.map((x) => x.name), responses: o.responses }));
    expect(requests(model)).toEqual(requests(fromHtml));
    expect(requests(model).map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['get /3.0/users', 'get /3.0/members']));
    expect(model.security_schemes).toMatchObject([{ type: 'http', scheme: 'basic' }]);
    const p = planHeuristically(model);
    expect(p.streams.find((s) => s.path === '/3.0/users')).toMatchObject({ kind: 'human', pagination: { style: 'page' } });
    expect(checkQuotes(p, model)).toEqual([]);
  });
});

describe('a reference written in reStructuredText, in the style of a Sphinx-written vendor API', () => {
  const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/rst-reference');

  it('generate passes with what an engineer reading it would choose: users paged by page and per_page with a bearer token, and groups', async () => {
    const r = await generate(FIXTURE);
    expect(r.code, r.err).toBe(0);
    expect(r.out!.verdict).toBe('pass');
    expect(r.plan!.streams.map((s) => [s.path, s.kind, s.items_path, s.pagination.style])).toEqual([
      ['/v1/users', 'human', 'users', 'page'],
      ['/v1/groups', 'group', 'groups', 'none'],
    ]);
    expect(r.plan!.streams[0]!.pagination).toMatchObject({ page_param: 'page', size_param: 'per_page' });
    expect(r.plan!.auth.credentials[0]?.prefix).toBe('Bearer ');
    // The POST under its own title is a write: never a stream.
    expect(r.plan!.streams.some((s) => s.name.includes('create'))).toBe(false);
  }, 120_000);

  it('one .rst file plans as its folder does', async () => {
    const root = scratch();
    const file = await plan(path.join(FIXTURE, 'reference.rst'), root);
    const folder = await plan(FIXTURE, root);
    expect(file.code, file.err).toBe(0);
    expect(chosen(file.plan!)).toEqual(chosen(folder.plan!));
  }, 120_000);

  it('a .rst page that shows no request is refused, naming it a reStructuredText page', async () => {
    const root = scratch();
    const file = path.join(root, 'intro.rst');
    writeFileSync(file, 'Intro\n=====\n\nWelcome to the *Acme* docs.\n');
    const r = await plan(file, root);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/intro\.rst is a reStructuredText page that shows no request fetchwright can read/);
    expect(readdirSync(root)).not.toContain('out');
  });

  it('beside an OpenAPI file, a .rst page is prose read as Markdown pages are: its sections on auth and paging, quoted from its own lines', async () => {
    const dir = scratch();
    const spec = { openapi: '3.0.0', info: { title: 'Acme', version: '1' }, servers: [{ url: 'https://api.acme.example' }], paths: { '/v1/users': { get: { responses: { '200': { description: 'ok' } } } } } };
    writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(spec));
    copyFileSync(path.join(FIXTURE, 'reference.rst'), path.join(dir, 'guide.rst'));
    const { model, documents } = await ingestWithReport(dir);
    expect(model.format).toBe('openapi-3.0');
    const lines = readFileSync(path.join(FIXTURE, 'reference.rst'), 'utf8').split('\n');
    const auth = model.prose.find((p) => p.source.file === 'guide.rst' && p.topics.includes('auth'));
    expect(auth?.text).toMatch(/^Authentication\n==============\n\nSend your API token/);
    expect(lines[Number(auth!.source.pointer.slice(1)) - 1]).toBe('Authentication');
    const paging = model.prose.find((p) => p.source.file === 'guide.rst' && p.text.startsWith('Paging\n'));
    expect(paging?.topics).toContain('pagination');
    // The title section says nothing of these topics: it is not prose the planner reads.
    expect(model.prose.some((p) => p.text.includes('Acme Directory API\n=='))).toBe(false);
    expect(documents.find((d) => d.file === 'guide.rst')).toMatchObject({ use: 'prose', note: expect.stringMatching(/^reStructuredText page: \d+ sections on /) });
    expect(model.documents).toContainEqual(expect.objectContaining({ file: 'guide.rst', kind: 'rst' }));
  });
});
