import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { SchemaView } from '../../agent/docs-view/schema-view.ts';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { declaredHeaders } from '../../agent/plan/declared-headers.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { compileFetcher } from '../../agent/render/compile-fetcher.ts';
import { renderFetcher } from '../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../agent/render/slots-from-plan.ts';
import { expectedStreams } from '../../agent/validate/expected.ts';
import { validateConnector } from '../../agent/validate/run-validation.ts';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import { createMockVendor } from '../../synthetic-data/mock-api/mock-vendor.ts';
import { generateRecords } from '../../synthetic-data/generate-records.ts';
import { IdentityRecord } from '../../templates/canonical.ts';
import { errorIds } from '../helpers/findings.ts';
import { connectorsRepo } from '../helpers/git-repo.ts';

/**
 * Docs read the way a person reads them, proved end to end: operations keyed by method and path
 * when operationIds repeat (field case 19's class), each record's kind from a discriminator the docs
 * give, and a `$ref` beside `type: array` (field case 21's class). Each spec is built here, in other
 * spellings than the shared cases, and generated, proved, and run against a hand-written double.
 */

const SERVER = 'https://api.docs-reading.example';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function docsFile(spec: object, name = 'spec.yaml'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-docs-reading-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  await writeFile(file, name.endsWith('.json') ? JSON.stringify(spec) : toYaml(spec));
  return file;
}

const openapi = (paths: object, schemas: object) => ({ openapi: '3.0.3', info: { title: 'Docs Reading API', version: '1' }, servers: [{ url: SERVER }], security: [{ token: [] }], paths, components: { schemas, securitySchemes: { token: { type: 'http', scheme: 'bearer' } } } });
const list = (operationId: string, schema: object) => ({ get: { operationId, summary: `List ${operationId}`, responses: { 200: { description: 'OK', content: { 'application/json': { schema } } } } } });

/** Runs a generated fetcher against a hand-written double; returns the identity records. */
async function runAgainst(plan: ConnectorPlan, fetcher: string, answer: (url: URL) => Response): Promise<IdentityRecord[]> {
  const compiled = compileFetcher(fetcher);
  if (!compiled.ok) throw new Error(compiled.message);
  const result = await runFetcher({
    source: compiled.js,
    input: { base_url: SERVER, tenant_variables: {}, max_pages_per_stream: 100, max_records: 10_000, retry: { max_attempts: 1, base_delay_ms: 0, max_delay_ms: 0 } },
    sleepScale: 0,
    egress: { allowedOrigins: [SERVER], allowedHeaders: declaredHeaders(plan), allowedMethods: ['GET'], maxRequests: 100, injectAuth: () => Object.fromEntries(plan.auth.credentials.map((c) => [c.name, `${c.prefix}t0ken`])), fetchImpl: async (r) => answer(new URL(r.url)) },
  });
  return result.records.filter((r) => r.type === 'identity').map((r) => IdentityRecord.parse(r));
}

async function cli(argv: string[], state: string) {
  const io = captureIo();
  const code = await main(argv, io, { ...process.env, FETCHWRIGHT_STATE_DIR: state, FETCHWRIGHT_SIGNING_KEY: '' });
  return { code, out: io.out(), err: io.err() };
}

