import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

const EXAMPLE = path.join(REPO_ROOT, 'examples/jupyterhub');

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function tmp(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'fetchwright-cli-'));
}

describe('fetchwright plan', () => {
  it('--json prints the plan contract other tools read', async () => {
    const { code, out } = await run('plan', EXAMPLE, '--json');
    expect(code).toBe(0);
    const plan = JSON.parse(out);
    expect(ConnectorPlan.safeParse(plan).success).toBe(true);
    expect(plan.vendor).toBe('jupyterhub');
    expect(plan.auth).toMatchObject({ type: 'api_key', in: 'header', name: 'Authorization', prefix: 'token ' });
    const users = plan.streams.find((s: { path: string }) => s.path === '/users');
    expect(users).toMatchObject({ name: 'users', method: 'GET', kind: 'human', items_path: '', pagination: { style: 'offset' }, parent: null });
    expect(plan.assessment).toMatchObject({ verdict: 'generate' });
  });

  it('prints a readable table with the decisions and their evidence by default', async () => {
    const { code, out } = await run('plan', EXAMPLE);
    expect(code).toBe(0);
    expect(out).toMatch(/auth\s+an API key, sent in the Authorization header as "token <credential>"/);
    expect(out).toMatch(/user_tokens\s+token\s+\/users\/\{name\}\/tokens/);
    expect(out).toMatch(/^ {2}why\n {4}· GET \/users lists users/m);
  });

  it('--out writes the same plan to a file', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'plan.json');
    const { code, out } = await run('plan', EXAMPLE, '--json', '--out', file);
    expect(code).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(out));
  });
});

describe('fetchwright plan: bad input gets one message, a distinct exit code, and no output file', () => {
  const cases: [string, (dir: string) => Promise<string>, number, RegExp][] = [
    ['a missing file', async (dir) => path.join(dir, 'nope.yaml'), 3, /no such file or folder/],
    ['broken YAML', async (dir) => write(dir, 'api.yaml', 'openapi: 3.0.0\npaths: [\n'), 4, /api\.yaml is not valid YAML[\s\S]*line \d+/],
    ['broken JSON', async (dir) => write(dir, 'api.json', '{"openapi": "3.0.0",'), 4, /api\.json is not valid JSON/],
    ['not a spec', async (dir) => write(dir, 'x.yaml', 'hello: world\n'), 5, /not an OpenAPI 3\.x or Swagger 2\.0 description/],
    ['an unresolvable $ref', async (dir) => write(dir, 'api.json', JSON.stringify({ openapi: '3.0.0', info: { title: 'T', version: '1' }, paths: { '/users': { get: { responses: { '200': { $ref: '#/nowhere' } } } } } })), 6, /\$ref "#\/nowhere" points at nothing[\s\S]*api\.json at \/paths\/~1users\/get\/responses\/200/],
    ['a spec with no identity operations', async (dir) => write(dir, 'api.json', JSON.stringify({ openapi: '3.0.0', info: { title: 'Weather', version: '1' }, paths: { '/forecasts': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } } } } } } } } } })), 7, /no operation in these docs lists identities/],
  ];

  for (const [what, make, exit, message] of cases) {
    it(what, async () => {
      const dir = await tmp();
      const docs = await make(dir);
      const out = path.join(dir, 'plan.json');
      const r = await run('plan', docs, '--out', out);
      expect(r.code).toBe(exit);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
      expect(r.out).toBe('');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('usage errors exit 2', async () => {
    expect((await run('plan')).code).toBe(2);
    expect((await run('plan', EXAMPLE, '--bogus')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });
});

async function write(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}
