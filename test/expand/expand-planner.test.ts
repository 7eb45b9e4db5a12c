import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { crewline, KEYS_PARAM_SAYS } from '../helpers/crewline-docs.ts';
import { HttpResponse } from 'msw';
import { call, result, sourceOf, turn, type Msg } from '../helpers/scripted-model.ts';

/**
 * `fetchwright expand --planner auto --model …` (issue 13): each vendor's job runs in its own worker
 * process, so the scripted model is a real OpenAI-compatible server on loopback (msw cannot reach
 * another process), answering as a capable model would from what each request carries. The heuristic
 * plan of Crewline fails its proof; the worker asks the model to repair it; the repaired connector is
 * written and recorded. The planner and the model are inputs: the same run again skips the vendor
 * without a question, another model does not.
 */

const KEY = 'sk-expand-RECOGNISABLE-0123456789abcdef';
let server: Server;
let base: string;
const bodies: string[] = [];
/** The endpoint answers 503 to everything while this is set. */
let down = false;

/**
 * The conversation, step by what the last message is: show the plan, read the operation, submit the
 * review — a repair of the user keys' parent, or the service accounts the heuristics doubted.
 */
function answer(messages: Msg[]): Response {
  const tools = messages.filter((m) => m.role === 'tool');
  const last = tools.at(-1);
  if (!last) return turn(call('p', 'show_plan', {}));
  const doubts = (result(messages, 'p').doubts ?? []) as { operation_id: string }[];
  if (doubts.some((d) => d.operation_id === 'listServiceAccounts')) {
    if (last.tool_call_id === 'p') return turn(call('o', 'show_operation', { operation_id: 'listServiceAccounts' }));
    return turn(call('s', 'submit_review', { drop: [], add: [{ operation_id: 'listServiceAccounts', name: 'service_accounts', kind: 'service_account', items_path: 'data.page.entries', parent: null, evidence: [{ source: sourceOf(result(messages, 'o').src as string), quote: 'The accounts are in data.page.entries.' }] }] }));
  }
  if (last.tool_call_id === 'p') return turn(call('o', 'show_operation', { operation_id: 'listUserKeys' }));
  const param = (result(messages, 'o').parameters as { name: string; src: string }[]).find((p) => p.name === 'username')!;
  const evidence = [{ source: sourceOf(param.src), quote: KEYS_PARAM_SAYS }];
  return turn(call('s', 'submit_review', { drop: [{ stream: 'user_keys', evidence }], add: [{ operation_id: 'listUserKeys', name: 'user_keys', kind: 'ssh_key', items_path: '', parent: { stream: 'users', param: 'username', field: 'login' }, evidence }] }));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(text);
      const reply = (down ? () => HttpResponse.json({ error: { message: 'overloaded' } }, { status: 503 }) : answer)((JSON.parse(text) as { messages: Msg[] }).messages);
      void reply.text().then((body) => {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function expand(root: string, catalogue: string, modelName: string) {
  const io = captureIo();
  const env: Record<string, string | undefined> = { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'fw'), OPENAI_API_KEY: KEY, OPENAI_BASE_URL: base, CI: '1' };
  delete env.GITHUB_TOKEN;
  const code = await main(['expand', '--catalog', catalogue, '--state', path.join(root, 'state'), '--out', path.join(root, 'out'), '--concurrency', '1', '--planner', 'auto', '--model', modelName, '--json'], io, env as NodeJS.ProcessEnv);
  return { code, err: io.err(), summary: JSON.parse(io.out()) as { vendors: { vendor: string; outcome: string; cause: string | null }[] } };
}

describe('expand --planner auto', () => {
  it('a worker asks the model to repair a failing proof; the same run again asks nothing; another model is another input', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-planner-'));
    const catalogue = path.join(root, 'vendors.yaml');
    writeFileSync(catalogue, `vendors:\n  - vendor: crewline\n    docs: ${JSON.stringify(crewline({ keys: true }))}\n    owner: "@acme/identity"\n`);

    const first = await expand(root, catalogue, 'scripted-model');
    expect(first.code, first.err).toBe(0);
    expect(first.summary.vendors).toMatchObject([{ vendor: 'crewline', outcome: 'generated' }]);
    expect(bodies).toHaveLength(3);
    const plan = JSON.parse(readFileSync(path.join(root, 'out', 'crewline', 'plan.json'), 'utf8')) as { planner: { kind: string; changes: string[] }; streams: { name: string; parent?: { from_field: string } }[] };
    expect(plan.planner).toMatchObject({ kind: 'auto', changes: [expect.stringMatching(/^repair after a failed proof: replaced user_keys/)] });
    expect(plan.streams.find((s) => s.name === 'user_keys')?.parent?.from_field).toBe('login');
    const state = JSON.parse(readFileSync(path.join(root, 'state', 'vendors', 'crewline.json'), 'utf8')) as { inputs: { planner: string } };
    expect(state.inputs.planner).toMatch(/^auto@.*:scripted-model:[0-9a-f]{16}$/);
    expect(bodies.some((b) => b.includes(KEY.slice(3, 20)))).toBe(false);

    const again = await expand(root, catalogue, 'scripted-model');
    expect(again.code, again.err).toBe(0);
    expect(again.summary.vendors).toMatchObject([{ vendor: 'crewline', outcome: 'skipped' }]);
    expect(bodies).toHaveLength(3);

    const other = await expand(root, catalogue, 'another-model');
    expect(other.code, other.err).toBe(0);
    expect(other.summary.vendors[0]!.outcome).not.toBe('skipped');
    expect(bodies.length).toBeGreaterThan(3);
  }, 180_000);

  it('a model that gave no plan is said in the summary, and asked again on the next run', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-planner-'));
    const catalogue = path.join(root, 'vendors.yaml');
    writeFileSync(catalogue, `vendors:\n  - vendor: crewline\n    docs: ${JSON.stringify(crewline({ serviceAccounts: true }))}\n    owner: "@acme/identity"\n`);
    down = true;
    let first;
    try {
      first = await expand(root, catalogue, 'scripted-model');
    } finally {
      down = false;
    }
    expect(first.code, first.err).toBe(0);
    expect(first.summary.vendors).toMatchObject([{ vendor: 'crewline', outcome: 'generated', cause: expect.stringMatching(/^the model gave nothing \(model-server-error: .*\): the heuristic plan stands; asked again next run$/) }]);
    const before = bodies.length;
    const again = await expand(root, catalogue, 'scripted-model');
    expect(again.code, again.err).toBe(0);
    expect(again.summary.vendors[0]!.outcome).not.toBe('skipped');
    expect(bodies.length).toBe(before + 3);
    const plan = JSON.parse(readFileSync(path.join(root, 'out', 'crewline', 'plan.json'), 'utf8')) as { planner: { kind: string; changes: string[] }; streams: { name: string }[] };
    expect(plan.planner).toMatchObject({ kind: 'auto', changes: ['added service_accounts (GET /service-accounts) as service_account'] });
    expect(plan.streams.map((s) => s.name)).toEqual(['users', 'service_accounts']);
  }, 180_000);

  it('refuses --planner auto without a model before any work (exit 2)', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-planner-'));
    const io = captureIo();
    const code = await main(['expand', '--catalog', path.join(root, 'none.yaml'), '--state', path.join(root, 'state'), '--planner', 'auto'], io, { ...process.env, OPENAI_API_KEY: KEY, FETCHWRIGHT_STATE_DIR: path.join(root, 'fw') });
    expect(code).toBe(2);
    expect(io.err()).toMatch(/--planner auto needs --model NAME/);
  });
});
