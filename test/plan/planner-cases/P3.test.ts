import { describe, expect, it } from 'vitest';
import { errorIds } from '../../helpers/findings.ts';
import { caseSpec, modelOfCase, planAndProve } from './cases.ts';

/**
 * P3 — the parameter's own prose names the `Link` header as where its next value comes from; a
 * next link in the body (`_links.next.href`) is weaker evidence than that prose.
 */

const FILE = 'P3-link-prose-vs-body-link.yaml';

describe('P3 — the parameter\'s prose names the Link header', () => {
  it('the case file: follows the Link header carrying `after`, the body link an alternative; the proof passes', async () => {
    const { plan, result } = await planAndProve(await modelOfCase(FILE));
    const roles = plan.streams[0]!;
    expect(roles.pagination).toMatchObject({ style: 'link-header', rel: 'next', cursor_param: 'after', stops: [{ when: 'no-next' }] });
    expect(roles.pagination.evidence[0]!.quote).toMatch(/`Link` response header/);
    expect(roles.pagination_alternatives.map((p) => p.style)).toContain('next-url');
    expect(errorIds(result.scorecard)).toEqual([]);
  });

  it('a variant (a parameter not named like a cursor, rel="next" in its prose, a plain `links.next` in the body) is read the same way', async () => {
    const spec = caseSpec(FILE);
    const op = spec.paths['/iam/roles'].get;
    op.parameters = [{ name: 'resume_from', in: 'query', description: 'Copy this from the rel="next" link of the previous response.', schema: { type: 'string' } }];
    op.responses['200'].content['application/json'].schema.properties = { roles: { type: 'array', items: { $ref: '#/components/schemas/Role' } }, links: { type: 'object', properties: { next: { type: 'string' } } } };
    const { plan, result } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'link-header', cursor_param: 'resume_from' });
    expect(errorIds(result.scorecard)).toEqual([]);
  });

  it('when the prose names no Link header, the body\'s next link is followed', async () => {
    const spec = caseSpec(FILE);
    spec.paths['/iam/roles'].get.parameters[0].description = 'The cursor for the next page.';
    const { plan, result } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'next-url', next_path: '_links.next.href' });
    expect(errorIds(result.scorecard)).toEqual([]);
  });
});
