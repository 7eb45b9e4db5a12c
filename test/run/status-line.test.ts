import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { writeConnectorDir } from '../../agent/generate/connector-dir.ts';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { arrayOf, listOp, modelOf, openapi, USER } from '../helpers/spec.ts';

/**
 * A server whose status line holds a control character (`HTTP/1.1 200 \x1b[2JOK`): RFC 9112 §4 has
 * a client ignore the reason-phrase, and `Response` refuses one that is not a reason-phrase. Reported
 * before: the response observer locked the body, then handed on the locked response, and `run`
 * ended in an internal error (exit 1, `ReadableStream is locked`, an audit log ending at `start`).
 * Now the status text is dropped: a 200 is read as a 200, a 404 or 500 is the run's own finding.
 */

const TOKEN = 'fw-status-line-token-3b9e7d1c';
const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-status-line-'));
const state = path.join(root, 'state');
let dir = '';
const servers: Server[] = [];

/** A raw HTTP/1.1 server on 127.0.0.1 answering every request with `statusLine` and `body`. */
async function rawServer(statusLine: string, body: unknown): Promise<string> {
  const server = createServer((sock) => {
    let head = '';
    sock.on('data', (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const bytes = Buffer.from(JSON.stringify(body));
      sock.end(Buffer.concat([Buffer.from(`${statusLine}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`, 'latin1'), bytes]));
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const model = await modelOf(openapi({ '/users': listOp(arrayOf(USER)) }, { components: { securitySchemes: { t: { type: 'http', scheme: 'bearer' } } }, security: [{ t: [] }] }));
  const generated = await generateConnector(model, planHeuristically(model), { seed: 1, maxAttempts: 1, force: false });
  dir = writeConnectorDir(path.join(root, 'connectors'), generated).dir;
}, 60_000);

afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

async function run(base: string) {
  const io = captureIo();
  const report = path.join(root, `report-${servers.length}.json`);
  const code = await main(['run', dir, '--base-url', base, '--credential-env', 'API_TOKEN', '--report', report], io, { ...process.env, FETCHWRIGHT_STATE_DIR: state, API_TOKEN: TOKEN });
  const audit = readFileSync(path.join(state, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: string; outcome?: string });
  return { code, out: io.out(), err: io.err(), audit };
}

describe('fetchwright run against a status line with a control character', () => {
  it('a 200 with `\\x1b` in its reason-phrase is read as a 200: the run completes, audited', async () => {
    const r = await run(await rawServer('HTTP/1.1 200 \x1b[2JOK', [{ id: 'u1', name: 'a', email: 'a@x.test' }]));
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/COMPLETE/);
    expect(r.out + r.err).not.toContain('\x1b');
    expect(r.audit.at(-1)).toMatchObject({ step: 'end' });
  }, 30_000);

  it('a 404 with `\\x1b` in its reason-phrase is the run finding of a 404, never an internal error', async () => {
    const r = await run(await rawServer('HTTP/1.1 404 \x1b]52;c;cHduZWQ=\x07Oops', { error: 'nope' }));
    expect(r.code, r.err + r.out).toBe(28);
    expect(r.out).toMatch(/INCOMPLETE[\s\S]*404/);
    expect(r.out + r.err).not.toMatch(/ReadableStream|\x1b/);
    expect(r.audit.at(-1)).toMatchObject({ step: 'end' });
  }, 30_000);
});
