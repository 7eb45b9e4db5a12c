import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection } from '../../test/helpers/rejection.ts';
import { vendorDoc, VENDOR_DOCS } from '../../test/helpers/vendor-docs.ts';
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

/** A Swagger 2.0 root with one list path; `host`/`basePath` as given (undefined leaves them out). */
function swagger(p: string, opts: { title: string; host?: string; basePath?: string }): object {
  return {
    swagger: '2.0',
    info: { title: opts.title, version: '1' },
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.basePath ? { basePath: opts.basePath } : {}),
    paths: { [p]: { get: { responses: { '200': { description: 'ok', schema: { type: 'array', items: user } } } } } },
  };
}

const common = { components: { schemas: { User: user } } };
const viaCommon = 'common.json#/components/schemas/User';

/** The folder's refusal: code, exit code, and the listing's lines (one per API when short). */
async function refused(files: Record<string, string | object>): Promise<{ message: string; hint: string; apis: string[] }> {
  const dir = await docs(files);
  const e = await rejection(ingest(dir));
  expect(e).toMatchObject({ code: 'several-apis', exitCode: 26 });
  return { message: e.message, hint: e.details.hint!, apis: e.message.split('\n').filter((l) => l.startsWith('  - ')) };
}

/** The folder reads as one API: every file's operation is in the model. */
async function merged(files: Record<string, string | object>): Promise<void> {
  const model = await ingest(await docs(files));
  const roots = Object.values(files).filter((f) => typeof f === 'object' && 'paths' in f).length;
  expect(model.operations).toHaveLength(roots);
}

describe('a folder of several APIs is refused, listing each', () => {
  it('the real vendor-docs folder: several-apis (exit 26), each API with its file, title and server', async () => {
    const e = await rejection(ingest(VENDOR_DOCS));
    expect(e).toMatchObject({ code: 'several-apis', exitCode: 26, details: { file: VENDOR_DOCS } });
    expect(e.message).toMatch(/holds 11 different APIs, told apart by their servers' hosts, titles and \$refs; a connector reads one API:/);
    expect(e.message).toContain('  - okta.yaml: "Okta Admin Management API", server https://{yourOktaDomain}');
    expect(e.message).toContain('  - slack.json: "Slack Web API", server slack.com/api');
    expect(e.message).toContain('  - kubernetes.json: "Kubernetes", no server');
    expect(e.message).toContain('  - jupyterhub/jupyterhub-3.0.0-rest-api.yml: "JupyterHub", server /hub/api');
    expect(e.message).toContain('  - datadog.yaml: "Datadog API V1 Collection", server https://{subdomain}.{site} and 1 more');
    // Snowflake's bundled file and its split tree share a host: one API, the tree counted as a folder.
    expect(e.message).toMatch(/ {2}- snowflake\.yaml, split\/snowflake\/specifications\/ \(47 files\)\n {6}"Snowflake User API" and 46 other titles, server https:\/\/org-account\.snowflakecomputing\.com/);
    expect(e.details.hint).toContain(`e.g. ${path.join(VENDOR_DOCS, 'datadog.yaml')}`);
    expect(e.render().split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(11);
  });

  it('one API split over many files still reads as one (Snowflake: per-file titles and versions, five files without servers tied by common.yaml)', async () => {
    const { model, documents } = await ingestWithReport(vendorDoc('split/snowflake'));
    expect(model.vendor).toBe('snowflake');
    expect(documents.filter((d) => d.use === 'spec')).toHaveLength(47);
    expect(documents.find((d) => d.file === path.join('specifications', 'cortex-embed.yaml'))).toMatchObject({ use: 'spec', title: 'Cortex Embed API' });
  });

  it('two vendors, each with its host', async () => {
    const { apis } = await refused({
      'acme.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test/v1'] }),
      'globex.json': spec('/members', { title: 'Globex API', servers: ['https://api.globex.test'] }),
    });
    expect(apis).toEqual(['  - acme.json: "Acme API", server https://api.acme.test/v1', '  - globex.json: "Globex API", server https://api.globex.test']);
  });

  it('the hint states the rule that told them apart (hosts first, then $refs and titles)', async () => {
    const { hint } = await refused({
      'acme.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'] }),
      'globex.json': spec('/members', { title: 'Globex API', servers: ['https://api.globex.test'] }),
    });
    expect(hint).toMatch(/e\.g\. .*acme\.json\. Files are read as one API when their servers name the same domain \(api\.acme\.com and scim\.acme\.com\), whatever their base paths; a file whose servers name no public host \(none, localhost, https:\/\/\{host\}\) joins the files it shares a \$ref'd file or its exact title with\.$/);
  });
});

