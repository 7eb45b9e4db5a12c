import { isIP } from 'node:net';

/**
 * Loopback hosts: where a live run allows plain http (a test server on this machine) — for the
 * API's base URL and for an OAuth 2 token endpoint alike. `localhost`, `::1` and 127.0.0.0/8.
 */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}
