import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, signalsFor, USER } from '../../../test/helpers/spec.ts';
import { detectCursor } from './cursor.ts';

const SLACK_CURSOR =
  "Paginate through collections of data by setting the `cursor` parameter to a `next_cursor` attribute returned by a previous request's `response_metadata`.";

describe('detectCursor', () => {
  it('pairs a `cursor` parameter with response_metadata.next_cursor', async () => {
    const model = await modelOf(
      openapi({
        '/users.list': listOp({
          type: 'object',
          properties: {
            ok: { type: 'boolean' },
            members: arrayOf(USER),
            response_metadata: { type: 'object', properties: { next_cursor: { type: 'string' } } },
          },
        }, { parameters: [query('cursor', { type: 'string' }, SLACK_CURSOR), query('limit', { type: 'integer', maximum: 1000, default: 100 })] }),
      }),
    );
    const [found, ...rest] = detectCursor(signalsFor(model, '/users.list'));
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ style: 'cursor', cursor_param: 'cursor', cursor_path: 'response_metadata.next_cursor', limit_param: 'limit', stops: [{ when: 'no-next' }] });
    // The documented maximum, capped so one page stays a sane size.
    expect(found).toMatchObject({ page_size: 500 });
  });

  it('takes the field the parameter\'s prose names over another cursor-like field, even one named like the parameter', async () => {
    const model = await modelOf(
      openapi({
        '/users.list': listOp({
          type: 'object',
          properties: {
            // Listed first and nearer the top: a naive "nearest" or "same name" rule would take it.
            cursor: { type: 'string', description: 'The cursor this page was fetched with.' },
            members: arrayOf(USER),
            response_metadata: { type: 'object', properties: { next_cursor: { type: 'string' } } },
          },
        }, { parameters: [query('cursor', { type: 'string' }, SLACK_CURSOR)] }),
      }),
    );
    const [found] = detectCursor(signalsFor(model, '/users.list'));
    expect(found).toMatchObject({ cursor_param: 'cursor', cursor_path: 'response_metadata.next_cursor' });
  });

  it('does not take `marker` as named by prose that names `next_marker`', async () => {
    const model = await modelOf(
      openapi({
        '/users': listOp({
          type: 'object',
          properties: {
            marker: { type: 'string' },
            users: arrayOf(USER),
            meta: { type: 'object', properties: { next_marker: { type: 'string' } } },
          },
        }, { parameters: [query('marker', { type: 'string' }, 'Pass the `next_marker` of the previous page.')] }),
      }),
    );
    const [found] = detectCursor(signalsFor(model, '/users'));
    expect(found).toMatchObject({ cursor_path: 'meta.next_marker' });
  });

  it('never takes the page-size parameter for the cursor, even when its prose mentions the cursor', async () => {
    const model = await modelOf(
      openapi({
        '/users': listOp({ type: 'object', properties: { data: arrayOf(USER), next_cursor: { type: 'string' } } }, {
          parameters: [
            query('limit', { type: 'integer' }, 'How many users per page; follow `next_cursor` with the cursor parameter for more.'),
            query('cursor', { type: 'string' }, 'The `next_cursor` of the previous page.'),
          ],
        }),
      }),
    );
    const found = detectCursor(signalsFor(model, '/users'));
    expect(found.map((p) => (p.style === 'cursor' ? p.cursor_param : p.style))).toEqual(['cursor']);
    expect(found[0]).toMatchObject({ limit_param: 'limit' });
  });

  it('pages Kubernetes lists with `continue` and metadata.continue', async () => {
    const model = await modelOf(
      openapi({
        '/api/v1/serviceaccounts': listOp({
          type: 'object',
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            items: arrayOf({ metadata: { type: 'object', properties: { name: { type: 'string' }, uid: { type: 'string' } } } }),
            metadata: { type: 'object', properties: { continue: { type: 'string', description: 'continue may be set if the user set a limit on the number of items returned.' }, resourceVersion: { type: 'string' } } },
          },
        }, {
          parameters: [
            query('continue', { type: 'string' }, 'The continue option should be set when retrieving more results from the server.'),
            query('limit', { type: 'integer' }, 'limit is a maximum number of responses to return for a list call.'),
          ],
        }),
      }),
    );
    const [found] = detectCursor(signalsFor(model, '/api/v1/serviceaccounts'));
    expect(found).toMatchObject({ style: 'cursor', cursor_param: 'continue', cursor_path: 'metadata.continue', limit_param: 'limit' });
  });

  it('ignores a cursor-like field whose value is a URL (that is next-url paging)', async () => {
    const model = await modelOf(
      openapi({
        '/users': listOp({
          type: 'object',
          properties: { data: arrayOf(USER), next_cursor: { type: 'string', example: 'https://api.example.test/users?cursor=abc' } },
        }, { parameters: [query('cursor', { type: 'string' })] }),
      }),
    );
    expect(detectCursor(signalsFor(model, '/users'))).toEqual([]);
  });

  it('needs both a cursor parameter and a cursor field', async () => {
    const noField = await modelOf(openapi({ '/users': listOp(arrayOf(USER), { parameters: [query('cursor')] }) }));
    expect(detectCursor(signalsFor(noField, '/users'))).toEqual([]);
    const noParam = await modelOf(
      openapi({ '/users': listOp({ type: 'object', properties: { data: arrayOf(USER), next_cursor: { type: 'string' } } }, { parameters: [query('limit', { type: 'integer' })] }) }),
    );
    expect(detectCursor(signalsFor(noParam, '/users'))).toEqual([]);
  });

  it('takes a cursor header only under a name the pagination slot can carry (letters, digits, dashes): never a plan the templates refuse', async () => {
    const withHeader = (name: string) =>
      modelOf(openapi({ '/users': listOp(arrayOf(USER), { parameters: [query('page_token', { type: 'string' }, `The token from the ${name} header of the previous page.`)], headers: { [name]: { description: 'Token for the next page.', schema: { type: 'string' } } } }) }));
    expect(detectCursor(signalsFor(await withHeader('X-Next-Page-Token'), '/users'))).toMatchObject([{ style: 'cursor', cursor_header: 'X-Next-Page-Token' }]);
    for (const name of ['X-Next.Page_Token', 'X_Next_Page_Token', 'X-Next-Page-Token:']) {
      expect(detectCursor(signalsFor(await withHeader(name), '/users')).filter((p) => p.style === 'cursor' && p.cursor_header !== undefined)).toEqual([]);
    }
  });
});