describe('what the attacker merged although the vendors differ is refused', () => {
  it('g1: two Swagger 2.0 files with no host and the same base path /api/v1 (Gitea, Gogs): a base path is no identity', async () => {
    const { apis } = await refused({
      'gitea.json': swagger('/admin/users', { title: 'Gitea API', basePath: '/api/v1' }),
      'gogs.json': swagger('/orgs/{org}/members', { title: 'Gogs', basePath: '/api/v1' }),
    });
    expect(apis).toEqual(['  - gitea.json: "Gitea API", server /api/v1', '  - gogs.json: "Gogs", server /api/v1']);
  });

  it('g2: two self-hosted vendors on https://{host}/api/v4 (GitLab, Mattermost): a placeholder host is no identity', async () => {
    const { apis } = await refused({
      'gitlab.json': spec('/users', { title: 'GitLab API', servers: ['https://{host}/api/v4'] }),
      'mattermost.json': spec('/teams', { title: 'Mattermost API Reference', servers: ['https://{host}/api/v4'] }),
    });
    expect(apis).toHaveLength(2);
  });

  it('g3: titles equal in their first 79 characters are compared in full, and listed so the difference shows', async () => {
    const long = 'Enterprise Identity Governance and Administration Platform REST Interface Reference Guide';
    const { apis } = await refused({ 'a.json': spec('/users', { title: `${long} for Acme` }), 'b.json': spec('/accounts', { title: `${long} for Zenith` }) });
    expect(apis).toEqual([
      '  - a.json: "Enterprise Identity Governance and Administration Pl…ce Reference Guide for Acme", no server',
      '  - b.json: "Enterprise Identity Governance and Administration Pl…Reference Guide for Zenith", no server',
    ]);
  });

  it('g7: Keycloak and Jenkins both list springdoc\'s http://localhost:8080 beside an example.* host: neither names a vendor', async () => {
    const springdoc = { url: 'http://localhost:8080', description: 'Generated server url' };
    const withServers = (s: object, urls: object[]) => ({ ...s, servers: urls });
    const { apis } = await refused({
      'keycloak.json': withServers(spec('/users', { title: 'Keycloak Admin REST API' }), [{ url: 'https://keycloak.example.test/admin' }, springdoc]),
      'jenkins.json': withServers(spec('/groups', { title: 'Jenkins API' }), [{ url: 'https://ci.example.test' }, springdoc]),
    });
    expect(apis).toEqual(['  - jenkins.json: "Jenkins API", server https://ci.example.test and 1 more', '  - keycloak.json: "Keycloak Admin REST API", server https://keycloak.example.test/admin and 1 more']);
  });
});

describe('what the attacker saw refused although it is one API merges', () => {
  it('g4: the same title and host, a shared $ref\'d common.json, different base paths (/scim/v2, /api/v1)', () =>
    merged({
      'common.json': common,
      'scim.json': spec('/Users', { title: 'Acme API', servers: ['https://api.acme.test/scim/v2'], ref: viaCommon }),
      'rest.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test/api/v1'], ref: viaCommon }),
    }));

  it('g5: https://api.acme.test:443/v1/ and https://api.acme.test/v1 (the default port written out)', () =>
    merged({
      'users.json': spec('/users', { title: 'Acme Users', servers: ['https://api.acme.test/v1'] }),
      'groups.json': spec('/groups', { title: 'Acme Groups', servers: ['https://api.acme.test:443/v1/'] }),
    }));

  it('g6: {account} and {account_identifier} in otherwise identical server templates', () =>
    merged({
      'users.json': spec('/users', { title: 'Snow Users', servers: ['https://{account}.snow.test/api/v2'] }),
      'roles.json': spec('/roles', { title: 'Snow Roles', servers: ['https://{account_identifier}.snow.test/api/v2'] }),
    }));
});

describe('evidence 1: a public host decides', () => {
  it('the same registrable domain under different subdomains, titles and base paths is one API', () =>
    merged({
      'rest.json': spec('/users', { title: 'Acme Web API', servers: ['https://api.acme.test/v2'] }),
      'scim.json': spec('/Users', { title: 'Acme SCIM', servers: ['https://scim.acme.test/scim/v2'] }),
    }));

  it('a Swagger host + basePath and an OpenAPI server on the same host', () =>
    merged({ 'users.json': swagger('/users', { title: 'Users', host: 'api.acme.test', basePath: '/v1' }), 'groups.json': spec('/groups', { title: 'Groups', servers: ['https://API.acme.test/v1'] }) }));

  it('a server variable counts with its default: Datadog-style v1 and v2 files on https://{subdomain}.{site} are one API', () => {
    const datadog = { url: 'https://{subdomain}.{site}', variables: { subdomain: { default: 'api' }, site: { default: 'datadoghq.test', enum: ['datadoghq.test', 'datadoghq.eu'] } } };
    return merged({
      'v1.json': { ...spec('/api/v1/users', { title: 'Datadog API V1 Collection' }), servers: [datadog] },
      'v2.json': { ...spec('/api/v2/users', { title: 'Datadog API V2 Collection' }), servers: [datadog, { url: '{protocol}://{name}' }] },
    });
  });

  it('a default that names nobody (localhost, an example.* host) is still no host', async () => {
    const { apis } = await refused({
      'gitlab.json': { ...spec('/users', { title: 'GitLab API' }), servers: [{ url: 'https://{host}/api/v4', variables: { host: { default: 'gitlab.example.com' } } }] },
      'mattermost.json': { ...spec('/teams', { title: 'Mattermost API Reference' }), servers: [{ url: 'https://{host}/api/v4', variables: { host: { default: 'localhost' } } }] },
      'gitea.json': { ...spec('/admin/users', { title: 'Gitea API' }), servers: [{ url: 'https://{host}/api/v1', variables: { host: { default: 'gitlab.example.com' } } }] },
    });
    expect(apis).toHaveLength(3);
  });

  it('the same title and a shared $ref\'d file do not outweigh two different hosts', async () => {
    const { apis } = await refused({
      'common.json': common,
      'acme.json': spec('/users', { title: 'Identity API', servers: ['https://api.acme.test'], ref: viaCommon }),
      'globex.json': spec('/members', { title: 'Identity API', servers: ['https://api.globex.test'], ref: viaCommon }),
    });
    expect(apis).toHaveLength(2);
  });

  it('under a country\'s generic second level (co.uk), the registrable domain is three labels', async () => {
    const { apis } = await refused({
      'acme.json': spec('/users', { title: 'Acme', servers: ['https://api.acme.co.uk'] }),
      'globex.json': spec('/members', { title: 'Globex', servers: ['https://api.globex.co.uk'] }),
    });
    expect(apis).toHaveLength(2);
  });

  it('on a shared cloud host (*.herokuapp.com), the whole host names the owner', async () => {
    const { apis } = await refused({
      'acme.json': spec('/users', { title: 'Acme', servers: ['https://acme.herokuapp.com'] }),
      'globex.json': spec('/members', { title: 'Globex', servers: ['https://globex.herokuapp.com'] }),
    });
    expect(apis).toHaveLength(2);
  });
});

