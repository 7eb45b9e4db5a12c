import { describe, expect, it } from 'vitest';
import { planHeuristically } from '../../plan/heuristic-planner.ts';
import type { Pagination, Stream } from '../../plan/connector-plan.ts';
import { createMockVendor } from '../../../synthetic-data/mock-api/mock-vendor.ts';
import { arrayOf, listOp, modelOf, openapi, query, USER } from '../../../test/helpers/spec.ts';
import { checkMechanisms } from './mechanisms.ts';

/**
 * The plan's reading of a list against the mock's literal reading of the same docs: each case pairs
 * a plan the docs support (no finding) with one that relies on something they do not declare.
 */

const bearer = { components: { securitySchemes: { t: { type: 'http', scheme: 'bearer' } } }, security: [{ t: [] }] };

async function setup(paths: object) {
  const model = await modelOf(openapi(paths, bearer));
  const plan = planHeuristically(model);
  const mock = createMockVendor(model, { seed: 1 });
  const stream = plan.streams[0]!;
  const reading = mock.readingOf(model.operations.find((o) => o.id === stream.operation_id)!)!;
  const check = (change: Partial<Stream> = {}) => checkMechanisms({ ...stream, ...change }, reading).map((f) => `${f.id}: ${f.args.mechanism ?? f.args.docs ?? f.args.how ?? f.args.sentence ?? ''}`);
  return { stream, check };
}

const evidence = { evidence: [], confidence: 0.5 };

describe('mechanisms: what the plan relies on against what the docs declare', () => {
  it('a Link header: accepted where declared, named where it is not', async () => {
    const declared = await setup({ '/users': listOp(arrayOf(USER), { parameters: [query('after', { type: 'string' })], headers: { Link: { schema: { type: 'string' } } } }) });
    expect(declared.stream.pagination.style).toBe('link-header');
    expect(declared.check()).toEqual([]);
    const undeclared = await setup({ '/users': listOp({ type: 'object', properties: { data: arrayOf(USER), next_cursor: { type: 'string' } } }, { parameters: [query('cursor', { type: 'string' }, 'Cursor for the next page.')] }) });
    expect(undeclared.check()).toEqual([]);
    const link: Pagination = { style: 'link-header', rel: 'next', cursor_param: 'cursor', stops: [{ when: 'no-next' }], ...evidence };
    expect(undeclared.check({ pagination: link })).toEqual(['pagination-mechanism-undeclared: a Link response header (rel="next")']);
  });

  it('a cursor read from a field the response does not have', async () => {
    const { check } = await setup({ '/users': listOp({ type: 'object', properties: { data: arrayOf(USER), next_cursor: { type: 'string' } } }, { parameters: [query('cursor', { type: 'string' }, 'Cursor for the next page.')] }) });
    const wrong: Pagination = { style: 'cursor', cursor_param: 'cursor', cursor_path: 'meta.next', stops: [{ when: 'no-next' }], ...evidence };
    expect(check({ pagination: wrong })).toEqual(['pagination-mechanism-undeclared: a next cursor in the response field "meta.next"']);
  });

  it('each stop condition\'s field, and a keyset cursor\'s record field, must be what the docs declare', async () => {
    const { stream, check } = await setup({
      '/users': listOp({ type: 'object', properties: { data: arrayOf(USER), has_more: { type: 'boolean' } } }, { parameters: [query('starting_after', { type: 'string' }, 'The `id` of the last user of the previous page.')] }),
    });
    expect(stream.pagination).toMatchObject({ style: 'cursor', last_record_path: 'id', stops: [{ when: 'more-false', path: 'has_more' }] });
    expect(check()).toEqual([]);
    if (stream.pagination.style !== 'cursor') throw new Error('expected a cursor');
    expect(check({ pagination: { ...stream.pagination, stops: [{ when: 'total-reached', path: 'total' }] } })).toEqual(['pagination-mechanism-undeclared: a total count in the response field "total"']);
    expect(check({ pagination: { ...stream.pagination, stops: [{ when: 'short-page' }] } })).toEqual(['pagination-mechanism-undeclared: a short page as the end of the list']);
    expect(check({ pagination: { ...stream.pagination, last_record_path: 'email' } })).toEqual(['pagination-mechanism-undeclared: a next cursor taken from the last record\'s "email"']);
  });

  it('one page read from a list the docs page, and records read from the wrong place', async () => {
    const { check } = await setup({ '/users': listOp({ type: 'object', properties: { items: arrayOf(USER), total: { type: 'integer' } } }, { parameters: [query('offset', { type: 'integer' }), query('limit', { type: 'integer' })] }) });
    expect(check()).toEqual([]);
    expect(check({ pagination: { style: 'none', ...evidence } })).toEqual(['pagination-ignored: the `offset` offset']);
    expect(check({ items_path: 'data' })).toEqual(['items-path-disagrees: items']);
  });

  it('a list the docs say leaves records out is flagged for a person (a warning: the mock cannot know which)', async () => {
    const said = await setup({ '/users': listOp(arrayOf(USER), { description: 'Lists users.\n\n> **Note:** This operation omits users that have a status of `DEPROVISIONED`.' }) });
    expect(said.check()).toEqual(['docs-say-records-omitted: Note: This operation omits users that have a status of `DEPROVISIONED`.']);
    const silent = await setup({ '/users': listOp(arrayOf(USER), { description: 'Lists every user of the organization.' }) });
    expect(silent.check()).toEqual([]);
  });

  it('two unnamed lists in one body: the docs do not say which holds the records, so the proof cannot pass', async () => {
    const { stream, check } = await setup({ '/users': listOp({ type: 'object', properties: { data: arrayOf(USER), archived: arrayOf(USER) } }) });
    expect(stream.items_path).toBe('data');
    expect(check().map((f) => f.split(':')[0])).toEqual(['records-location-ambiguous']);
    // Related resources and errors beside the list are never taken for it (JSON:API's `included`).
    const beside = await setup({ '/users': listOp({ type: 'object', properties: { data: arrayOf(USER), included: arrayOf({ id: { type: 'string' } }), errors: arrayOf({ code: { type: 'string' } }) } }) });
    expect(beside.check()).toEqual([]);
  });
});
