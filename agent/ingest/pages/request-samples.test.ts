import { describe, expect, it } from 'vitest';
import { parsePrinted, requestSamples } from './request-samples.ts';

/** The requests a page shows, read from code blocks as a person reads them; nothing evaluated. */
describe('requestSamples', () => {
  it('reads an interactive session: a GET and its printed response, a POST with data, a PATCH by name, an assigned call with no printed response', () => {
    const code = [
      ">>> dump_json('http://localhost:9001/3.0/users?count=1&page=1')",
      'entry 0:',
      '    display_name: Anne Person',
      '    is_server_owner: False',
      '    user_id: 1',
      'start: 0',
      'total_size: 2',
      ">>> dump_json('http://localhost:9001/3.0/users', {",
      "...           'email': 'cris@example.com',",
      '...           })',
      'status: 201',
      ">>> dump_json('http://localhost:9001/3.0/users/1', {'display_name': 'A'}, method='PATCH')",
      ">>> json = call_http('http://localhost:9001/3.0/lists?count=10&page=1')",
    ].join('\n');
    const samples = requestSamples(code);
    expect(samples.map((s) => [s.method, s.url])).toEqual([
      ['get', 'http://localhost:9001/3.0/users?count=1&page=1'],
      ['post', 'http://localhost:9001/3.0/users'],
      ['patch', 'http://localhost:9001/3.0/users/1'],
      ['get', 'http://localhost:9001/3.0/lists?count=10&page=1'],
    ]);
    expect(samples[0]!.response).toEqual({ entries: [{ display_name: 'Anne Person', is_server_owner: false, user_id: 1 }], start: 0, total_size: 2 });
    expect(samples[3]!.response).toBeUndefined();
    expect(samples[0]!.line).toBe(">>> dump_json('http://localhost:9001/3.0/users?count=1&page=1')");
  });

  it('joins a URL the session wrote as adjacent string literals over `...` lines (the language concatenates them)', () => {
    const code = [
      ">>> dump_json('http://localhost:9001/3.0/addresses/'",
      "...           'hperson@example.com/memberships')",
      'entry 0:',
      '    list_id: ant.example.com',
      '    member_id: 10',
      'total_size: 1',
      ">>> dump_json(\"http://localhost:9001/3.0/\" 'users', {'email': 'x@example.com'})",
      ">>> dump_json(base + 'users')",
    ].join('\n');
    const samples = requestSamples(code);
    expect(samples.map((s) => [s.method, s.url])).toEqual([
      ['get', 'http://localhost:9001/3.0/addresses/hperson@example.com/memberships'],
      ['post', 'http://localhost:9001/3.0/users'],
    ]);
    expect(samples[0]!.response).toEqual({ entries: [{ list_id: 'ant.example.com', member_id: 10 }], total_size: 1 });
  });

  it('reads HTTP request lines and curl commands (a -X or --data makes the method)', () => {
    const samples = requestSamples(['GET /3.1/users HTTP/1.1', 'DELETE /3.1/users/7', "curl -u admin:secret 'https://api.acme.example/v2/members?limit=50'", 'curl -X POST https://api.acme.example/v2/members \\', "  -d '{\"email\": \"a@b.c\"}'"].join('\n'));
    expect(samples.map((s) => [s.method, s.url])).toEqual([
      ['get', '/3.1/users'],
      ['delete', '/3.1/users/7'],
      ['get', 'https://api.acme.example/v2/members?limit=50'],
      ['post', 'https://api.acme.example/v2/members'],
    ]);
  });
});

describe('parsePrinted', () => {
  it('reads JSON, the indented key: value form with nested blocks, and nothing from prose', () => {
    expect(parsePrinted('{"items": [{"id": 1}]}')).toEqual({ items: [{ id: 1 }] });
    expect(parsePrinted('member 0:\n    address: a@example.com\n    role: owner\nmember 1:\n    address: b@example.com\n    role: member\ntotal_size: 2')).toEqual({ members: [{ address: 'a@example.com', role: 'owner' }, { address: 'b@example.com', role: 'member' }], total_size: 2 });
    expect(parsePrinted('preferences:\n    delivery_mode: regular\nself_link: "x"')).toEqual({ preferences: { delivery_mode: 'regular' }, self_link: 'x' });
    expect(parsePrinted('<User "" (3) at ...>')).toBeUndefined();
    expect(parsePrinted('{not json')).toBeUndefined();
  });

  it('stays linear and bounded on a hostile block (100,000 lines)', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => `entry ${i}:\n    id: ${i}`).join('\n');
    const parsed = parsePrinted(big) as { entries: unknown[] };
    // No list is longer than the lines a session prints for it (400): an index past them is no element.
    expect(parsed.entries).toHaveLength(400);
    // `entry 4294967294:` asks for a list of four billion: ignored, not allocated.
    expect(parsePrinted('entry 0:\n    id: 1\nentry 4294967294:\n    id: 2')).toEqual({ entries: [{ id: 1 }] });
    expect(requestSamples(`>>> dump_json('http://x.example/a')\n${big}`)[0]!.response).toBeDefined();
  });
});

describe('a sample whose URL no parser accepts', () => {
  it('is no request: the page\'s other requests are still read, nothing throws', async () => {
    const { modelFromPages } = await import('./pages-model.ts');
    const html = '<h1>Users</h1><pre>curl https://[bad/v1/users\nGET https://api.acme.example/v1/users HTTP/1.1</pre>';
    const model = modelFromPages([{ source: 'p.html', html }]);
    expect(model.operations.map((o) => o.id)).toEqual(['GET /v1/users']);
  });
});