describe('evidence 2: without a public host, a shared $ref\'d file or the same full title ties', () => {
  it('a file without servers joins the hosted file whose title it carries', () =>
    merged({ 'users.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'] }), 'groups.json': spec('/groups', { title: 'acme  API' }) }));

  it('a file without servers joins the hosted file it shares a $ref\'d file with, whatever its title', () =>
    merged({
      'users.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'], ref: viaCommon }),
      'search.json': spec('/search/users', { title: 'Search Service', ref: viaCommon }),
      'common.json': common,
    }));

  it('a shared first title word is no tie ("Microsoft Graph", "Microsoft Teams")', async () => {
    const { apis } = await refused({ 'graph.json': spec('/users', { title: 'Microsoft Graph' }), 'teams.json': spec('/teams', { title: 'Microsoft Teams' }) });
    expect(apis).toEqual(['  - graph.json: "Microsoft Graph", no server', '  - teams.json: "Microsoft Teams", no server']);
  });

  it('a generator\'s default title ("OpenAPI definition") or one of generic words only ("REST API") is no tie', async () => {
    const localhost = ['http://localhost:8080'];
    expect((await refused({ 'a.json': spec('/users', { title: 'OpenAPI definition', servers: localhost }), 'b.json': spec('/groups', { title: 'OpenAPI definition', servers: localhost }) })).apis).toHaveLength(2);
    expect((await refused({ 'a.json': spec('/users', { title: 'REST API' }), 'b.json': spec('/groups', { title: 'REST API' }) })).apis).toHaveLength(2);
  });

  it('a titled file tied to nothing is an API of its own, listed', async () => {
    const { apis } = await refused({
      'acme.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'] }),
      'cluster.json': spec('/serviceaccounts', { title: 'Kubernetes', servers: ['https://localhost:6443'] }),
    });
    expect(apis).toEqual(['  - acme.json: "Acme API", server https://api.acme.test', '  - cluster.json: "Kubernetes", server https://localhost:6443']);
  });

  it('a file tied to two different hosted APIs joins neither: three APIs', async () => {
    const { apis } = await refused({
      'acme.json': spec('/users', { title: 'Identity API', servers: ['https://api.acme.test'] }),
      'globex.json': spec('/members', { title: 'Globex', servers: ['https://api.globex.test'], ref: viaCommon }),
      'common.json': common,
      'loose.json': spec('/accounts', { title: 'Identity API', ref: viaCommon }),
    });
    expect(apis).toHaveLength(3);
    expect(apis[2]).toBe('  - loose.json: "Identity API", no server');
  });
});

describe('evidence 3: a file with neither a public host nor a title', () => {
  it('joins the only API', () =>
    merged({ 'users.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'] }), 'groups.json': spec('/groups', { servers: ['http://127.0.0.1:8080'] }) }));

  it('files with neither titles nor servers are one API', () => merged({ 'users.json': spec('/users'), 'groups.json': spec('/groups') }));

  it('beside two APIs, it is listed on its own', async () => {
    const { apis } = await refused({
      'acme.json': spec('/users', { title: 'Acme API', servers: ['https://api.acme.test'] }),
      'globex.json': spec('/members', { title: 'Globex API', servers: ['https://api.globex.test'] }),
      'anon.json': spec('/groups'),
    });
    expect(apis).toEqual(['  - acme.json: "Acme API", server https://api.acme.test', '  - anon.json: no title, no server', '  - globex.json: "Globex API", server https://api.globex.test']);
  });
});
