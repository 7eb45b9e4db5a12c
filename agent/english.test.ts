import { describe, expect, it } from 'vitest';
import { article, count, listInWords, withArticle } from './english.ts';

describe('english', () => {
  it('counts with the right plural', () => {
    expect(count(1, 'stream')).toBe('1 stream');
    expect(count(0, 'stream')).toBe('0 streams');
    expect(count(2, 'entry', 'entries')).toBe('2 entries');
    expect(count(12_000, 'file')).toBe('12,000 files');
  });

  it('picks the article by sound, initialisms letter by letter', () => {
    expect(withArticle('API key')).toBe('an API key');
    expect(withArticle('OAuth 2.0 access token')).toBe('an OAuth 2.0 access token');
    expect(withArticle('oauth2 credential')).toBe('an oauth2 credential');
    expect(withArticle('HTTP header')).toBe('an HTTP header');
    expect(withArticle('URL')).toBe('a URL');
    expect(withArticle('user')).toBe('a user');
    expect(withArticle('unknown field')).toBe('an unknown field');
    expect(withArticle('one-time token')).toBe('a one-time token');
    expect(withArticle('hour')).toBe('an hour');
    expect(withArticle('bearer token')).toBe('a bearer token');
    expect(article('api_key')).toBe('an');
  });

  it('lists in words', () => {
    expect(listInWords([])).toBe('');
    expect(listInWords(['a'])).toBe('a');
    expect(listInWords(['a', 'b'])).toBe('a and b');
    expect(listInWords(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
