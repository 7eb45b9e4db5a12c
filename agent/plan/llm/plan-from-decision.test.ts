import { beforeAll, describe, expect, it } from 'vitest';
import { generateConnector } from '../../generate/generate-connector.ts';
import type { ApiModel } from '../../ingest/api-model.ts';
import { planOf } from '../../../test/helpers/vendor-docs.ts';
import { crewline } from '../../../test/helpers/crewline-docs.ts';
import { ingest } from '../../ingest/ingest.ts';
import type { StreamDecision } from './decision.ts';
import { planFromDecision } from './plan-from-decision.ts';

/**
 * A model's decision made into a plan on real docs, and proved: the model chooses which lists; how
 * each is requested, paged and mapped is the planner's own reading, so a decided plan passes the
 * same sandbox proof as a heuristic one.
 */

const WHO = { model: 'test-model', prompt_sha256: 'a'.repeat(64) };
let okta: ApiModel;

const decided = (model: ApiModel, id: string, name: string, kind: StreamDecision['kind'], parent: StreamDecision['parent'] = null, items_path = ''): StreamDecision => {
  const op = model.operations.find((o) => o.id === id)!;
  return { operation_id: id, name, kind, items_path, parent, evidence: [{ source: op.source, quote: op.summary! }] };
};

beforeAll(async () => {
  ({ model: okta } = await planOf('okta.yaml'));
}, 60_000);

describe('a decision made into a plan', () => {
  it('gives a plan by the model, with the planner\'s paging and mapping, that passes the sandbox proof', async () => {
    const out = planFromDecision(okta, { streams: [decided(okta, 'listUsers', 'users', 'human'), decided(okta, 'listApplications', 'apps', 'app'), decided(okta, 'listJwk', 'app_jwks', 'certificate', { stream: 'apps', param: 'appId', field: 'id' })], auth_scheme: 'apiToken' }, WHO);
    if (!('plan' in out)) throw new Error(JSON.stringify(out.rejections));
    const { plan } = out;
    expect(plan.planner).toEqual({ kind: 'llm', ...WHO });
    expect(plan.streams.map((s) => [s.name, s.kind, s.parent?.stream ?? null])).toEqual([
      ['users', 'human', null],
      ['apps', 'app', null],
      ['app_jwks', 'certificate', 'apps'],
    ]);
    // Paging is the planner's reading of the docs (Okta: the Link header), not the model's.
    expect(plan.streams[0]!.pagination.style).toBe('link-header');
    expect(plan.streams[0]!.evidence.some((e) => /the model \(test-model\) cites this/.test(e.reasoning))).toBe(true);
    const proved = await generateConnector(okta, plan, { seed: 1, maxAttempts: 3, force: false });
    expect(proved.scorecard.verdict).toBe('pass');
  }, 60_000);

  it('sends back what the planner cannot read as decided: records at another path, a kind the docs\' words contradict, a scheme that is not the least', () => {
    const wrongPath = planFromDecision(okta, { streams: [decided(okta, 'listUsers', 'users', 'human', null, 'users')], auth_scheme: 'apiToken' }, WHO);
    expect('rejections' in wrongPath && wrongPath.rejections.map((r) => r.reason).join('\n')).toMatch(/has no list at "users"/);
    const groups = decided(okta, 'listGroups', 'groups', 'group');
    const noRelation = planFromDecision(okta, { streams: [groups, decided(okta, 'listGroupUsers', 'group_users', 'app', { stream: 'groups', param: 'groupId', field: 'id' })], auth_scheme: 'apiToken' }, WHO);
    expect('rejections' in noRelation && noRelation.rejections.map((r) => r.reason).join('\n')).toMatch(/group_users: the docs' words name human records at \/api\/v1\/groups\/\{groupId\}\/users \(users\): decide human/);
    const oauth = okta.security_schemes.find((s) => s.type === 'oauth2')!;
    const notLeast = planFromDecision(okta, { streams: [decided(okta, 'listUsers', 'users', 'human')], auth_scheme: oauth.key }, WHO);
    expect('rejections' in notLeast && notLeast.rejections.map((r) => r.reason).join('\n')).toMatch(/the connector authenticates with apiToken/);
  });

  it('where the heuristics have no reading, a kind the records\' fields cannot carry is sent back', async () => {
    const crew = await ingest(crewline({ serviceAccounts: true }));
    const accounts = (kind: StreamDecision['kind']) => planFromDecision(crew, { streams: [decided(crew, 'listServiceAccounts', 'accounts', kind, null, 'data.page.entries')], auth_scheme: 'token' }, WHO);
    expect(JSON.stringify(accounts('human'))).toMatch(/accounts: \/service-accounts cannot be read as human records: its records \(id, display_name, roles, disabled, created\) do not carry what human records carry/);
    expect(JSON.stringify(accounts('ssh_key'))).toMatch(/cannot be read as ssh_key records/);
    expect('plan' in accounts('service_account')).toBe(true);
  });
});

