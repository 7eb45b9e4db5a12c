import { describe, expect, it } from 'vitest';
import { redactUrl } from './call-log.ts';

describe('redactUrl', () => {
  it.each([
    ['https://api.test/v1/users?cursor=abc&limit=10', 'https://api.test/v1/users?cursor=abc&limit=10'],
    ['https://api.test/?access_token=t&apiKey=k&client_secret=s&password=p&sig=x', 'https://api.test/?access_token=REDACTED&apiKey=REDACTED&client_secret=REDACTED&password=REDACTED&sig=REDACTED'],
    ['https://u:p@api.test/a#frag', 'https://api.test/a'],
    ['https://api.test/?q=a%20b&next_page_token=zz', 'https://api.test/?q=a%20b&next_page_token=REDACTED'],
    ['https://api.test/?flag&api%5Fkey=v', 'https://api.test/?flag&api%5Fkey=REDACTED'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(new URL(input))).toBe(expected);
  });
});
