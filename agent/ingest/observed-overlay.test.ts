import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vendorDoc } from '../../test/helpers/vendor-docs.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import { textsAt } from '../docs-view/quote-check.ts';
import { FetchwrightError } from '../errors.ts';
import { readObservedShapes } from '../observed/read-observed-shapes.ts';
import type { Response } from './api-model.ts';
import { ingest, ingestWithReport } from './ingest.ts';

/**
 * Observed shapes laid over the docs: each observed GET's responses come first in its operation
 * (the observed body as SchemaNodes, the header names as headers, the source the shapes file and
 * pointer), the docs' own stay after them, and silences of the observation are filled from the docs.
 */

const FIXTURE = path.resolve(import.meta.dirname, '../../test/fixtures/observed/jupyterhub-3.0.0.shapes.json');

describe('observed overlay on the JupyterHub docs', async () => {
  const observed = readObservedShapes(FIXTURE);
  const docsOnly = await ingest(vendorDoc('jupyterhub'));
  const { model, observed: report } = await ingestWithReport(vendorDoc('jupyterhub'), { observed });
  const op = (p: string) => model.operations.find((o) => o.method === 'get' && o.path === p)!;
  const view = new SchemaView(model);

  it('puts each observed response first, sourced at the shapes file, the docs\' response kept after it', () => {
    const services = op('/services');
    const first = services.responses[0]!;
    expect(first).toMatchObject({ status: '200', observed: true, content_type: 'application/json', source: { file: 'jupyterhub-3.0.0.shapes.json', pointer: '/operations/2/responses/0' } });
    expect(first.schema).toMatchObject({ type: ['object'], map_key: 'name', additionalProperties: { type: ['object'] } });
    expect(first.headers.map((h) => h.name)).toContain('x-jupyterhub-version');
    expect(services.responses.slice(1)).toEqual(docsOnly.operations.find((o) => o.id === services.id)!.responses);
    expect(report?.applied.map((a) => a.path)).toEqual(['/users', '/groups', '/services', '/users/{name}/tokens']);
    expect(model.observed).toEqual({ file: 'jupyterhub-3.0.0.shapes.json', sha256: observed.sha256, observed_at: '2026-11-30T17:20:00Z', operations: 4 });
    // The quote check finds the observed field names at the observed response.
    expect(textsAt(model, first.source)).toContain('x-jupyterhub-version');
    expect(textsAt(model, op('/users/{name}/tokens').responses[0]!.source)).toContain('api_tokens');
  });

  it('fills a field the run saw only as null from the docs\' type and format, not their words', () => {
    const users = op('/users').responses[0]! as Response;
    const record = view.resolve(view.items(users.schema));
    expect(record.properties!.last_activity).toEqual({ type: ['string'], format: 'date-time', nullable: true });
    // Seen: observation wins over the docs (`created` is not in the docs at all; `servers` is an object, not their array).
    expect(record.properties!.created).toEqual({ type: ['string'], format: 'date-time' });
    expect(record.properties!.servers).toEqual({ type: ['object'] });
    // Lists only ever empty take the docs' item type (services' and groups' `roles` were [] everywhere).
    const tokens = view.resolve(op('/users/{name}/tokens').responses[0]!.schema);
    const token = view.resolve(view.items(tokens.properties!.api_tokens));
    expect(token.properties!.roles).toEqual({ type: ['array'], items: { type: ['string'] } });
    expect(token.properties!.session_id).toMatchObject({ type: ['string'], nullable: true });
    expect(JSON.stringify(op('/users').responses[0])).not.toContain('Timestamp of last-seen activity');
  });

  it('differs from the docs-only model in what is hashed, and changes nothing else', () => {
    expect(docsOnly.observed).toBeUndefined();
    expect(model.operations.length).toBe(docsOnly.operations.length);
    const strip = (m: typeof model) => JSON.stringify({ ...m, observed: undefined, operations: m.operations.map((o) => ({ ...o, responses: o.responses.filter((r) => !r.observed) })) });
    expect(strip(model)).toBe(strip(docsOnly));
  });

  it('names observed operations the docs do not describe, and adds none', async () => {
    const extra = { ...observed, shapes: { ...observed.shapes, operations: [...observed.shapes.operations, { ...observed.shapes.operations[0]!, path: '/admin/secrets' }] } };
    const { model: m, observed: r } = await ingestWithReport(vendorDoc('jupyterhub'), { observed: extra });
    expect(r?.unmatched).toEqual(['GET /admin/secrets']);
    expect(m.operations.some((o) => o.path === '/admin/secrets')).toBe(false);
  });

  it('refuses shapes observed of another vendor (usage, exit 2)', async () => {
    const other = { ...observed, shapes: { ...observed.shapes, vendor: 'okta' } };
    const e = await ingestWithReport(vendorDoc('jupyterhub'), { observed: other }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FetchwrightError);
    expect([(e as FetchwrightError).code, (e as FetchwrightError).exitCode]).toEqual(['usage', 2]);
    expect((e as FetchwrightError).message).toBe('the shapes in jupyterhub-3.0.0.shapes.json were observed of the "okta" connector, but these docs describe jupyterhub');
  });
});
