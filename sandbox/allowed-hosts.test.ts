import { describe, expect, it } from 'vitest';
import { isAllowedHost, parseAllowedHost } from './allowed-hosts.ts';

describe('allowed hosts', () => {
  it('parses host and host:port entries the way URLs are parsed', () => {
    expect(parseAllowedHost('API.Example.com')).toEqual({ hostname: 'api.example.com', port: null });
    expect(parseAllowedHost('localhost:4010')).toEqual({ hostname: 'localhost', port: 4010 });
    expect(parseAllowedHost('[::1]:8080')).toEqual({ hostname: '[::1]', port: 8080 });
    expect(parseAllowedHost('bücher.example')).toEqual({ hostname: 'xn--bcher-kva.example', port: null });
  });

  it.each(['https://api.example.com', 'api.example.com/v1', 'user@api.example.com', 'api.example.com:99999', '', 'a b'])('rejects %j', (entry) => {
    expect(parseAllowedHost(entry)).toBeUndefined();
  });

  it('matches the exact host, on the default port unless a port is named', () => {
    const allowed = [parseAllowedHost('api.example.com')!, parseAllowedHost('localhost:4010')!];
    const ok = (u: string) => isAllowedHost(new URL(u), allowed);
    expect(ok('https://api.example.com/x')).toBe(true);
    expect(ok('http://api.example.com/x')).toBe(true);
    expect(ok('https://api.example.com:444/x')).toBe(false);
    expect(ok('https://evil.api.example.com/')).toBe(false);
    expect(ok('https://api.example.com.evil.test/')).toBe(false);
    expect(ok('http://localhost:4010/')).toBe(true);
    expect(ok('http://localhost/')).toBe(false);
  });
});
