import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { VENDOR_DOCS, vendorDoc } from '../helpers/vendor-docs.ts';
import { call, MODEL_BASE, result, script as serveScript, sourceOf, turn, type Json, type Msg, type Transcript } from '../helpers/scripted-model.ts';

const script = (steps: ((messages: Msg[]) => Response)[]): Transcript => serveScript(server, steps);

/**
 * Issue 13's scripted conversations: `fetchwright generate <docs> --planner llm` as a user runs it,
 * the model an OpenAI-compatible endpoint msw serves (the real SDK over HTTP). Each script answers
 * as a capable model would — list the operations with filters, read the relevant ones, search the
 * prose, read the security schemes, then submit a decision whose evidence is copied from the tool
 * results the request carried (never from the test's own knowledge of the docs) — and each ends in
 * a proved connector. Real vendor docs (JupyterHub, a folder; PagerDuty; Slack) and two field cases
 * (01: the cursor in a response header; 16: OAuth2 client credentials explained only in prose).
 */

const KEY = 'sk-conv-RECOGNISABLE-0123456789abcdef';
const FIELD_CASES = path.resolve(VENDOR_DOCS, '../field-cases');
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const c = call;
const listOps = (id: string, filter: { method?: string; path_contains?: string; limit?: number }) =>
  c(id, 'list_operations', { method: filter.method ?? null, path_contains: filter.path_contains ?? null, tag: null, offset: null, limit: filter.limit ?? null });

/** Evidence as a model writes it: a text a tool showed, with the source the tool gave for it. */
const cite = (src: string, quote: string) => ({ source: sourceOf(src), quote });
/** The sentence of a search excerpt that contains `words`: the model quotes the sentence, not the cut excerpt. */
function sentenceOf(text: string, words: string): string {
  const s = text.split(/(?<=[.!?])\s+/).find((x) => x.includes(words));
  if (!s) throw new Error(`no sentence with ${words} in ${text}`);
  return s.trim();
}
/** The search hit at a source whose pointer ends with `suffix`. */
function hit(search: Json, suffix: string): Json {
  const h = (search.hits as Json[]).find((x) => (x.src as string).endsWith(suffix));
  if (!h) throw new Error(`no hit at …${suffix}: ${JSON.stringify(search).slice(0, 400)}`);
  return h;
}

interface Planned {
  code: number;
  err: string;
  verdict: string;
  plan: Json;
  bodies: string[];
}

