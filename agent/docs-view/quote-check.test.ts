import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiModel } from '../ingest/api-model.ts';
import { modelOf, openapi, query, SERVER } from '../../test/helpers/spec.ts';
import { checkQuotes, textsAt } from './quote-check.ts';

/** A small spec with one item of every kind that has a source. */
function spec() {
  return openapi(
    {
      '/users': {
        get: {
          operationId: 'listUsers',
          summary: 'List users',
          description: 'Returns the users of the\n   workspace,   one page at a time.',
          tags: ['people'],
          'x-permission': ['USER_READ'],
          security: [{ oauth: ['users:read'] }],
          parameters: [query('cursor', { type: 'string', example: 'dXNlcjo0Mg' }, 'The cursor from `next_cursor` of the previous page.')],
          responses: {
            '200': {
              description: 'A page of users.',
              headers: { 'X-Rate-Limit-Remaining': { description: 'Calls left in this window.', schema: { type: 'integer' } } },
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/User' } }, next_cursor: { type: 'string', description: 'Where the next page starts.' } } },
                  example: { data: [{ id: 'u1', status: 'ACTIVE' }], next_cursor: 'abc' },
                },
              },
            },
          },
        },
      },
    },
    {
      info: { title: 'Example API', version: '1', description: '# Pagination\n\nEvery list is paged with a cursor.' },
      servers: [{ url: SERVER, description: 'Production' }],
      components: {
        securitySchemes: { oauth: { type: 'oauth2', description: 'OAuth 2 tokens.', flows: { clientCredentials: { tokenUrl: `${SERVER}/token`, scopes: { 'users:read': 'Read users' } } } } },
        schemas: {
          User: {
            type: 'object',
            description: 'A person in the workspace.',
            properties: { id: { type: 'string', description: 'The user\'s id.' }, status: { type: 'string', enum: ['ACTIVE', 'SUSPENDED'] } },
          },
        },
      },
    },
  );
}

describe('textsAt and checkQuotes', () => {
  let model: ApiModel;
  let op: ApiModel['operations'][number];
  let user: ApiModel['schemas'][string];

  beforeAll(async () => {
    model = await modelOf(spec());
    op = model.operations[0]!;
    user = Object.values(model.schemas).find((s) => s.name === 'User')!;
  });

  it('gives every string of the item with that source, and undefined for a source no item has', () => {
    expect(textsAt(model, op.source)).toEqual(expect.arrayContaining(['listUsers', '/users', 'List users', 'people', 'USER_READ', 'users:read', 'Returns the users of the workspace, one page at a time.']));
    expect(textsAt(model, op.parameters[0]!.source)).toEqual(expect.arrayContaining(['cursor', 'The cursor from `next_cursor` of the previous page.', 'dXNlcjo0Mg']));
    const response = op.responses[0]!;
    // The response's own inline schema (property names, descriptions), its example and its headers.
    expect(textsAt(model, response.source)).toEqual(expect.arrayContaining(['200', 'A page of users.', 'data', 'next_cursor', 'Where the next page starts.', 'ACTIVE', 'X-Rate-Limit-Remaining', 'Calls left in this window.']));
    expect(textsAt(model, user.source)).toEqual(expect.arrayContaining(['User', 'A person in the workspace.', 'id', 'The user\'s id.', 'SUSPENDED']));
    expect(textsAt(model, model.servers[0]!.source)).toEqual(expect.arrayContaining([SERVER, 'Production']));
    expect(textsAt(model, model.security_schemes[0]!.source)).toEqual(expect.arrayContaining(['oauth', 'OAuth 2 tokens.', 'users:read', 'Read users']));
    expect(textsAt(model, model.prose[0]!.source)?.join(' ')).toContain('Every list is paged with a cursor.');
    expect(textsAt(model, { file: 'spec.json', pointer: '/nowhere' })).toBeUndefined();
  });

  it('never follows a $ref: a named schema\'s words are at the named schema, not at the response that refers to it', () => {
    expect(textsAt(model, op.responses[0]!.source)).not.toContain('The user\'s id.');
    const cited = (source: { file: string; pointer: string }) => ({ evidence: [{ source, quote: 'The user\'s id.', reasoning: 'the id field' }] });
    expect(checkQuotes(cited(user.source), model)).toEqual([]);
    expect(checkQuotes(cited(op.responses[0]!.source), model)).toEqual([{ at: 'evidence.0', source: op.responses[0]!.source, quote: 'The user\'s id.', why: 'not-in-docs' }]);
  });

  it('accepts a quote whose whitespace differs from the docs\'', () => {
    const plan = { streams: [{ evidence: [{ source: op.source, quote: '  Returns the users\tof the workspace,\n one page at a time. ', reasoning: 'r' }] }] };
    expect(checkQuotes(plan, model)).toEqual([]);
  });

  it('rejects a quote edited by one word, naming where it is, what it cites and why', () => {
    const plan = { streams: [{}, {}, { pagination: { evidence: [{ source: op.source, quote: 'Returns the admins of the workspace', reasoning: 'r' }] } }] };
    expect(checkQuotes(plan, model)).toEqual([{ at: 'streams.2.pagination.evidence.0', source: op.source, quote: 'Returns the admins of the workspace', why: 'not-in-docs' }]);
  });

  it('rejects a quote whose source no item of the docs has', () => {
    const source = { file: 'spec.json', pointer: '/paths/~1users/get/parameters/7' };
    expect(checkQuotes({ evidence: [{ source, quote: 'cursor', reasoning: 'r' }] }, model)).toEqual([{ at: 'evidence.0', source, quote: 'cursor', why: 'no-such-source' }]);
    expect(checkQuotes({ evidence: [{ source: { ...op.source, file: 'other.json' }, quote: 'List users', reasoning: 'r' }] }, model)[0]?.why).toBe('no-such-source');
  });

  it('leaves evidence without a quote alone (a decision resting on an absence), and never finds an empty quote', () => {
    expect(checkQuotes({ evidence: [{ source: { file: 'x', pointer: '' }, reasoning: 'no pagination parameter is documented' }] }, model)).toEqual([]);
    expect(checkQuotes({ evidence: [{ source: op.source, quote: ' \n ', reasoning: 'r' }] }, model)).toEqual([{ at: 'evidence.0', source: op.source, quote: ' \n ', why: 'not-in-docs' }]);
  });

  it('is case-sensitive and finds quotes in any JSON value, at every place a shared object appears', () => {
    const e = { source: op.source, quote: 'list users', reasoning: 'r' };
    expect(checkQuotes({ a: [e], b: { c: e } }, model).map((p) => p.at)).toEqual(['a.0', 'b.c']);
    expect(checkQuotes([null, 3, 'x', { source: op.source, quote: 'List users' }], model)).toEqual([]);
  });
});
