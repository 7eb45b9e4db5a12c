import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiModel } from '../../ingest/api-model.ts';
import { planOf } from '../../../test/helpers/vendor-docs.ts';
import { checkDecision, PlanDecision, type StreamDecision } from './decision.ts';

/**
 * The gates over a model's decision (issue 13), on Okta's real description: a decision that names
 * only what the docs' operations have, with the docs' own words as evidence, passes; each kind of
 * invention a model (or a prompt injection in the docs) could produce is refused with a reason the
 * model can act on.
 */

let model: ApiModel;
/** The users list and a child list under apps, as the docs give them. */
let users: StreamDecision;
let apps: StreamDecision;
let jwks: StreamDecision;

const opSource = (id: string) => model.operations.find((o) => o.id === id)!;

beforeAll(async () => {
  ({ model } = await planOf('okta.yaml'));
  const evidenceOf = (id: string) => {
    const op = opSource(id);
    return [{ source: { file: op.source.file, pointer: op.source.pointer }, quote: op.summary! }];
  };
  users = { operation_id: 'listUsers', name: 'users', kind: 'human', items_path: '', parent: null, evidence: evidenceOf('listUsers') };
  apps = { operation_id: 'listApplications', name: 'apps', kind: 'app', items_path: '', parent: null, evidence: evidenceOf('listApplications') };
  jwks = { operation_id: 'listJwk', name: 'app_jwks', kind: 'certificate', items_path: '', parent: { stream: 'apps', param: 'appId', field: 'id' }, evidence: evidenceOf('listJwk') };
}, 60_000);

const reasons = (d: PlanDecision) => checkDecision(model, d).map((r) => `${r.at}: ${r.reason}`);

describe('a model\'s plan decision, gated against the docs', () => {
  it('passes when it names only the docs\' own operations, parameters and scheme, quoting their words', () => {
    expect(reasons({ streams: [users, apps, jwks], auth_scheme: 'apiToken' })).toEqual([]);
  });

  it('refuses a quote the docs do not hold at its source (a fabricated quote), and a source nothing is at', () => {
    const made = { ...users, evidence: [{ ...users.evidence[0]!, quote: 'Lists every user, including deprovisioned ones, on every page' }] };
    expect(reasons({ streams: [made], auth_scheme: 'apiToken' })).toEqual([expect.stringMatching(/^streams\.0\.evidence\.0: the quote is not in the docs at okta\.yaml#/)]);
    const nowhere = { ...users, evidence: [{ source: { file: 'okta.yaml', pointer: '/paths/~1api~1v1~1secret-admins/get' }, quote: 'List admins' }] };
    expect(reasons({ streams: [nowhere], auth_scheme: 'apiToken' })[0]).toMatch(/no item of the docs is at/);
  });

  it('refuses an operation the docs lack, one that is not a GET, and one the read-only request policy refuses', () => {
    expect(reasons({ streams: [{ ...users, operation_id: 'listAllSecretsOfEveryone' }], auth_scheme: 'apiToken' })).toEqual([expect.stringMatching(/the docs have no operation "listAllSecretsOfEveryone"/)]);
    const post = model.operations.find((o) => o.method === 'post' && o.path === '/api/v1/users')!;
    expect(reasons({ streams: [{ ...users, operation_id: post.id }], auth_scheme: 'apiToken' }).join('\n')).toMatch(/is a POST: a connector only reads \(GET\)/);
    const signIn = model.operations.find((o) => o.method === 'get' && /sign-in/.test(o.path))!;
    expect(reasons({ streams: [{ ...users, operation_id: signIn.id, items_path: '' }], auth_scheme: 'apiToken' }).join('\n')).toMatch(/read-only request policy refuses GET .*sign-in: .*credential endpoint/);
  });

  it('refuses a scheme the docs do not declare, an items path the response lacks, and a child before or without its parent', () => {
    expect(reasons({ streams: [users], auth_scheme: 'attackerBasic' })).toEqual([expect.stringMatching(/^auth_scheme: the docs declare no security scheme "attackerBasic"/)]);
    expect(reasons({ streams: [{ ...users, items_path: 'data.users' }], auth_scheme: 'apiToken' })).toEqual([expect.stringMatching(/^streams\.0\.items_path: the success response of listUsers has no list at "data\.users"/)]);
    expect(reasons({ streams: [jwks, apps], auth_scheme: 'apiToken' })).toEqual([expect.stringMatching(/^streams\.0\.parent\.stream: the parent stream apps must be decided before app_jwks/)]);
    expect(reasons({ streams: [{ ...jwks, parent: null }], auth_scheme: 'apiToken' }).join('\n')).not.toMatch(/parent/);
    // A stream that is its own parent: read once per record of itself, never.
    expect(reasons({ streams: [apps, { ...jwks, parent: { ...jwks.parent!, stream: 'app_jwks' } }], auth_scheme: 'apiToken' })).toEqual([expect.stringMatching(/^streams\.1\.parent\.stream: the parent stream app_jwks must be decided before app_jwks/)]);
    expect(reasons({ streams: [apps, { ...jwks, parent: { stream: 'apps', param: 'clientSecret', field: 'id' } }], auth_scheme: 'apiToken' }).join('\n')).toMatch(/has no path or query parameter "clientSecret"/);
  });

  it('refuses, by its schema, a field it does not declare: no host, method or header can ride along', () => {
    const withHost = { streams: [{ ...users, host: 'https://collector.attacker.example' }], auth_scheme: 'apiToken' };
    expect(PlanDecision.safeParse(withHost).success).toBe(false);
    expect(PlanDecision.safeParse({ streams: [users], auth_scheme: 'apiToken', method: 'DELETE' }).success).toBe(false);
    expect(PlanDecision.safeParse({ streams: [users], auth_scheme: 'apiToken' }).success).toBe(true);
  });

  it('refuses the same stream name or operation twice', () => {
    expect(reasons({ streams: [users, { ...users }], auth_scheme: 'apiToken' })).toEqual([
      expect.stringMatching(/^streams\.1\.name: the stream name users is used twice/),
      expect.stringMatching(/^streams\.1\.operation_id: listUsers is read by two streams/),
    ]);
  });
});