async function generate(docs: string, t: Transcript): Promise<Planned> {
  const bodies = t.bodies;
  const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-llm-conv-'));
  const io = captureIo();
  const env: Record<string, string | undefined> = { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state'), OPENAI_API_KEY: KEY, OPENAI_BASE_URL: MODEL_BASE };
  delete env.GITHUB_TOKEN;
  const code = await main(['generate', docs, '--out', path.join(root, 'out'), '--planner', 'llm', '--model', 'scripted-model', '--json'], io, env as NodeJS.ProcessEnv);
  if (t.broke) expect.fail(`the conversation left the script at ${t.broke}`);
  if (code !== 0) return { code, err: io.err(), verdict: '', plan: {}, bodies };
  const out = JSON.parse(io.out()) as { dir: string; verdict: string };
  return { code, err: io.err(), verdict: out.verdict, plan: JSON.parse(readFileSync(path.join(out.dir, 'plan.json'), 'utf8')) as Json, bodies };
}

/** What every scripted conversation ends in: exit 0, a passing proof, the model named, the key never sent. */
function expectModelPlannedAndProved(r: Planned, rounds: number): void {
  expect(r.code, r.err).toBe(0);
  expect(r.verdict, r.err).toBe('pass');
  expect(r.plan.planner).toMatchObject({ kind: 'llm', model: 'scripted-model', tokens: { rounds } });
  expect(r.plan.planner.fallback).toBeUndefined();
  expect(r.err).toMatch(new RegExp(`planned by scripted-model at model\\.test in ${rounds} rounds`));
  expect(r.bodies).toHaveLength(rounds);
  expect(r.bodies.some((b) => b.includes(KEY) || b.includes(KEY.slice(3, 20)))).toBe(false);
}
const streamsOf = (plan: Json) => (plan.streams as Json[]).map((s) => ({ name: s.name, kind: s.kind, operation_id: s.operation_id, items_path: s.items_path }));
const streamNamed = (plan: Json, name: string): Json => (plan.streams as Json[]).find((s) => s.name === name) ?? expect.fail(`no stream ${name} in ${JSON.stringify(streamsOf(plan))}`);

describe('generate --planner llm: scripted conversations end in passing connectors', () => {
  it('JupyterHub (a folder of docs): users, groups, services and each user\'s tokens read per user by name', async () => {
    const ops = ['GET /users', 'GET /groups', 'GET /services', 'GET /users/{name}/tokens'];
    const transcript = script([
      () => turn(listOps('l1', { method: 'GET', limit: 50 })),
      () => turn(...ops.map((id, i) => c(`s${i}`, 'show_operation', { operation_id: id })), c('sec', 'show_security', {})),
      (m) => {
        const [users, groups, services, tokens] = ops.map((_, i) => result(m, `s${i}`));
        // The tokens' path parameter {name} is "username", and a user's records carry `name`: the parent field.
        expect(tokens!.parameters).toContainEqual(expect.objectContaining({ name: 'name', in: 'path', description: 'username' }));
        expect(users!.response.fields).toContainEqual(expect.stringMatching(/^\[\]\.name: string/));
        const token = (result(m, 'sec').security_schemes as Json[]).find((s) => s.type === 'apiKey')!;
        const ev = (op: Json) => [cite(op.src, op.summary), cite(op.response.src, op.response.description)];
        return turn(
          c('p1', 'submit_plan', {
            streams: [
              { operation_id: users!.id, name: 'users', kind: 'human', items_path: '', parent: null, evidence: ev(users!) },
              { operation_id: groups!.id, name: 'groups', kind: 'group', items_path: '', parent: null, evidence: ev(groups!) },
              { operation_id: services!.id, name: 'services', kind: 'service_account', items_path: '', parent: null, evidence: ev(services!) },
              { operation_id: tokens!.id, name: 'user_tokens', kind: 'token', items_path: '', parent: { stream: 'users', param: 'name', field: 'name' }, evidence: [...ev(tokens!), cite(tokens!.parameters[0].src, tokens!.parameters[0].description)] },
            ],
            auth_scheme: token.key,
          }),
        );
      },
    ]);
    const r = await generate(vendorDoc('jupyterhub'), transcript);
    expectModelPlannedAndProved(r, 3);
    expect(streamsOf(r.plan)).toEqual([
      { name: 'users', kind: 'human', operation_id: 'GET /users', items_path: '' },
      { name: 'groups', kind: 'group', operation_id: 'GET /groups', items_path: '' },
      { name: 'services', kind: 'service_account', operation_id: 'GET /services', items_path: '' },
      { name: 'user_tokens', kind: 'token', operation_id: 'GET /users/{name}/tokens', items_path: '' },
    ]);
    expect(streamNamed(r.plan, 'user_tokens').parent).toMatchObject({ stream: 'users', param: 'name', from_field: 'name', relation: 'owns' });
    expect(r.plan.auth.scheme_keys).toEqual(['token']);
    // The model's quotes joined the stream's evidence, credited to it.
    expect(streamNamed(r.plan, 'user_tokens').evidence).toContainEqual(expect.objectContaining({ quote: 'List tokens for the user', reasoning: expect.stringContaining('scripted-model') }));
  }, 60_000);

  it('PagerDuty: a first decision with a wrong records path is refused, the reason reaches the model, and the corrected one proves teams and their members', async () => {
    let firstDecision: Json = {};
    const transcript = script([
      () => turn(listOps('l1', { method: 'GET', path_contains: 'teams', limit: 20 }), listOps('l2', { method: 'GET', path_contains: 'users', limit: 20 })),
      (m) => {
        // The listing names the lists and their record paths; the model reads the three it wants.
        const lines = [...(result(m, 'l1').operations as string[]), ...(result(m, 'l2').operations as string[])];
        const wanted = ['/teams list=', '/users list=', '/teams/{id}/members list='].map((p) => lines.find((l) => l.includes(` ${p}`))!.split(' ')[0]!);
        return turn(...wanted.map((id, i) => c(`s${i}`, 'show_operation', { operation_id: id })), c('sec', 'show_security', {}));
      },
      (m) => {
        const [teams, users, members] = [0, 1, 2].map((i) => result(m, `s${i}`));
        const ev = (op: Json) => [cite(op.src, op.summary), cite(op.response.src, op.response.description)];
        // A plausible slip: the listing writes `members[]:object`, and the model copies `members[]` as the path.
        firstDecision = {
          streams: [
            { operation_id: teams!.id, name: 'teams', kind: 'group', items_path: 'teams', parent: null, evidence: ev(teams!) },
            { operation_id: users!.id, name: 'users', kind: 'human', items_path: 'users', parent: null, evidence: ev(users!) },
            { operation_id: members!.id, name: 'team_members', kind: 'human', items_path: 'members[]', parent: { stream: 'teams', param: 'id', field: 'id' }, evidence: ev(members!) },
          ],
          auth_scheme: (result(m, 'sec').security_schemes as Json[])[0]!.key,
        };
        return turn(c('p1', 'submit_plan', firstDecision));
      },
      (m) => {
        const verdict = result(m, 'p1');
        expect(verdict.accepted).toBe(false);
        const fixed = structuredClone(firstDecision);
        fixed.streams[2].items_path = 'members';
        return turn(c('p2', 'submit_plan', fixed));
      },
    ]);
    const r = await generate(vendorDoc('pagerduty.json'), transcript);
    expectModelPlannedAndProved(r, 4);
    // The refusal went back to the model in the fourth request, naming the field and the wrong path.
    const fourth = JSON.parse(r.bodies[3]!) as { messages: Msg[] };
    const refusal = result(fourth.messages, 'p1');
    expect(refusal).toMatchObject({ accepted: false });
    expect((refusal.reasons as string[]).join('\n')).toMatch(/^streams\.2\.items_path: .*members\[\]/m);
    expect(streamsOf(r.plan)).toEqual([
      { name: 'teams', kind: 'group', operation_id: 'listTeams', items_path: 'teams' },
      { name: 'users', kind: 'human', operation_id: 'listUsers', items_path: 'users' },
      { name: 'team_members', kind: 'human', operation_id: 'listTeamUsers', items_path: 'members' },
    ]);
    expect(streamNamed(r.plan, 'team_members').parent).toMatchObject({ stream: 'teams', param: 'id', from_field: 'id', relation: 'member_of' });
    expect(r.plan.auth.scheme_keys).toEqual(['api_key']);
  }, 60_000);

  it('Slack: a User Group\'s members are read per group through a query parameter, their records bare user ids', async () => {
    const transcript = script([
      () => turn(listOps('l1', { method: 'GET', path_contains: 'usergroups' }), listOps('l2', { method: 'GET', path_contains: 'users.list' })),
      (m) => {
        const ids = [...(result(m, 'l1').operations as string[]), ...(result(m, 'l2').operations as string[])].map((l) => l.split(' ')[0]!);
        return turn(...['users_list', 'usergroups_list', 'usergroups_users_list'].map((id, i) => c(`s${i}`, 'show_operation', { operation_id: ids.find((x) => x === id) })), c('sec', 'show_security', {}));
      },
      (m) => {
        const [users, groups, members] = [0, 1, 2].map((i) => result(m, `s${i}`));
        // The members list has no path parameter: the group is the required query parameter `usergroup`, an id of usergroups' records.
        const usergroup = (members!.parameters as Json[]).find((p) => p.name === 'usergroup' && p.in === 'query' && p.required)!;
        expect(groups!.response.fields).toContainEqual(expect.stringMatching(/^usergroups\[\]\.id: string/));
        expect(members!.response.fields).toContainEqual(expect.stringMatching(/^users: array</));
        const ev = (op: Json) => [cite(op.src, op.description), cite(op.response.src, op.response.description)];
        return turn(
          c('p1', 'submit_plan', {
            streams: [
              { operation_id: users!.id, name: 'users', kind: 'human', items_path: 'members', parent: null, evidence: ev(users!) },
              { operation_id: groups!.id, name: 'usergroups', kind: 'group', items_path: 'usergroups', parent: null, evidence: ev(groups!) },
              { operation_id: members!.id, name: 'usergroup_users', kind: 'human', items_path: 'users', parent: { stream: 'usergroups', param: usergroup.name, field: 'id' }, evidence: [...ev(members!), cite(usergroup.src, usergroup.description)] },
            ],
            auth_scheme: (result(m, 'sec').security_schemes as Json[])[0]!.key,
          }),
        );
      },
    ]);
    const r = await generate(vendorDoc('slack.json'), transcript);
    expectModelPlannedAndProved(r, 3);
    expect(streamsOf(r.plan)).toEqual([
      { name: 'users', kind: 'human', operation_id: 'users_list', items_path: 'members' },
      { name: 'usergroups', kind: 'group', operation_id: 'usergroups_list', items_path: 'usergroups' },
      { name: 'usergroup_users', kind: 'human', operation_id: 'usergroups_users_list', items_path: 'users' },
    ]);
    expect(streamNamed(r.plan, 'usergroup_users').parent).toMatchObject({ stream: 'usergroups', param: 'usergroup', from_field: 'id', relation: 'member_of', in: 'query' });
    expect(r.plan.auth.scheme_keys).toEqual(['slackAuth']);
  }, 60_000);

  it('field case 01: the next-page token is explained in the prose and a response header; the connector pages by that header', async () => {
    const transcript = script([
      () => turn(listOps('l1', { method: 'GET' })),
      (m) => turn(c('s1', 'show_operation', { operation_id: (result(m, 'l1').operations as string[])[0]!.split(' ')[0] }), c('q1', 'search_docs', { query: 'next page token', limit: null })),
      () => turn(c('sec', 'show_security', {})),
      (m) => {
        const op = result(m, 's1');
        const prose = hit(result(m, 'q1'), '/info/description');
        return turn(
          c('p1', 'submit_plan', {
            streams: [{ operation_id: op.id, name: 'members', kind: 'human', items_path: '', parent: null, evidence: [cite(op.src, op.summary), cite(prose.src, sentenceOf(prose.text, 'X-Next-Page-Token` **response header**'))] }],
            auth_scheme: (result(m, 'sec').security_schemes as Json[])[0]!.key,
          }),
        );
      },
    ]);
    const r = await generate(path.join(FIELD_CASES, '01-cursor-in-header/spec.yaml'), transcript);
    expectModelPlannedAndProved(r, 4);
    expect(streamsOf(r.plan)).toEqual([{ name: 'members', kind: 'human', operation_id: 'listMembers', items_path: '' }]);
    expect(streamNamed(r.plan, 'members').pagination).toMatchObject({ style: 'cursor', cursor_param: 'page_token', cursor_header: 'X-Next-Page-Token' });
    expect(r.plan.auth).toMatchObject({ type: 'bearer', scheme_keys: ['bearerAuth'] });
    expect(streamNamed(r.plan, 'members').evidence).toContainEqual(expect.objectContaining({ source: { file: 'spec.yaml', pointer: '/info/description' }, quote: 'When more records exist, the response carries a `X-Next-Page-Token` **response header**.' }));
  }, 60_000);

  it('field case 16: no security scheme declared, OAuth2 client credentials only in a Markdown page; the plan authenticates as the page says', async () => {
    const transcript = script([
      () => turn(listOps('l1', { method: 'GET' }), c('sec', 'show_security', {})),
      (m) => {
        // No scheme is declared: the model looks for the prose that explains authentication.
        expect(result(m, 'sec').security_schemes).toEqual([]);
        return turn(c('s1', 'show_operation', { operation_id: (result(m, 'l1').operations as string[])[0]!.split(' ')[0] }), c('q1', 'search_docs', { query: 'OAuth', limit: null }), c('q2', 'search_docs', { query: 'scope', limit: null }));
      },
      (m) => {
        const op = result(m, 's1');
        const oauth = hit(result(m, 'q1'), 'authentication.md#L1');
        const scope = hit(result(m, 'q2'), 'authentication.md#L1');
        return turn(
          c('p1', 'submit_plan', {
            streams: [{ operation_id: op.id, name: 'users', kind: 'human', items_path: 'data', parent: null, evidence: [cite(op.src, op.summary), cite(oauth.src, sentenceOf(oauth.text, 'client credentials')), cite(scope.src, sentenceOf(scope.text, 'is enough to list users'))] }],
            // The docs declare no scheme, so there is none to name: fetchwright reads the prose auth itself.
            auth_scheme: null,
          }),
        );
      },
    ]);
    const r = await generate(path.join(FIELD_CASES, '16-oauth2-client-credentials-prose/docs'), transcript);
    expectModelPlannedAndProved(r, 3);
    expect(streamsOf(r.plan)).toEqual([{ name: 'users', kind: 'human', operation_id: 'listUsers', items_path: 'data' }]);
    expect(r.plan.auth).toMatchObject({ type: 'oauth2', prefix: 'Bearer ', client_credentials: { token_url: 'https://login.sellwright.example/oauth2/access-tokens', scopes: ['users.read'] } });
    expect(streamNamed(r.plan, 'users').evidence).toContainEqual(expect.objectContaining({ source: { file: 'authentication.md', pointer: 'L1' }, quote: 'The scope `users.read` is enough to list users.' }));
  }, 60_000);
});
