import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection } from '../../test/helpers/rejection.ts';
import { hashJson } from '../hash.ts';
import { ingest, ingestWithReport } from './ingest.ts';

async function docs(files: Record<string, string | object>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-report-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const API = {
  openapi: '3.0.3',
  info: { title: 'Acme Admin API', version: '1' },
  servers: [{ url: 'https://api.acme.test' }],
  paths: {
    '/users': { get: { responses: { '200': { $ref: 'shared/common.json#/components/responses/Users' } } } },
    '/groups': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { $ref: 'schemas/group.json' } } } } } } } },
  },
};

const FOLDER = {
  'api.json': API,
  'shared/common.json': { components: { responses: { Users: { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } } } } } } } },
  // A bare schema file: not a spec nor a components file, so the listing skips it, but a $ref reads it.
  'schemas/group.json': { type: 'object', properties: { id: { type: 'string' } } },
  'unused/components.yaml': 'components:\n  schemas:\n    Old: { type: object }\n',
  'empty.yaml': 'openapi: 3.0.0\ninfo: { title: Webhooks, version: "1" }\npaths: {}\n',
  'guide.md': '# Pagination\nUse the limit parameter and the Link header to page.\n\n# Changelog\nNothing here.\n',
  'about.md': '# About\nWho we are.\n',
  'page.html': '<h1>Auth</h1><p>Send your token in the Authorization header as a Bearer token.</p><p hidden>Rate limits: none, ever.</p>',
  'notes.txt': 'notes',
  '.env': 'SECRET=1',
  '.github/workflows/ci.yml': 'on: push\n',
  'ci.yml': 'on: push\njobs: {}\n',
  'broken.yaml': 'a: [unclosed\n',
};

describe('ingestWithReport: what was done with every file under the docs path', () => {
  it('reads specs as roots, $ref targets as components, Markdown and HTML pages as prose, and says why the rest was skipped', async () => {
    const dir = await docs(FOLDER);
    await symlink(path.join(dir, 'notes.txt'), path.join(dir, 'link.json'));
    const { model, documents } = await ingestWithReport(dir);
    expect(model.operations).toHaveLength(2);
    const by = Object.fromEntries(documents.map((d) => [d.file, d]));
    expect(by['api.json']).toEqual({ file: 'api.json', use: 'spec', title: 'Acme Admin API', note: 'OpenAPI 3.0, 2 paths' });
    expect(by[path.join('shared', 'common.json')]).toEqual({ file: path.join('shared', 'common.json'), use: 'ref-target', note: 'components, used through $ref by api.json' });
    expect(by[path.join('schemas', 'group.json')]).toMatchObject({ use: 'ref-target', note: 'components, used through $ref by api.json' });
    expect(by[path.join('unused', 'components.yaml')]).toMatchObject({ use: 'skipped', note: "components that no spec's $ref uses" });
    expect(by['empty.yaml']).toMatchObject({ use: 'skipped', note: "OpenAPI 3.0 description without paths, and no spec's $ref uses it" });
    expect(by['guide.md']).toMatchObject({ use: 'prose', note: 'Markdown page: 1 section on pagination' });
    expect(by['about.md']).toMatchObject({ use: 'prose', note: 'Markdown page: no section on pagination, rate limits, errors or auth' });
    // An HTML page beside a description is read as the Markdown pages are: what its sections a reader sees say of auth, paging, errors, rate limits.
    expect(by['page.html']).toMatchObject({ use: 'prose', note: 'HTML page: 1 section on auth' });
    expect(model.prose.some((p) => p.source.file === 'page.html' && /Bearer token/.test(p.text))).toBe(true);
    expect(by['notes.txt']).toMatchObject({ use: 'skipped', note: 'not JSON, YAML or Markdown' });
    expect(by['.env']).toMatchObject({ use: 'skipped', note: 'hidden file' });
    expect(by['.github/']).toMatchObject({ use: 'skipped', note: 'hidden folder, not searched' });
    expect(by['ci.yml']).toMatchObject({ use: 'skipped', note: 'YAML that is neither an OpenAPI/Swagger description nor a file of components' });
    expect(by['broken.yaml']).toMatchObject({ use: 'skipped', note: 'not valid YAML, and it does not say it is an OpenAPI or Swagger description' });
    expect(by['link.json']).toMatchObject({ use: 'skipped', note: 'symbolic link, not followed' });
    expect(documents.map((d) => d.file)).toEqual([...documents.map((d) => d.file)].sort((a, b) => a.localeCompare(b)));
  });

  it('a single file: the file, and the sibling files its $refs read', async () => {
    const dir = await docs(FOLDER);
    const { documents } = await ingestWithReport(path.join(dir, 'api.json'));
    expect(documents.map((d) => [d.file, d.use])).toEqual([
      ['api.json', 'spec'],
      [path.join('schemas', 'group.json'), 'ref-target'],
      [path.join('shared', 'common.json'), 'ref-target'],
    ]);
  });

  it('leaves the ApiModel as ingest makes it: the report is not hashed, and a file it skips does not change the hash', async () => {
    const dir = await docs(FOLDER);
    const before = await ingest(dir);
    const { model } = await ingestWithReport(dir);
    expect(hashJson(model)).toBe(hashJson(before));
    await writeFile(path.join(dir, 'more-notes.txt'), 'x');
    expect(hashJson(await ingest(dir))).toBe(hashJson(before));
  });
});

describe('a folder with nothing to read', () => {
  it('an empty folder is input-not-found (exit 3), naming the folder', async () => {
    const dir = await docs({});
    const e = await rejection(ingest(dir));
    expect(e).toMatchObject({ code: 'input-not-found', exitCode: 3, details: { file: dir } });
    expect(e.message).toBe(`nothing to read in ${dir}: the folder holds no JSON, YAML or Markdown files (it is empty)`);
  });

  it('a folder of other files says what it holds', async () => {
    const dir = await docs({ 'notes.txt': 'x', '.hidden.yaml': 'openapi: 3.0.0' });
    const e = await rejection(ingest(dir));
    expect(e).toMatchObject({ code: 'input-not-found', exitCode: 3 });
    expect(e.message).toContain('holds no JSON, YAML or Markdown files (it holds 2 other entries: .hidden.yaml, hidden file; notes.txt, not JSON, YAML or Markdown)');
  });

  it('a folder of YAML that is not a spec is not-a-spec (exit 5), naming each file and why', async () => {
    const dir = await docs({ 'ci.yml': 'on: push\n', 'README.md': '# Hello\n' });
    const e = await rejection(ingest(dir));
    expect(e).toMatchObject({ code: 'not-a-spec', exitCode: 5 });
    expect(e.message).toBe(`no OpenAPI 3.x or Swagger 2.0 description with paths, and no page showing a request, found under ${dir}; it holds README.md (a Markdown page), ci.yml (YAML that is neither an OpenAPI/Swagger description nor a file of components)`);
  });
});
