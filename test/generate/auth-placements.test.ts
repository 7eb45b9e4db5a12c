import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { modelOf, openapi } from '../helpers/spec.ts';
import { errorIds, errorKinds } from '../helpers/findings.ts';

/**
 * Wherever the docs put the credential — a query parameter, two headers at once — the host injects
 * it at the egress gate, the mock checks it, and the fetcher never holds it.
 */

const users = {
  get: {
    operationId: 'listUsers',
    parameters: [
      { name: 'offset', in: 'query', description: 'Offset to paginate from.', schema: { type: 'integer' } },
      { name: 'limit', in: 'query', description: 'Page size.', schema: { type: 'integer', maximum: 50 } },
    ],
    responses: {
      '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { users: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' } } } }, more: { type: 'boolean' } } } } } },
      '401': { description: 'unauthorised' },
      '429': { description: 'rate limited' },
    },
  },
};

describe('credential placements', () => {
  it('an API key documented in the query string', async () => {
    const model = await modelOf(openapi({ '/users': users }, { components: { securitySchemes: { key: { type: 'apiKey', in: 'query', name: 'api_key' } } }, security: [{ key: [] }] }));
    const plan = planHeuristically(model);
    expect(plan.auth).toMatchObject({ type: 'api_key', in: 'query', name: 'api_key' });
    const result = await generateConnector(model, plan, { seed: 5, maxAttempts: 1, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.scorecard.verdict).toBe('pass');
    expect(result.scorecard.auth_verified).toBe(true);
    expect(result.fetcher).not.toMatch(/fw-synthetic/);
  });

  it('two key headers required together', async () => {
    const model = await modelOf(
      openapi(
        { '/users': users },
        { components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' }, appKey: { type: 'apiKey', in: 'header', name: 'X-App-Key' } } }, security: [{ apiKey: [], appKey: [] }] },
      ),
    );
    const plan = planHeuristically(model);
    expect(plan.auth.credentials.map((c) => c.name)).toEqual(['X-Api-Key', 'X-App-Key']);
    const result = await generateConnector(model, plan, { seed: 5, maxAttempts: 1, force: false });
    expect(result.scorecard.verdict).toBe('pass');
  });

  it('a plan that sends only one of the two headers is refused by the mock, and the scorecard says so', async () => {
    const model = await modelOf(
      openapi(
        { '/users': users },
        { components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' }, appKey: { type: 'apiKey', in: 'header', name: 'X-App-Key' } } }, security: [{ apiKey: [], appKey: [] }] },
      ),
    );
    const plan = planHeuristically(model);
    const half = { ...plan, auth: { ...plan.auth, credentials: plan.auth.credentials.slice(0, 1) } };
    const result = await generateConnector(model, half, { seed: 5, maxAttempts: 1, force: false });
    expect(result.scorecard.verdict).toBe('fail');
    expect(result.scorecard.auth_verified).toBe(false);
    expect(errorKinds(result.scorecard)).toContain('credential-rejected');
  });
});
