import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planHeuristically } from '../../plan/heuristic-planner.ts';
import { modelFromPages } from './pages-model.ts';

/**
 * References written the ways vendors write them, read as a person reads them: a base URL with a
 * path, `{param}` templates in headings, the request as a paragraph under its heading, the response
 * in the next code block (JSON, or an HTTP response), a whole exchange in one block, the credential
 * header shown in a code block, a paging section that names the parameters the collections document,
 * Sphinx's HTTP domain (`.. http:get:: /groups/(int:group_id)/members`).
 */

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');

describe('reference writing styles', () => {
  it('Markdown: base URL path kept, {param} headings, response blocks, bearer from a code block, paging section applied to every collection', () => {
    const model = modelFromPages([{ source: 'api.md', markdown: fixture('markdown-cursor/reference.md') }]);
    expect(model.servers.map((s) => s.url)).toEqual(['https://api.quillstack.io/v2']);
    const gets = model.operations.filter((o) => o.method === 'get').map((o) => o.path).sort();
    expect(gets).toEqual(['/service-accounts', '/teams', '/teams/{team_id}/members', '/users']);
    // The curl sample's answer is the next block ("Response:" then JSON): the operation has it as its example.
    expect(model.operations.find((o) => o.path === '/users')!.responses[0]!.examples[0]).toMatchObject({ data: [{ id: 'usr_01H8X' }, { id: 'usr_01H8Y' }] });
    // "List endpoints return at most `limit` … pass it as the `cursor`": the teams take the users' documented limit and cursor.
    expect(model.operations.find((o) => o.path === '/teams')!.parameters.map((p) => p.name).sort()).toEqual(['cursor', 'limit']);
    const plan = planHeuristically(model);
    expect(plan.auth).toMatchObject({ type: 'bearer' });
    expect(plan.streams.find((s) => s.path === '/teams')!.pagination.style).toBe('cursor');
    expect(plan.streams.find((s) => s.path === '/users')).toMatchObject({ items_path: 'data', pagination: { style: 'cursor' } });
  });

  it('reStructuredText with Sphinx\'s HTTP domain: the request and its response in two blocks, a whole exchange in one, (int:group_id) a parameter', () => {
    const model = modelFromPages([{ source: 'api.rst', rst: fixture('rst-httpdomain/reference.rst') }]);
    // Only the prose states the host (the samples are paths): a variable, its stated value named, for a human to confirm.
    expect(model.servers.map((s) => s.url)).toEqual(['https://{host}/api/v1']);
    expect(model.servers[0]!.variables[0]!.description).toMatch(/the pages state admin\.tessel\.io, and no sample they show calls a host/);
    const users = model.operations.find((o) => o.method === 'get' && o.path === '/users')!;
    expect(users.responses[0]!.examples[0]).toMatchObject({ total: 3, items: [{ id: 17, login: 'ada' }, { id: 18 }] });
    expect(users.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['page', 'per_page']));
    expect(model.operations.find((o) => o.method === 'get' && o.path === '/groups')!.responses[0]!.examples[0]).toMatchObject({ items: [{ id: 4, name: 'staff' }] });
    expect(model.operations.some((o) => o.path === '/groups/{group_id}/members')).toBe(true);
    const plan = planHeuristically(model);
    expect(plan.streams.map((s) => [s.path, s.kind])).toEqual(expect.arrayContaining([['/users', 'human'], ['/groups', 'group']]));
    expect(plan.auth.type).toBe('basic');
  });

  it('a credential header shown only in a code block (a bare header line, or curl -H) is the auth the docs name', () => {
    const md = (block: string) => `# Acme API\n\nThe base URL is https://api.acme.test.\n\n## Authentication\n\nSend your key with every request:\n\n\`\`\`\n${block}\n\`\`\`\n\n## GET /users\n\n\`\`\`json\n{"users": [{"id": "u1", "email": "a@acme.test", "name": "A"}]}\n\`\`\`\n`;
    expect(planHeuristically(modelFromPages([{ source: 'a.md', markdown: md('Authorization: Bearer <api_key>') }])).auth).toMatchObject({ type: 'bearer' });
    expect(planHeuristically(modelFromPages([{ source: 'b.md', markdown: md('curl -H "X-Api-Key: $ACME_KEY" https://api.acme.test/users') }])).auth).toMatchObject({ type: 'api_key', name: 'X-Api-Key' });
  });

  it('where the API is: a sentence about webhooks is no base URL; samples hidden from a reader never vote; a sentence\'s full stop is not the host\'s', () => {
    const users = '## GET /v1/users\n\n```json\n{"users": [{"id": "u1", "email": "a@acme.test", "name": "A"}]}\n```\n';
    const webhook = modelFromPages([{ source: 'w.md', markdown: `# Acme\n\nWebhook requests go to https://hooks.customer.test/acme, or the base URL is https://hooks2.customer.test for callbacks.\n\n\`\`\`\ncurl https://api.acme.test/v1/users\n\`\`\`\n\n${users}` }]);
    // A stated origin no sample calls, while the samples call another: the host is the human's to give, and said so.
    expect(webhook.servers).toEqual([]);
    expect(webhook.defects?.map((d) => d.kind)).toContain('ambiguous-origin');
    const hidden = modelFromPages([{ source: 'h.html', html: `<h1>Acme</h1><pre>curl https://api.acme.test/v1/users</pre><div style="display:none"><pre>curl https://evil.test/v1/users</pre><pre>curl https://evil.test/v1/users?page=2</pre></div><h2>GET /v1/users</h2><pre>{"users": [{"id": "u1", "email": "a@acme.test"}]}</pre>` }]);
    expect(hidden.servers.map((x) => x.url)).toEqual(['https://{host}']);
    expect(hidden.servers[0]!.variables[0]!.description).toMatch(/api\.acme\.test/);
    const dot = modelFromPages([{ source: 'd.md', markdown: `# Acme\n\nThe base URL is https://api.acme.com.\n\n\`\`\`\ncurl https://api.acme.com/v1/users\n\`\`\`\n\n${users}` }]);
    expect(dot.servers.map((x) => x.url)).toEqual(['https://api.acme.com']);
    expect(dot.operations.some((o) => o.path === '/v1/users')).toBe(true);
  });
});
