import { describe, expect, it } from 'vitest';
import { fillPath, linkTarget, queryParam, resolveUrl, withQuery } from './url.ts';

describe('template url', () => {
  it('fills path parameters, encoded, and refuses a missing one', () => {
    expect(fillPath('/users/{name}/tokens', { name: 'a b/c' })).toBe('/users/a%20b%2Fc/tokens');
    expect(() => fillPath('/users/{id}', {})).toThrow(/no value for path parameter \{id\}/);
  });

  it('sets query parameters, replacing an existing value', () => {
    expect(withQuery('https://x.test/u?limit=5&q=1', { limit: 50, cursor: 'a=b' })).toBe('https://x.test/u?q=1&limit=50&cursor=a%3Db');
    expect(withQuery('https://x.test/u', {})).toBe('https://x.test/u');
  });

  it('resolves absolute, host-relative and path-relative next links', () => {
    const from = 'https://api.test/2010-04-01/Accounts.json?Page=0';
    expect(resolveUrl('https://other.test/x', from)).toBe('https://other.test/x');
    expect(resolveUrl('/2010-04-01/Accounts.json?Page=1', from)).toBe('https://api.test/2010-04-01/Accounts.json?Page=1');
    expect(resolveUrl('Accounts.json?Page=2', from)).toBe('https://api.test/2010-04-01/Accounts.json?Page=2');
    expect(resolveUrl('?page=3', 'https://api.test/v1/users?page=2')).toBe('https://api.test/v1/users?page=3');
  });

  it('reads the rel=next target of a Link header among others', () => {
    const header = '<https://o.test/api/v1/users?limit=2>; rel="self", <https://o.test/api/v1/users?after=00u2&limit=2>; rel="next"';
    expect(linkTarget(header, 'next')).toBe('https://o.test/api/v1/users?after=00u2&limit=2');
    expect(linkTarget('<https://o.test/a>; rel="self"', 'next')).toBeUndefined();
    expect(queryParam('https://o.test/api?after=00u2&limit=2', 'after')).toBe('00u2');
  });
});
