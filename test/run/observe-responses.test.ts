import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import { ObservedShapes } from '../../agent/observed/observed-shapes.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { parseDeprecation, parseSunset, retirementLinks } from '../../agent/run/deprecation-headers.ts';
import { MAX_OBSERVED_BODIES, ResponseObserver } from '../../agent/run/observe-responses.ts';
import { planOf } from '../helpers/vendor-docs.ts';

/**
 * The host-side observation of a live run (issue 9): each response is tapped on its way to the gate
 * (the same bytes handed on), matched to the plan's path template, and folded into shapes with no
 * value kept; calls to no stream's path are counted; Sunset/Deprecation headers are kept for the report.
 */

const BASE = 'http://127.0.0.1:8081/hub/api';
let plan: ConnectorPlan;
let model: ApiModel;
beforeAll(async () => {
  ({ plan, model } = await planOf('jupyterhub'));
});

const observer = (maxResponseBytes = 64 * 1024, secrets: string[] = []) => new ResponseObserver({ plan, model, baseUrl: BASE, maxResponseBytes, secrets });
const get = (p: string) => new Request(`http://127.0.0.1:8081${p}`);
/** A response whose body arrives in the given chunks (bytes), as a network would split it. */
function chunked(chunks: Uint8Array[], init: ResponseInit): Response {
  return new Response(new ReadableStream({ start: (c) => (chunks.forEach((x) => c.enqueue(x)), c.close()) }), init);
}

const SEEDED = ['zq-secret-alice-71', 'zq71@secret.example', 'zq-secret-header-71', 'zq-secret-query-71', 'zq-secret-svc-71', 'zq-secret-note-71', 'zq-secret-group-71'];