describe('operations that share an operationId are keyed by method and path', () => {
  // Three lists, every one `operationId: list` or spelled like another's METHOD path, each with records of its own shape.
  const spec = openapi(
    {
      '/users': list('list', { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/User' } } } }),
      '/service-accounts': list('list', { type: 'array', items: { $ref: '#/components/schemas/ServiceAccount' } }),
      '/api-keys': list('GET /users', { type: 'object', properties: { keys: { type: 'array', items: { $ref: '#/components/schemas/Key' } } } }),
    },
    {
      User: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' }, display_name: { type: 'string' } } },
      ServiceAccount: { type: 'object', required: ['uuid'], properties: { uuid: { type: 'string' }, label: { type: 'string' }, created: { type: 'integer', description: 'Unix timestamp (seconds).' } } },
      Key: { type: 'object', required: ['key_id'], properties: { key_id: { type: 'string' }, name: { type: 'string' }, created_at: { type: 'string', format: 'date-time' } } },
    },
  );

  it('each stream has its own operation, records and mapping in the plan, the proof and a run; verify --rerun --docs holds', async () => {
    const file = await docsFile(spec);
    const model = await ingest(file);
    const plan = planHeuristically(model);
    const byName = Object.fromEntries(plan.streams.map((s) => [s.name, s]));
    const taken = (name: string) => [byName[name]?.operation_id, byName[name]?.path, byName[name]?.items_path, byName[name]?.mapping.id.path];
    expect(Object.keys(byName).sort()).toEqual(['keys', 'service_accounts', 'users']);
    expect(taken('users')).toEqual(['GET /users', '/users', 'data', 'id']);
    expect(taken('service_accounts')).toEqual(['GET /service-accounts', '/service-accounts', '', 'uuid']);
    expect(taken('keys')).toEqual(['GET /api-keys', '/api-keys', 'keys', 'key_id']);
    expect(byName.service_accounts!.mapping.created_at).toMatchObject({ path: 'created', transform: 'unix-seconds' });

    // The proof: every stream gets exactly the records seeded for its own operation.
    const result = await generateConnector(model, plan, { seed: 1, maxAttempts: 1, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
    for (const s of result.scorecard.streams) expect(s).toMatchObject({ missing: 0, unexpected: 0, mismatched: 0, seeded: expect.any(Number), fetched: s.seeded });

    // A run against a double: each list answers with its own shape; each stream maps its own.
    const served: Record<string, unknown> = {
      '/users': { data: [{ id: 'u1', email: 'ada@docs-reading.example', display_name: 'Ada' }] },
      '/service-accounts': [{ uuid: 'sa-1', label: 'ci', created: 1_700_000_000 }],
      '/api-keys': { keys: [{ key_id: 'k-1', name: 'deploy', created_at: '2024-01-02T03:04:05Z' }] },
    };
    const records = await runAgainst(result.plan, result.fetcher, (url) => Response.json(served[url.pathname] ?? { error: 'no such list' }, { status: url.pathname in served ? 200 : 404 }));
    expect(records.map((r) => [r.source.stream, r.source.operation, r.id, r.kind]).sort()).toEqual([
      ['keys', 'GET /api-keys', 'k-1', 'api_key'],
      ['service_accounts', 'GET /service-accounts', 'sa-1', 'service_account'],
      ['users', 'GET /users', 'u1', 'human'],
    ]);
    expect(records.find((r) => r.id === 'sa-1')!.created_at).toBe('2023-11-14T22:13:20.000Z');

    // The CLI end to end: generate, open the change (unsigned), and verify it re-renders, re-proves and is what the docs give.
    const state = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-docs-reading-state-'));
    dirs.push(state);
    const out = path.join(state, 'connectors');
    expect((await cli(['generate', file, '--out', out], state)).code).toBe(0);
    const [vendor] = await readdir(out);
    const connector = path.join(out, vendor!);
    const { repo, root } = connectorsRepo({ prefix: 'fetchwright-docs-reading-repo-' });
    dirs.push(root);
    const pr = await cli(['pr', connector, '--repo', repo], state);
    expect(pr.code, pr.err).toBe(0);
    const verified = await cli(['verify', connector, '--allow-unsigned', '--rerun', '--docs', file], state);
    expect(verified.code, verified.out + verified.err).toBe(0);
  }, 120_000);
});

describe('each record\'s kind from a discriminator the docs give', () => {
  const people = (field: object) =>
    openapi(
      { '/users': list('listUsers', { type: 'object', properties: { members: { type: 'array', items: { $ref: '#/components/schemas/User' } } } }) },
      { User: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string', format: 'email' }, ...field } } },
    );
  const variants: [string, object, Record<string, string>, [unknown, string][]][] = [
    ['is_bot: boolean', { is_bot: { type: 'boolean', description: 'True for a bot user.' } }, { true: 'bot', false: 'human' }, [[true, 'bot'], [false, 'human']]],
    ['type: bot|user', { type: { type: 'string', enum: ['bot', 'user'] } }, { bot: 'bot', user: 'human' }, [['bot', 'bot'], ['user', 'human']]],
    ['account_type: service|human', { account_type: { type: 'string', enum: ['service', 'human'] } }, { service: 'service_account', human: 'human' }, [['service', 'service_account'], ['human', 'human'], ['alien', 'human']]],
  ];

  for (const [name, field, values, served] of variants) {
    it(`${name}: planned, seeded both ways by the mock, proved, and each record of a run gets its kind`, async () => {
      const model = await ingest(await docsFile(people(field)));
      const plan = planHeuristically(model);
      const [stream] = plan.streams;
      const discriminator = Object.keys(field)[0]!;
      expect(stream!.kind_from).toMatchObject({ path: discriminator, values });

      // The mock's own reading seeds every documented value; the expected records (host-side, the template's mapping) carry each kind.
      const expected = expectedStreams(plan, model, createMockVendor(model, { seed: 1, sleepScale: 0 })).get(stream!.name)!;
      expect(new Set([...expected.identities.values()].map((r) => r.kind))).toEqual(new Set(Object.values(values)));

      const result = await generateConnector(model, plan, { seed: 1, maxAttempts: 1, force: false });
      expect(errorIds(result.scorecard)).toEqual([]);
      const records = await runAgainst(result.plan, result.fetcher, () => Response.json({ members: served.map(([v], i) => ({ id: `r${i}`, name: `r${i}`, [discriminator]: v })) }));
      expect(records.map((r) => r.kind)).toEqual(served.map(([, k]) => k));
    }, 60_000);
  }

  it('a fetcher that ignores the discriminator fails the proof: its records are mapped differently', async () => {
    const model = await ingest(await docsFile(people(variants[0]![1])));
    const plan = planHeuristically(model);
    const blind: ConnectorPlan = { ...plan, streams: plan.streams.map(({ kind_from: _k, ...s }) => s) };
    const fetcherSource = renderFetcher(slotsFromPlan(blind), { vendor: plan.vendor, plan_sha256: 'a'.repeat(64), docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 }).source;
    const card = await validateConnector({ model, plan, fetcherSource, seed: 1 });
    expect(card.verdict).toBe('fail');
    expect(errorIds(card)).toContain(`records-mismatched@${plan.streams[0]!.name}`);
  }, 60_000);

  it('the mock shows both values of a flag and every value of an enum in the first records, even when optional', () => {
    const model = { schemas: {} } as unknown as ApiModel;
    for (let seed = 1; seed <= 12; seed++) {
      const records = generateRecords({ type: ['object'], properties: { id: { type: ['string'] }, is_bot: { type: ['boolean'], nullable: true }, kind: { type: ['string'], enum: ['a', 'b', 'c'] } } }, new SchemaView(model), { seed, count: 3, missingRate: 1, nullRate: 1 });
      expect(records.slice(0, 2).map((r) => r.is_bot)).toEqual([true, false]);
      expect(records.map((r) => r.kind)).toEqual(['a', 'b', 'c']);
    }
  });
});

describe('times in the unit the docs give', () => {
  it('a string the docs call a Unix timestamp and an integer of milliseconds since the epoch: planned, served and proved in their units', async () => {
    const spec = openapi(
      { '/api-keys': list('listKeys', { type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, name: { type: 'string' }, expires_at: { type: 'string', description: 'When the key expires, as a Unix timestamp in seconds.' }, last_used: { type: 'integer', format: 'int64', description: 'Milliseconds since the Unix epoch.' } } } }) },
      {},
    );
    const model = await ingest(await docsFile(spec));
    const plan = planHeuristically(model);
    expect(plan.streams[0]!.mapping).toMatchObject({ expires_at: { path: 'expires_at', transform: 'unix-seconds' }, last_used_at: { path: 'last_used', transform: 'unix-millis' } });
    const result = await generateConnector(model, plan, { seed: 1, maxAttempts: 1, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
    const [key] = await runAgainst(result.plan, result.fetcher, () => Response.json([{ id: 'k1', name: 'ci', expires_at: '1700000000', last_used: 1_700_000_000_123 }]));
    expect(key).toMatchObject({ expires_at: '2023-11-14T22:13:20.000Z', last_used_at: '2023-11-14T22:13:20.123Z' });
  }, 60_000);
});

describe('a $ref beside `type: array` (field case 21\'s class, other spellings)', () => {
  it('OpenAPI 3, the list inline in the response: read as an array of the referenced schema, said in the evidence, proved', async () => {
    const spec = openapi(
      { '/accounts/members': list('listMembers', { type: 'object', properties: { results: { type: 'array', description: 'The members.', $ref: '#/components/schemas/Member' }, next: { type: 'string', nullable: true, description: 'URL of the next page; null on the last page.' } } }) },
      { Member: { type: 'object', required: ['member_id'], properties: { member_id: { type: 'string' }, email: { type: 'string', format: 'email' }, full_name: { type: 'string' } } } },
    );
    const model = await ingest(await docsFile(spec, 'spec.json'));
    const plan = planHeuristically(model);
    const [members] = plan.streams;
    expect(members).toMatchObject({ items_path: 'results', kind: 'human' });
    expect(members!.mapping.id.path).toBe('member_id');
    expect(members!.evidence.map((e) => e.reasoning)).toContainEqual(expect.stringMatching(/"results" is written as \$ref "#\/components\/schemas\/Member" with a sibling "type: array" and no "items"; read as an array of Member/));
    const result = await generateConnector(model, plan, { seed: 1, maxAttempts: 3, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
  }, 60_000);
});

describe('status from the values the docs list in words', () => {
  it('the mock serves the listed values, the plan maps each, and a run maps them as the docs say', async () => {
    const spec = openapi(
      { '/users': list('listUsers', { type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' }, status: { type: 'string', description: 'The account\'s standing: one of `active`, `suspended` or `deprovisioned`.' } } } }) },
      {},
    );
    const model = await ingest(await docsFile(spec));
    const plan = planHeuristically(model);
    expect(plan.streams[0]!.mapping.status).toMatchObject({ path: 'status', transform: 'status-map', values: { active: 'active', suspended: 'suspended', deprovisioned: 'deprovisioned' } });
    const expected = expectedStreams(plan, model, createMockVendor(model, { seed: 1, sleepScale: 0 })).get('users')!;
    // Each listed value is served and mapped (a record the mock serves without a status is unknown).
    expect([...new Set([...expected.identities.values()].map((r) => r.status))]).toEqual(expect.arrayContaining(['active', 'suspended', 'deprovisioned']));
    const result = await generateConnector(model, plan, { seed: 1, maxAttempts: 1, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
  }, 60_000);
});
