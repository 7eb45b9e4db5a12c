import { describe, expect, it } from 'vitest';
import { isAllowedOrigin, parseAllowedOrigin } from './allowed-hosts.ts';

describe('allowed origins', () => {
  it('parses origins the way URLs are parsed (case, IDN, default port, IPv6)', () => {
    expect(parseAllowedOrigin('https://API.Example.com')).toBe('https://api.example.com');
    expect(parseAllowedOrigin('https://api.example.com:443')).toBe('https://api.example.com');
    expect(parseAllowedOrigin('https://api.example.com/')).toBe('https://api.example.com');
    expect(parseAllowedOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(parseAllowedOrigin('https://[::1]:8443')).toBe('https://[::1]:8443');
    expect(parseAllowedOrigin('https://bücher.example')).toBe('https://xn--bcher-kva.example');
  });

  it.each([
    'api.example.com',
    'api.example.com:443',
    'https://api.example.com/v1',
    'https://api.example.com?x=1',
    'https://api.example.com/#',
    'https://user@api.example.com',
    'https://api.example.com:99999',
    'ftp://api.example.com',
    'gopher://127.0.0.1:6379',
    ' https://api.example.com',
    '',
  ])('rejects %j', (entry) => {
    expect(parseAllowedOrigin(entry)).toBeUndefined();
  });

  it('matches the exact origin: scheme, host and port', () => {
    const allowed = new Set(['https://api.example.com', 'http://localhost:4010']);
    const ok = (u: string) => isAllowedOrigin(new URL(u), allowed);
    expect(ok('https://api.example.com/x')).toBe(true);
    expect(ok('https://api.example.com:443/x')).toBe(true);
    expect(ok('http://api.example.com/x')).toBe(false);
    expect(ok('http://api.example.com:443/x')).toBe(false);
    expect(ok('https://api.example.com:444/x')).toBe(false);
    expect(ok('https://evil.api.example.com/')).toBe(false);
    expect(ok('https://api.example.com.evil.test/')).toBe(false);
    expect(ok('http://localhost:4010/')).toBe(true);
    expect(ok('https://localhost:4010/')).toBe(false);
    expect(ok('http://localhost/')).toBe(false);
  });
});
