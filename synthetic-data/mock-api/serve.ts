import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockVendor } from './mock-vendor.ts';

/**
 * Serves a mock vendor on 127.0.0.1 for a person to explore: a request to
 * `http://127.0.0.1:PORT/<path>` is answered as the mock answers `<mock base origin>/<path>`.
 * Loopback only; bodies are ignored (the mock refuses every write anyway).
 */
export async function serveMock(mock: MockVendor, port: number): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const origin = new URL(mock.baseUrl).origin;
  const server = createServer((req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    headers.delete('host');
    req.resume();
    mock
      .fetch(new Request(`${origin}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers }))
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((e: Error) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: e.message }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
