import { describe, expect, it } from 'vitest';
import { SchemaView } from '../docs-view/schema-view.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import type { ConnectorPlan, Stream } from '../plan/connector-plan.ts';
import { listOp, modelOf, openapi, operation } from '../../test/helpers/spec.ts';
import { responseChanges } from './response-changes.ts';
import { streamDependencies } from './stream-dependencies.ts';

/** The response a stream reads, compared between two small descriptions: link ends, maps, paging headers. */

/** A stream reading `path` as the plan would, only the fields responseChanges reads set. */
function streamOf(path: string, more: Partial<Omit<Stream, 'mapping'>> & { mapping?: Partial<Stream['mapping']> }): Stream {
  return { name: 'things', operation_id: `GET ${path}`, method: 'GET', path, items_path: '', mapping: {}, pagination: { style: 'none', confidence: 1, evidence: [] }, parent: null, path_params: {}, query: {}, query_variables: [], headers: {}, required_scopes: [], ...more } as Stream;
}

async function changes(stream: Stream, before: object, after: object) {
  const a: ApiModel = await modelOf(openapi(before));
  const b: ApiModel = await modelOf(openapi(after));
  const plan = { streams: [stream] } as unknown as ConnectorPlan;
  return responseChanges(stream, streamDependencies(plan, stream), { view: new SchemaView(a), op: operation(a, stream.path) }, { view: new SchemaView(b), op: operation(b, stream.path) }, `GET ${stream.path}`);
}

const binding = (subject: Record<string, object>) => ({ type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, role: { type: 'string' }, subjects: { type: 'array', items: { type: 'object', properties: subject } } } } });

describe('responseChanges', () => {
  it('a link end read from each element of a list: its field renamed is breaking', async () => {
    const stream = streamOf('/bindings', { mapping: { id: { path: 'id', transform: 'string', confidence: 1, evidence: [] } }, link: { relation: 'has_role', from: { from: 'each', path: 'subjects', field: 'user_id' }, to: { from: 'field', path: 'role' } } });
    const found = await changes(stream, { '/bindings': listOp(binding({ user_id: { type: 'string' } })) }, { '/bindings': listOp(binding({ principal_id: { type: 'string' } })) });
    expect(found.map((f) => [f.id, f.args.field, f.args.reads])).toEqual([['mapped-field-removed', 'subjects[].user_id', 'a has_role end']]);
  });

  it('records as the values of a map: a field inside them removed, and the map become a list', async () => {
    const map = (props: Record<string, object>) => ({ type: 'object', additionalProperties: { type: 'object', properties: props } });
    const stream = streamOf('/services', { items_container: 'map', map_key_field: 'name', mapping: { display_name: { path: 'display', transform: 'string', confidence: 1, evidence: [] } } });
    const gone = await changes(stream, { '/services': listOp(map({ name: { type: 'string' }, display: { type: 'string' } })) }, { '/services': listOp(map({ name: { type: 'string' } })) });
    expect(gone.map((f) => `${f.id} ${f.args.field}`)).toEqual(['mapped-field-removed display']);
    const list = await changes(stream, { '/services': listOp(map({ display: { type: 'string' } })) }, { '/services': listOp({ type: 'array', items: { type: 'object', properties: { display: { type: 'string' } } } }) });
    expect(list.map((f) => [f.id, f.args.was, f.args.now])).toEqual([['list-container-changed', 'a map of records', 'a list']]);
  });

  it('the Link header and a cursor header the paginator reads, no longer declared: breaking', async () => {
    const records = { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } };
    const linked = streamOf('/users', { pagination: { style: 'link-header', rel: 'next', stops: [{ when: 'no-next' }], confidence: 1, evidence: [] } });
    const found = await changes(linked, { '/users': listOp(records, { headers: { Link: { schema: { type: 'string' } } } }) }, { '/users': listOp(records) });
    expect(found.map((f) => `${f.id} ${f.args.header}`)).toEqual(['pagination-header-removed Link']);
    const cursor = streamOf('/users', { pagination: { style: 'cursor', cursor_param: 'page_token', cursor_header: 'X-Next-Token', stops: [{ when: 'no-next' }], confidence: 1, evidence: [] } });
    const both = await changes(cursor, { '/users': listOp(records, { headers: { 'X-Next-Token': { schema: { type: 'string' } } } }) }, { '/users': listOp(records, { headers: { 'x-next-token': { schema: { type: 'string' } } } }) });
    // Header names are case-insensitive (RFC 9110 §5.1).
    expect(both).toEqual([]);
  });

  it('a field the docs never declared (an example\'s, an observation\'s) is not compared; a field nobody reads is not news unless new', async () => {
    const stream = streamOf('/users', { mapping: { email: { path: 'mail', transform: 'string', confidence: 1, evidence: [] } } });
    const found = await changes(stream, { '/users': listOp({ type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, old: { type: 'string' } } } }) }, { '/users': listOp({ type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, added: { type: 'string' } } } }) });
    expect(found.map((f) => `${f.level} ${f.id} ${String(f.args.fields)}`)).toEqual(['info response-field-added added']);
  });
});
