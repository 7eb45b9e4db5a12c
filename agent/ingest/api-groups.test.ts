import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection } from '../../test/helpers/rejection.ts';
import { vendorDoc, VENDOR_DOCS } from '../../test/helpers/vendor-docs.ts';
import { serverKey } from './api-groups.ts';
import { ingest, ingestWithReport } from './ingest.ts';

/** Writes files (objects as JSON, strings verbatim) into a fresh folder; returns its path. */
async function docs(files: Record<string, string | object>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-apis-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const list = (ref = '#/components/schemas/User') => ({
  get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { $ref: ref } } } } } } },
});
const user = { type: 'object', properties: { id: { type: 'string' } } };

/** An OpenAPI 3 root with one list path; `info`/`servers` as given (undefined leaves them out). */
function spec(p: string, opts: { title?: string; servers?: string[]; ref?: string } = {}): object {
  return {
    openapi: '3.0.3',
    info: { ...(opts.title !== undefined ? { title: opts.title } : {}), version: '1' },
    ...(opts.servers ? { servers: opts.servers.map((url) => ({ url })) } : {}),
    paths: { [p]: list(opts.ref) },
    components: { schemas: { User: user } },
  };
}

describe('a folder of several APIs is refused, listing each', () => {
  it('the real vendor-docs folder: several-apis (exit 26), each API with its file, title and server', async () => {
    const e = await rejection(ingest(VENDOR_DOCS));
    expect(e).toMatchObject({ code: 'several-apis', exitCode: 26, details: { file: VENDOR_DOCS } });
    expect(e.message).toMatch(/holds 11 different APIs, told apart by their servers and titles; a connector reads one API:/);
    expect(e.message).toContain('  - okta.yaml: "Okta Admin Management API", server https://{yourOktaDomain}');
    expect(e.message).toContain('  - slack.json: "Slack Web API", server slack.com/api');
    expect(e.message).toContain('  - kubernetes.json: "Kubernetes", no server');
    expect(e.message).toContain('  - jupyterhub/jupyterhub-3.0.0-rest-api.yml: "JupyterHub", server /hub/api');
    // Snowflake's bundled file and its split tree share a server: one API, the tree counted as a folder.
    expect(e.message).toMatch(/ {2}- snowflake\.yaml, split\/snowflake\/specifications\/ \(47 files\)\n {6}"Snowflake User API" and 46 other titles, server https:\/\/org-account\.snowflakecomputing\.com/);
    expect(e.details.hint).toContain(`e.g. ${path.join(VENDOR_DOCS, 'datadog.yaml')}`);
    expect(e.render().split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(11);
  });

  it('one API split over many files still reads as one (Snowflake: per-file titles and versions, some files without servers)', async () => {
    const { model, documents } = await ingestWithReport(vendorDoc('split/snowflake'));
    expect(model.vendor).toBe('snowflake');
    expect(documents.filter((d) => d.use === 'spec')).toHaveLength(47);
    expect(documents.find((d) => d.file === path.join('specifications', 'cortex-embed.yaml'))).toMatchObject({ use: 'spec', title: 'Cortex Embed API' });
  });

  it('two vendors, each with its server', async () => {
    const dir = await docs({
      'acme.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test/v1'] }),
      'globex.json': spec('/members', { title: 'Globex API', servers: ['https://api.globex.test'] }),
    });
    const e = await rejection(ingest(dir));
    expect(e.code).toBe('several-apis');
    expect(e.message).toContain('  - acme.json: "Acme API", server https://api.acme.test/v1\n  - globex.json: "Globex API", server https://api.globex.test');
  });

  it('the same title on two servers is two APIs: servers decide', async () => {
    const dir = await docs({
      'v1.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test/v1'] }),
      'v2.json': spec('/people', { title: 'Acme API', servers: ['https://api.acme.test/v2'] }),
    });
    expect((await rejection(ingest(dir))).code).toBe('several-apis');
  });

  it('a spec without a server, not tied to the other by title or $ref, is an API of its own', async () => {
    const dir = await docs({
      'acme.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'] }),
      'cluster.json': spec('/serviceaccounts', { title: 'Kubernetes' }),
    });
    const e = await rejection(ingest(dir));
    expect(e.message).toContain('  - cluster.json: "Kubernetes", no server');
  });

  it('a host that is only a placeholder says nothing of the API: two vendors on https://{host} are still two', async () => {
    const dir = await docs({
      'a.json': spec('/users', { title: 'Acme API', servers: ['https://{host}'] }),
      'b.json': spec('/members', { title: 'Globex API', servers: ['https://{host}'] }),
    });
    expect((await rejection(ingest(dir))).code).toBe('several-apis');
  });
});

describe('a split spec of one API still merges', () => {
  const cases: [string, Record<string, string | object>][] = [
    ['the same server, different titles', { 'users.json': spec('/users', { title: 'Acme Users API', servers: ['https://api.acme.test'] }), 'groups.json': spec('/groups', { title: 'Acme Groups API', servers: ['https://api.acme.test'] }) }],
    ['the same server written with another scheme, case and trailing slash', { 'users.json': spec('/users', { title: 'Users', servers: ['https://API.acme.test/v1/'] }), 'groups.json': spec('/groups', { title: 'Groups', servers: ['http://api.acme.test/v1'] }) }],
    ['a Swagger host + basePath and an OpenAPI server', {
      'users.json': { swagger: '2.0', info: { title: 'Users', version: '1' }, host: 'api.acme.test', basePath: '/v1', paths: { '/users': { get: { responses: { '200': { description: 'ok', schema: { type: 'array', items: user } } } } } } },
      'groups.json': spec('/groups', { title: 'Groups', servers: ['https://api.acme.test/v1'] }),
    }],
    ['one file without servers, with the same title', { 'users.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'] }), 'groups.json': spec('/groups', { title: 'Acme API' }) }],
    ['one file without servers, with the same leading title word', { 'users.json': spec('/users', { title: 'Acme Users API', servers: ['https://api.acme.test'] }), 'groups.json': spec('/groups', { title: 'Acme Groups' }) }],
    ['one file with neither a title nor servers', { 'users.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'] }), 'groups.json': spec('/groups') }],
    ['files without servers whose titles differ, tied by a shared $ref\'d file', {
      'users.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'], ref: 'common.json#/components/schemas/User' }),
      'search.json': spec('/search/users', { title: 'Search Service', ref: 'common.json#/components/schemas/User' }),
      'common.json': { components: { schemas: { User: user } } },
    }],
    ['two files with neither titles nor servers', { 'users.json': spec('/users'), 'groups.json': spec('/groups') }],
  ];
  for (const [what, files] of cases) {
    it(what, async () => {
      const model = await ingest(await docs(files));
      expect(model.operations.length).toBeGreaterThanOrEqual(2);
    });
  }
});

describe('serverKey', () => {
  it('keeps host and base path, drops scheme, case of the host and a trailing slash; a bare placeholder or / is no key', () => {
    expect(serverKey('https://API.Example.test/v1/')).toBe('api.example.test/v1');
    expect(serverKey('{protocol}://{name}/api')).toBe('{name}/api');
    expect(serverKey('/hub/api')).toBe('/hub/api');
    expect(serverKey('https://{yourOktaDomain}')).toBeUndefined();
    expect(serverKey('/')).toBeUndefined();
  });
});
