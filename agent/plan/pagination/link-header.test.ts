import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, signalsFor, USER } from '../../../test/helpers/spec.ts';
import { detectLinkHeader } from './link-header.ts';

const users = arrayOf(USER);
const linkHeader = { Link: { description: 'Links to the next page of results', schema: { type: 'string' } } };

describe('detectLinkHeader', () => {
  it('follows rel="next" when the response documents a Link header', async () => {
    const model = await modelOf(openapi({ '/users': listOp(users, { headers: linkHeader, parameters: [query('limit', { type: 'integer', maximum: 200 })] }) }));
    const [found, ...rest] = detectLinkHeader(signalsFor(model, '/users'));
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ style: 'link-header', rel: 'next', limit_param: 'limit', page_size: 200, stops: [{ when: 'no-next' }] });
    expect(found?.evidence).toContainEqual(expect.objectContaining({ quote: 'Link', reasoning: expect.stringMatching(/declares a Link header/) }));
  });

  it('finds the cursor parameter from its prose alone ("obtained from the Link response header")', async () => {
    const model = await modelOf(
      openapi({
        '/users': listOp(users, {
          parameters: [
            query('limit', { type: 'integer' }, 'Page size. Use with the after cursor from the Link response header.'),
            query('after', { type: 'string' }, 'The cursor to use for pagination. It is an opaque string obtained from the Link response header.'),
          ],
        }),
      }),
    );
    const found = detectLinkHeader(signalsFor(model, '/users'));
    expect(found).toHaveLength(1);
    // The limit parameter mentions the header too; it is never taken for the cursor.
    expect(found[0]).toMatchObject({ style: 'link-header', cursor_param: 'after', limit_param: 'limit' });
    // The parameter's own words, cited at the parameter; the planner's reading kept apart.
    expect(found[0]?.evidence).toContainEqual({
      source: model.operations[0]!.parameters.find((p) => p.name === 'after')!.source,
      quote: 'The cursor to use for pagination. It is an opaque string obtained from the Link response header.',
      reasoning: expect.stringMatching(/^after's description says/),
    });
  });

  it('reads "the `next` link relation" in a parameter\'s prose as link-header paging', async () => {
    const model = await modelOf(
      openapi({
        '/users': listOp(users, {
          parameters: [query('page_token', { type: 'string' }, 'Opaque token; take it from the URL of the `next` link relation of the previous page.')],
        }),
      }),
    );
    const [found] = detectLinkHeader(signalsFor(model, '/users'));
    expect(found).toMatchObject({ style: 'link-header', rel: 'next', cursor_param: 'page_token' });
  });

  it('is stronger with a documented header and the parameter\'s prose than with either alone', async () => {
    const after = query('after', { type: 'string' }, 'Cursor obtained from the Link response header.');
    const both = await modelOf(openapi({ '/users': listOp(users, { headers: linkHeader, parameters: [after] }) }));
    const proseOnly = await modelOf(openapi({ '/users': listOp(users, { parameters: [after] }) }));
    const headerOnly = await modelOf(openapi({ '/users': listOp(users, { headers: linkHeader }) }));
    const conf = (m: typeof both) => detectLinkHeader(signalsFor(m, '/users'))[0]?.confidence ?? 0;
    expect(conf(both)).toBeGreaterThan(conf(proseOnly));
    expect(conf(both)).toBeGreaterThan(conf(headerOnly));
  });

  it('says nothing when neither a header nor any prose mentions a Link', async () => {
    const model = await modelOf(
      openapi({ '/users': listOp(users, { parameters: [query('after', { type: 'string' }, 'Return users after this id.'), query('limit', { type: 'integer' })] }) }),
    );
    expect(detectLinkHeader(signalsFor(model, '/users'))).toEqual([]);
  });
});
