import { describe, expect, it } from 'vitest';
import type { ConnectorPlan, Stream } from '../plan/connector-plan.ts';
import { streamDependencies } from './stream-dependencies.ts';

/** Every place a plan names a field or a parameter is a dependency: what the docs diff then checks. */

const ev = { confidence: 1, evidence: [] };
const parent = { name: 'teams', operation_id: 'listTeams', method: 'GET', path: '/orgs/{org}/teams', items_path: 'data', mapping: { id: { path: 'uuid', transform: 'string', ...ev }, status: { path: 'state', transform: 'status-map', values: { on: 'active' }, ...ev }, email: { path: null, transform: 'string', ...ev } }, kind_from: { path: 'is_bot', values: { true: 'bot' }, evidence: [] }, pagination: { style: 'cursor', cursor_param: 'after', limit_param: 'per_page', cursor_path: 'meta.next', stops: [{ when: 'no-next' }, { when: 'more-false', path: 'meta.has_more' }], ...ev }, parent: null, path_params: {}, query: { state: 'all' }, query_variables: ['team_id'], headers: { Accept: 'application/vnd.v2+json' }, required_scopes: [] } as unknown as Stream;
const child = { name: 'team_members', path: '/teams/{team}/members', parent: { stream: 'teams', param: 'team', from_field: 'slug', relation: 'member_of', parent_is: 'to' }, mapping: {}, pagination: { style: 'none', ...ev }, path_params: {}, query: {}, query_variables: [], headers: {} } as unknown as Stream;
const plan = { streams: [parent, child] } as unknown as ConnectorPlan;

describe('streamDependencies', () => {
  const deps = streamDependencies(plan, parent);

  it('record fields: the mapping (null paths left out), the kind discriminator, a child\'s parent key', () => {
    expect(deps.records.map((r) => [r.path, r.why, r.key])).toEqual([
      ['uuid', 'id', true],
      ['state', 'status', false],
      ['is_bot', 'the kind of each record', false],
      ['slug', '{team} of team_members', true],
    ]);
    expect(deps.records.find((r) => r.path === 'state')!.transforms).toEqual(['status-map']);
  });

  it('paging: the cursor field and the stop field; the parameters it sends and where their values come from', () => {
    expect(deps.paginationFields.map((f) => f.path)).toEqual(['meta.has_more', 'meta.next']);
    expect(deps.parameters.map((p) => `${p.in} ${p.name} ${p.pagination}`)).toEqual(['query after true', 'query per_page true', 'query state false', 'query team_id false', 'path org false', 'header Accept false']);
  });

  it('a child read under its parent: the path parameter its parent fills', () => {
    expect(streamDependencies(plan, child).parameters).toEqual([{ name: 'team', in: 'path', why: 'each teams record\'s slug', pagination: false }]);
  });
});
