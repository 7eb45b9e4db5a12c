import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { arrayOf, listOp, openapi, query, USER } from '../helpers/spec.ts';

/**
 * Hostile documents get an error that names the cause and the file, with the exit code of that cause:
 * never blamed on the command line (exit 2), on a `$ref` the document does not have (exit 6), or on a
 * template slot (exit 11).
 */

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function docsFile(name: string, text: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-hostile-'));
  const file = path.join(dir, name);
  await writeFile(file, text);
  return { dir, file };
}

const USERS = { '/users': listOp(arrayOf(USER)) };

/** `depth` nested arrays around `leaf`, built without recursion (JSON.stringify of it would overflow). */
function nestedArrayText(depth: number, leaf = '1'): string {
  return `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
}

function noStackTrace(err: string): void {
  expect(err).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  expect(err).not.toMatch(/internal error/);
}

describe('hostile docs: a server URL no request can use', () => {
  it.each([
    ['port 0', 'https://api.hostile.example:0/v1', /port 0/, 4, 'unreadable-docs'],
    ['credentials in it', 'https://admin:hunter2@api.hostile.example/v1', /user name or password/, 32, 'unsafe-host'],
    ['a scheme other than http(s)', 'ftp://api.hostile.example/v1', /ftp:/, 32, 'unsafe-host'],
    ['a port variable whose default is 0', 'https://api.hostile.example:{port}/v1', /port 0/, 4, 'unreadable-docs'],
  ] as const)('%s: plan and generate exit %i (%s) naming the server, the file and its pointer', async (_, url, cause, exit, code) => {
    const servers = [{ url, ...(url.includes('{port}') ? { variables: { port: { default: '0' } } } : {}) }];
    const { dir, file } = await docsFile('api.json', JSON.stringify(openapi(USERS, { servers })));
    for (const argv of [
      ['plan', file, '--out', path.join(dir, 'plan.json')],
      ['generate', file, '--out', path.join(dir, 'connectors')],
    ]) {
      const r = await run(...argv);
      expect(r.code, `${argv[0]}: ${r.err}`).toBe(exit);
      expect(r.err).toContain(`error[${code}]`);
      expect(r.err).toContain(url.includes('hunter2') ? 'https://[REDACTED]@api.hostile.example/v1' : url);
      expect(r.err).toMatch(cause);
      expect(r.err).toMatch(/in: api\.json at \/servers\/0/);
      expect(r.err).toMatch(/hint: /);
      expect(r.err).not.toMatch(/usage|allowedHosts|allowedOrigins/);
      expect(r.err).not.toContain('hunter2');
      noStackTrace(r.err);
      expect(r.out).toBe('');
    }
    expect(existsSync(path.join(dir, 'plan.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'connectors'))).toBe(false);
  });

  it('an operation-level server is named by its own pointer', async () => {
    const ops = { '/users': { get: { ...(listOp(arrayOf(USER)).get as object), servers: [{ url: 'http://api.hostile.example:0' }] } } };
    const { file } = await docsFile('api.json', JSON.stringify(openapi(ops)));
    const r = await run('plan', file);
    expect(r.code, r.err).toBe(4);
    expect(r.err).toMatch(/in: api\.json at \/paths\/~1users\/get\/servers\/0/);
  });

  it('a usable server with an explicit port still plans', async () => {
    const { file } = await docsFile('api.json', JSON.stringify(openapi(USERS, { servers: [{ url: 'https://api.example.test:8443/v1' }] })));
    const r = await run('plan', file, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).base_url.url).toBe('https://api.example.test:8443/v1');
  });
});

describe('hostile docs: nested deeper than any reader can walk', () => {
  it.each([
    ['JSON', 'api.json', (deep: string) => `{"openapi":"3.0.3","info":{"title":"Deep","version":"1"},"servers":[{"url":"https://api.example.test"}],"x-deep":${deep},"paths":${JSON.stringify(USERS)}}`],
    ['YAML', 'api.yaml', (deep: string) => `openapi: 3.0.3\ninfo: {title: Deep, version: "1"}\nservers: [{url: "https://api.example.test"}]\nx-deep: ${deep}\npaths: ${JSON.stringify(USERS)}\n`],
  ])('a 100,000-deep array in an x- extension (%s) exits 4 "nested too deep", naming the file, not a $ref', async (_, name, doc) => {
    const { file } = await docsFile(name, doc(nestedArrayText(100_000)));
    const r = await run('plan', file);
    expect(r.code, r.err).toBe(4);
    expect(r.err).toMatch(/error\[unreadable-docs\]/);
    expect(r.err).toMatch(new RegExp(`${name.replace('.', '\\.')} is nested too deep to read`));
    expect(r.err).toMatch(new RegExp(`in: ${name.replace('.', '\\.')}`));
    expect(r.err).not.toMatch(/\$ref|call stack/);
    noStackTrace(r.err);
  });

  it('in a split spec, the file that is too deep is the one named', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-hostile-'));
    await writeFile(path.join(dir, 'api.json'), JSON.stringify(openapi({ '/users': listOp({ $ref: 'common.json#/components/schemas/Users' }) })));
    await writeFile(path.join(dir, 'common.json'), `{"components":{"schemas":{"Users":${JSON.stringify(arrayOf(USER))}}},"x-deep":${nestedArrayText(100_000)}}`);
    const r = await run('plan', dir);
    expect(r.code, r.err).toBe(4);
    expect(r.err).toMatch(/common\.json is nested too deep to read/);
    noStackTrace(r.err);
  });

  it('ordinary nesting (a few hundred levels) still reads', async () => {
    const { file } = await docsFile('api.json', `{"openapi":"3.0.3","info":{"title":"T","version":"1"},"servers":[{"url":"https://api.example.test"}],"x-deep":${nestedArrayText(200)},"paths":${JSON.stringify(USERS)}}`);
    const r = await run('plan', file);
    expect(r.code, r.err).toBe(0);
  });
});

describe('hostile docs: a page size that is not a positive integer', () => {
  it.each([
    ['maximum: 0.5', { type: 'integer', maximum: 0.5 }],
    ['maximum: 0', { type: 'integer', maximum: 0 }],
    ['maximum: -5', { type: 'integer', maximum: -5 }],
  ])('%s: the plan leaves the page size out (or uses the default) instead of failing a slot', async (_, schema) => {
    const spec = openapi({ '/users': listOp(arrayOf(USER), { parameters: [query('limit', schema, 'Number of users per page.'), query('offset', { type: 'integer' }, 'Offset of the first user.')] }) });
    const { dir, file } = await docsFile('api.json', JSON.stringify(spec));
    const plan = await run('plan', file, '--json');
    expect(plan.code, plan.err).toBe(0);
    const pagination = JSON.parse(plan.out).streams[0].pagination;
    if (pagination.page_size !== undefined) expect(pagination.page_size).toBeGreaterThanOrEqual(1);
    const generated = await run('generate', file, '--out', path.join(dir, 'connectors'));
    expect(generated.err).not.toMatch(/invalid-slot/);
    expect(generated.code, generated.err).not.toBe(11);
  });
});
