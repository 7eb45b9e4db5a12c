import { describe, expect, it } from 'vitest';
import { errorIds } from '../../helpers/findings.ts';
import { runAgainstDouble } from '../../helpers/run-double.ts';
import { caseSpec, modelOfCase, planAndProve } from './cases.ts';

/**
 * P5 — the cursor's body field is named only in the parameter's prose ("Set `cursor` to
 * `next_cursor` returned by the previous call"); the response schema leaves it out.
 */

const FILE = 'P5-cursor-field-only-in-prose.yaml';
const PATH = '/directory.users.list';

describe('P5 — the cursor field named only in the parameter\'s prose', () => {
  it('the case file: a cursor from the body\'s next_cursor, proved; a double gets every user once and is never asked past the end', async () => {
    const { plan, result } = await planAndProve(await modelOfCase(FILE));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'cursor', cursor_param: 'cursor', cursor_path: 'next_cursor', limit_param: 'limit', stops: [{ when: 'no-next' }] });
    expect(errorIds(result.scorecard)).toEqual([]);
    const users = Array.from({ length: 230 }, (_, i) => ({ id: `U${i}`, email: `u${i}@pebblecourt.example` }));
    let ended = false;
    let pastEnd = 0;
    const { run, ids } = await runAgainstDouble(result.plan, result.fetcher, 'https://api.pebblecourt.example', (url) => {
      if (ended) pastEnd++;
      const at = Number(url.searchParams.get('cursor') ?? 0);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), 100);
      const next = at + limit < users.length ? String(at + limit) : '';
      if (!next) ended = true;
      return Response.json({ ok: true, users: users.slice(at, at + limit), next_cursor: next });
    });
    expect(run.complete).toBe(true);
    expect(new Set(ids).size).toBe(230);
    expect(pastEnd).toBe(0);
  });

  it('a variant (`page_token` set from a `next_page_token` "in the previous response") is read the same way', async () => {
    const spec = caseSpec(FILE);
    spec.paths[PATH].get.parameters[0] = { name: 'page_token', in: 'query', description: 'Pass the `next_page_token` value from the previous response to get the next page.', schema: { type: 'string' } };
    const { plan, result } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'cursor', cursor_param: 'page_token', cursor_path: 'next_page_token' });
    expect(errorIds(result.scorecard)).toEqual([]);
  });

  it('prose that names no returned field is not read as one', async () => {
    const spec = caseSpec(FILE);
    spec.paths[PATH].get.parameters[0].description = 'Set `cursor` to continue a listing.';
    const { plan } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams[0]!.pagination).not.toHaveProperty('cursor_path');
  });
});