describe('ResponseObserver', () => {
  it('hands on the same bytes, split anywhere (a multi-byte character across chunks), and keeps no value', async () => {
    const o = observer();
    const record = { name: SEEDED[0], email: SEEDED[1], 'größe': 3, note: `${SEEDED[5]} — ✓ ünïcode`, admin: false, last_activity: null };
    const body = JSON.stringify([record, { ...record, name: 'zq-secret-bob-72' }]);
    const bytes = new TextEncoder().encode(body);
    const cut = bytes.indexOf(0xc3) + 1; // inside the ö of a field name
    const headers = { 'content-type': 'application/json; charset=utf-8', 'X-Zq-Trace': SEEDED[2]! };
    const handed = o.observe(get(`/hub/api/users?offset=0&limit=200&zqq=${SEEDED[3]}`), chunked([bytes.slice(0, cut), bytes.slice(cut)], { status: 200, headers }));
    expect(await handed.text()).toBe(body);
    expect(handed.status).toBe(200);
    expect(handed.headers.get('x-zq-trace')).toBe(SEEDED[2]);
    const services = o.observe(get('/hub/api/services'), Response.json({ [SEEDED[4]!]: { name: SEEDED[4], admin: false, roles: [SEEDED[6]] } }));
    await services.text();
    const shapes = o.shapes({ plan_sha256: 'a'.repeat(64), observed_at: '2026-01-01T00:00:00.000Z' });
    expect(ObservedShapes.safeParse(shapes).success).toBe(true);
    const users = shapes.operations.find((x) => x.path === '/users')!;
    expect(users).toMatchObject({ method: 'GET', stream: 'users', responses: [{ status: 200, content_type: 'application/json', header_names: ['content-type'], count: 1 }] });
    expect(users.responses[0]!.body).toMatchObject({ type: 'array', items: { properties: { email: { type: 'string', format: 'email' }, last_activity: { type: 'null' } }, additionalProperties: { type: 'integer' } } });
    // Not in the form of an identifier: folded (its value's shape kept), the name dropped.
    expect(Object.keys(users.responses[0]!.body!.items!.properties!)).not.toContain('größe');
    expect(shapes.operations.find((x) => x.path === '/services')!.responses[0]!.body).toMatchObject({ type: 'object', additionalProperties: { type: 'object' }, 'x-map-key': 'name' });
    const text = JSON.stringify(shapes);
    for (const v of SEEDED) expect(text).not.toContain(v);
  });

  it('matches a URL to its path template ({x} = one segment, the base path stripped); other paths are calls outside the plan', async () => {
    const o = observer();
    await o.observe(get('/hub/api/users/zq-secret-alice-71/tokens'), Response.json([])).text();
    await o.observe(get('/hub/api/users/zq-secret-alice-71/tokens/'), Response.json([])).text();
    await o.observe(get('/hub/api/elsewhere/users'), Response.json([])).text();
    await o.observe(get('/hub/api/elsewhere/users'), Response.json([])).text();
    await o.observe(get('/hub/xyz/users'), Response.json([])).text();
    await o.observe(get('/hub/api/users/a/b/tokens'), Response.json([])).text();
    const ops = o.operations();
    expect(ops.map((x) => [x.path, x.responses[0]!.count])).toEqual([['/users/{name}/tokens', 2]]);
    expect(o.outsidePlan()).toEqual({ total: 4, calls: [{ method: 'GET', path: '/hub/api/elsewhere/users', count: 2 }, { method: 'GET', path: '/hub/xyz/users', count: 1 }, { method: 'GET', path: '/hub/api/users/a/b/tokens', count: 1 }] });
  });

  it('a body past the cap is handed on whole but not observed; a cancelled body (a redirect) and a 204 count their status only', async () => {
    const o = observer(100);
    const big = JSON.stringify([{ name: 'x'.repeat(200) }]);
    expect(await o.observe(get('/hub/api/users'), new Response(big, { status: 200, headers: { 'content-type': 'application/json' } })).text()).toBe(big);
    const redirect = o.observe(get('/hub/api/groups'), new Response('{"moved": true}', { status: 302, headers: { location: '/hub/api/groups2' } }));
    await redirect.body?.cancel();
    o.observe(get('/hub/api/services'), new Response(null, { status: 204 }));
    const byPath = Object.fromEntries(o.operations().map((x) => [x.path, x.responses]));
    expect(byPath['/users']).toEqual([{ status: 200, content_type: 'application/json', header_names: ['content-type'], count: 1, body: null }]);
    expect(byPath['/groups']).toEqual([{ status: 302, content_type: 'text/plain', header_names: ['content-type', 'location'], count: 1, body: null }]);
    expect(byPath['/services']).toMatchObject([{ status: 204, count: 1, body: null }]);
  });

  it('Sunset and Deprecation headers and their links, per operation, for the report (the RFC 9745 date, the older `true`)', async () => {
    const o = observer();
    const headers = { sunset: 'Wed, 11 Nov 2026 11:11:11 GMT', deprecation: '@1688169599', link: '<https://hub.example/docs/deprecation>; rel="deprecation"; type="text/html", <https://hub.example/next>; rel="next", <https://hub.example/sunset>; rel=sunset' };
    await o.observe(get('/hub/api/users'), Response.json([], { headers })).text();
    await o.observe(get('/hub/api/users'), Response.json([], { headers })).text();
    await o.observe(get('/hub/api/groups'), Response.json([], { headers: { deprecation: 'true' } })).text();
    expect(o.deprecations()).toEqual([
      { stream: 'users', operation: 'GET /users', sunset: '2026-11-11T11:11:11.000Z', deprecation: '2023-06-30T23:59:59.000Z', links: [{ rel: 'deprecation', url: 'https://hub.example/docs/deprecation' }, { rel: 'sunset', url: 'https://hub.example/sunset' }], responses: 2 },
      { stream: 'groups', operation: 'GET /groups', sunset: null, deprecation: 'true', links: [], responses: 1 },
    ]);
    expect(parseDeprecation('Sun, 11 Nov 2018 23:59:59 GMT')).toBe('2018-11-11T23:59:59.000Z');
    expect(parseSunset('soon\u001b[31m')).toBe('soon[31m');
    expect(retirementLinks('<https://a>; rel="deprecation sunset"')).toEqual([{ rel: 'sunset', url: 'https://a' }, { rel: 'deprecation', url: 'https://a' }]);
  });

  it('no form of a secret of the run in any name or value kept: field names, header names, the media type, retirement values and links (any case, any encoding)', async () => {
    const token = 'FwLiveAbCdEf1234567890XyZ';
    const later = 'AccessTok_AbCdEfGh12345678';
    const o = observer(64 * 1024, [token]);
    const b64u = Buffer.from(token).toString('base64url');
    const forms = [token, token.toLowerCase(), encodeURIComponent(token).replace(/[A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`), Buffer.from(token).toString('hex'), b64u, [...token].map((c) => `&#${c.charCodeAt(0)};`).join('')];
    const record = (name: string) => ({ name, ...Object.fromEntries(forms.map((f, i) => [f, i])) });
    const headers = { 'content-type': `application/x.${b64u.toLowerCase()}+json`, [`x-${token}`]: '1', [`x-acct-${b64u.toLowerCase()}`]: '1', sunset: `tok ${Buffer.from(token).toString('base64')}`, deprecation: token.toLowerCase(), link: `<https://notice.example/${b64u}>; rel="deprecation", <https://n.example/${Buffer.from(token).toString('hex')}>; rel="sunset"` };
    await o.observe(get('/hub/api/users'), Response.json([record('a'), record('b')], { headers })).text();
    // A token the run obtains mid-run (OAuth), reflected on a later page.
    o.addSecret(later);
    await o.observe(get('/hub/api/users?offset=2'), Response.json([{ name: 'c', [later.toUpperCase()]: 1 }, { name: 'd', [later.toUpperCase()]: 1 }], { headers: { 'x-trace': later.toLowerCase() } })).text();
    await o.observe(get(`/hub/api/elsewhere/${token}`), Response.json([])).text();
    const shapes = o.shapes({ plan_sha256: 'a'.repeat(64), observed_at: '2026-01-01T00:00:00.000Z' });
    const out = JSON.stringify([shapes, o.deprecations(), o.outsidePlan()]).toLowerCase();
    for (const f of [...forms, later, Buffer.from(later).toString('hex')]) expect(out).not.toContain(f.toLowerCase().slice(0, 12));
    const users = shapes.operations.find((x) => x.path === '/users')!.responses[0]!;
    expect(Object.keys(users.body!.items!.properties!)).toEqual(['name']);
    expect(users.content_type).toBe('unrecognised');
    expect(users.header_names).toEqual(['content-type', 'deprecation', 'link', 'sunset']);
    expect(o.deprecations()[0]).toMatchObject({ sunset: 'REDACTED', deprecation: 'REDACTED', links: [{ rel: 'deprecation', url: 'REDACTED' }, { rel: 'sunset', url: 'REDACTED' }] });
    expect(o.outsidePlan().calls[0]!.path).toBe('REDACTED');
  });

  it('a header name seen on one response only may be data: left out; kept when it recurs, is standard, or the docs declare it', async () => {
    const o = observer();
    await o.observe(get('/hub/api/users'), Response.json([], { headers: { 'x-user-jane-doe': '1', 'x-hub-version': '3', 'retry-after': '1' } })).text();
    await o.observe(get('/hub/api/users?offset=0'), Response.json([], { headers: { 'x-hub-version': '3' } })).text();
    const [users] = o.operations();
    expect(users!.responses[0]!.header_names).toEqual(['content-type', 'retry-after', 'x-hub-version']);
  });

  it('header names kept only in the form of one, media types only as type/subtype', async () => {
    const o = observer();
    const headers = { 'content-type': 'Application/JSON; charset=utf-8', 'x-user-jane.doe.ssn-078051120': '1', 'x-request-id': '1', 'x_underscore': '1' };
    await o.observe(get('/hub/api/users'), Response.json([], { headers })).text();
    await o.observe(get('/hub/api/groups'), new Response('[]', { headers: { 'content-type': 'application json' } })).text();
    const [users, groups] = o.operations();
    expect(users!.responses[0]).toMatchObject({ content_type: 'application/json', header_names: ['content-type', 'x-request-id'] });
    expect(groups!.responses[0]!.content_type).toBe('unrecognised');
  });

  it(`a sample: the first ${MAX_OBSERVED_BODIES} bodies of an operation are observed, the rest give status and header names; the shapes say so`, async () => {
    const o = observer();
    for (let i = 0; i < MAX_OBSERVED_BODIES + 5; i++) {
      const late = i >= MAX_OBSERVED_BODIES ? { late: i } : {};
      const handed = o.observe(get(`/hub/api/users?offset=${i}`), Response.json([{ name: `u${i}`, ...late }, { name: 'v', ...late }], { headers: { 'x-page': String(i) } }));
      expect(await handed.json()).toHaveLength(2);
    }
    await o.observe(get('/hub/api/groups'), Response.json([])).text();
    const [users, groups] = o.operations();
    expect(users).toMatchObject({ bodies_observed: MAX_OBSERVED_BODIES, responses: [{ status: 200, count: MAX_OBSERVED_BODIES + 5, header_names: ['content-type', 'x-page'] }] });
    // The late pages' records were not read: their `late` field is not in the shape.
    expect(users!.responses[0]!.body!.items).toEqual({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
    expect(groups).not.toHaveProperty('bodies_observed');
    expect(ObservedShapes.safeParse(o.shapes({ plan_sha256: 'a'.repeat(64), observed_at: '2026-01-01T00:00:00.000Z' })).success).toBe(true);
  });
});
