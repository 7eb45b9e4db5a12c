import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, signalsFor, USER } from '../../../test/helpers/spec.ts';
import { detectNextUrl } from './next-url.ts';

async function nextOf(path: string, body: object, more: { parameters?: object[]; example?: unknown } = {}) {
  const model = await modelOf(openapi({ [path]: listOp(body, more) }));
  return detectNextUrl(signalsFor(model, path));
}

describe('detectNextUrl', () => {
  it('follows an absolute next URL (DigitalOcean links.pages.next)', async () => {
    const [found] = await nextOf(
      '/v2/account/keys',
      {
        type: 'object',
        properties: {
          ssh_keys: arrayOf({ id: { type: 'integer' }, fingerprint: { type: 'string' }, name: { type: 'string' } }),
          links: { type: 'object', properties: { pages: { type: 'object', properties: { first: { type: 'string' }, prev: { type: 'string' }, next: { type: 'string' }, last: { type: 'string' } } } } },
          meta: { type: 'object', properties: { total: { type: 'integer' } } },
        },
      },
      {
        parameters: [query('per_page', { type: 'integer', maximum: 200 }), query('page', { type: 'integer' })],
        example: { ssh_keys: [], links: { pages: { next: 'https://api.digitalocean.com/v2/account/keys?page=2&per_page=20', last: 'https://api.digitalocean.com/v2/account/keys?page=3&per_page=20' } }, meta: { total: 50 } },
      },
    );
    expect(found).toMatchObject({ style: 'next-url', next_path: 'links.pages.next', relative: false, limit_param: 'per_page', page_size: 200, stops: [{ when: 'no-next' }, { when: 'total-reached', path: 'meta.total' }] });
  });

  it('knows a relative next URI (Twilio next_page_uri) from its example', async () => {
    const [found] = await nextOf(
      '/2010-04-01/Accounts.json',
      {
        type: 'object',
        properties: {
          accounts: arrayOf({ sid: { type: 'string' }, friendly_name: { type: 'string' }, status: { type: 'string' } }),
          next_page_uri: { type: 'string', nullable: true, example: '/2010-04-01/Accounts.json?PageSize=50&Page=1&PageToken=PAAC' },
          uri: { type: 'string' },
        },
      },
      { parameters: [query('PageSize', { type: 'integer', maximum: 1000 })] },
    );
    expect(found).toMatchObject({ next_path: 'next_page_uri', relative: true, limit_param: 'PageSize' });
  });

  it('without an example, a `_uri` name reads as relative and a `_url` name as absolute', async () => {
    const [uri] = await nextOf('/users', { type: 'object', properties: { users: arrayOf(USER), next_page_uri: { type: 'string' } } });
    expect(uri).toMatchObject({ next_path: 'next_page_uri', relative: true });
    const [url] = await nextOf('/users', { type: 'object', properties: { users: arrayOf(USER), next_page_url: { type: 'string' } } });
    expect(url).toMatchObject({ next_path: 'next_page_url', relative: false });
  });

  it('ignores a `next` that is an object, not a URL', async () => {
    expect(await nextOf('/users', { type: 'object', properties: { users: arrayOf(USER), next: { type: 'object', properties: { offset: { type: 'integer' } } } } })).toEqual([]);
  });

  it('finds nothing in a bare array', async () => {
    expect(await nextOf('/users', arrayOf(USER))).toEqual([]);
  });
});
