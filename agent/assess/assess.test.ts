import { describe, expect, it } from 'vitest';
import { planHeuristically } from '../plan/heuristic-planner.ts';
import { arrayOf, modelOf, openapi, query, USER } from '../../test/helpers/spec.ts';
import { GENERATE_THRESHOLD } from './assess.ts';

const bearer = { components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } }, security: [{ bearerAuth: [] }] };
const errorResponse = { description: 'Error', content: { 'application/json': { schema: { type: 'object', properties: { message: { type: 'string' } } } } } };

/** /users known only from a response example: no schema, no paging, no errors. */
const thinUsers = {
  '/users': { get: { responses: { '200': { description: 'OK', content: { 'application/json': { example: [{ id: 'u1', name: 'Ann', email: 'ann@example.test' }] } } } } } },
};

const goodUsers = {
  '/users': {
    get: {
      parameters: [query('after', { type: 'string' }, 'Cursor for the next page, obtained from the Link response header.'), query('limit', { type: 'integer', maximum: 200 })],
      responses: {
        '200': { description: 'OK', headers: { Link: { schema: { type: 'string' } } }, content: { 'application/json': { schema: arrayOf(USER) } } },
        '401': errorResponse,
        '429': { ...errorResponse, headers: { 'Retry-After': { schema: { type: 'integer' } } } },
      },
    },
  },
};

describe('assess (through the heuristic planner)', () => {
  it('recommends a manual build for thin docs, and says why', async () => {
    const { assessment } = planHeuristically(await modelOf(openapi(thinUsers)));
    expect(assessment.verdict).toBe('manual-build-recommended');
    expect(assessment.score).toBeLessThan(GENERATE_THRESHOLD);
    const failed = assessment.checks.filter((c) => !c.passed).map((c) => c.id).sort();
    expect(failed).toEqual(['auth', 'errors', 'rate-limits', 'response-schemas']);
    for (const id of failed) expect(assessment.reasons).toContainEqual(expect.stringMatching(new RegExp(`^${id}: `)));
    expect(assessment.reasons).toContainEqual(expect.stringContaining('no authentication scheme'));
  });

  it('recommends a manual build when auth is documented but little else is', async () => {
    const { assessment } = planHeuristically(await modelOf(openapi(thinUsers, bearer)));
    expect(assessment.checks.find((c) => c.id === 'auth')?.passed).toBe(true);
    expect(assessment.verdict).toBe('manual-build-recommended');
    expect(assessment.reasons).toContainEqual(expect.stringContaining('response-schemas: 0 of 1'));
  });

  it('generates from well-documented docs', async () => {
    const { assessment } = planHeuristically(await modelOf(openapi(goodUsers, bearer)));
    expect(assessment.verdict).toBe('generate');
    expect(assessment.score).toBeGreaterThanOrEqual(80);
    expect(assessment.checks.every((c) => c.passed)).toBe(true);
    expect(assessment.reasons).toEqual(['response schemas, pagination, auth, errors and rate limits are documented']);
    // Every check cites the docs it rests on.
    for (const c of assessment.checks) expect(c.evidence.length, c.id).toBeGreaterThan(0);
  });

  it('counts error and rate-limit prose in the docs, not only response codes', async () => {
    const info = {
      title: 'Example API',
      version: '1',
      description: '# Errors\n\nEvery error response has an error code and a message.\n\n# Rate limits\n\nClients are rate limited; a 429 Too Many Requests carries Retry-After.',
    };
    const withProse = planHeuristically(await modelOf(openapi(thinUsers, { ...bearer, info })));
    const checks = Object.fromEntries(withProse.assessment.checks.map((c) => [c.id, c.passed]));
    expect(checks).toMatchObject({ errors: true, 'rate-limits': true });
  });
});
