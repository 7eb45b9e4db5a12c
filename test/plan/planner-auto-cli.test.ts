import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { VENDOR_DOCS } from '../helpers/vendor-docs.ts';
import { crewline, KEYS_PARAM_SAYS } from '../helpers/crewline-docs.ts';
import { call, MODEL_BASE, result, script, sourceOf, turn, type Json, type Msg, type Transcript } from '../helpers/scripted-model.ts';

/**
 * `--planner auto` as a user runs it (issue 13): the heuristic plan first; a model — an
 * OpenAI-compatible endpoint msw serves, through the real SDK — is asked only where the heuristics
 * doubted, and, when the proof fails, once more to repair the plan from the proof's findings. The
 * docs are a small vendor written here: a user list whose records' `login` a child path takes (the
 * heuristics fill it with the numeric id, and the proof fails), and service accounts two objects
 * deep (the heuristics find no list there: a doubt).
 */

const KEY = 'sk-auto-RECOGNISABLE-0123456789abcdef';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Generated {
  code: number;
  err: string;
  out: Json;
  plan: Json;
  audit: string;
}

async function generate(docs: string, t: Transcript, command: 'generate' | 'plan' = 'generate'): Promise<Generated> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-auto-'));
  const io = captureIo();
  const env: Record<string, string | undefined> = { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state'), OPENAI_API_KEY: KEY, OPENAI_BASE_URL: MODEL_BASE };
  delete env.GITHUB_TOKEN;
  const args = command === 'generate' ? ['generate', docs, '--out', path.join(root, 'out'), '--planner', 'auto', '--model', 'scripted-model', '--json'] : ['plan', docs, '--planner', 'auto', '--model', 'scripted-model', '--json'];
  const code = await main(args, io, env as NodeJS.ProcessEnv);
  if (t.broke) expect.fail(`the conversation left the script at ${t.broke}`);
  const out = (io.out() ? JSON.parse(io.out()) : {}) as Json;
  const plan = command === 'plan' ? out : out.dir ? (JSON.parse(readFileSync(path.join(out.dir as string, 'plan.json'), 'utf8')) as Json) : {};
  expect(t.bodies.some((b) => b.includes(KEY) || b.includes(KEY.slice(3, 20)))).toBe(false);
  // The proof's synthetic credentials never reach the model (they are blanked from what a repair reads).
  expect(t.bodies.some((b) => b.includes('fw-synthetic'))).toBe(false);
  return { code, err: io.err(), out, plan, audit: readFileSync(path.join(root, 'state', 'audit.jsonl'), 'utf8') };
}
const names = (plan: Json) => (plan.streams as Json[]).map((s) => s.name as string);
const stream = (plan: Json, name: string) => (plan.streams as Json[]).find((s) => s.name === name)!;

describe('generate --planner auto', () => {
  it('asks no model when the heuristics doubted nothing and the proof passes (field case 01)', async () => {
    const t = script(server, []);
    const r = await generate(path.resolve(VENDOR_DOCS, '../field-cases/01-cursor-in-header'), t);
    expect(r.code, r.err).toBe(0);
    expect(r.out.verdict).toBe('pass');
    expect(t.bodies).toHaveLength(0);
    expect(r.plan.planner).toEqual({ kind: 'auto', model: 'scripted-model', prompt_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(r.err).toMatch(/auto: the heuristic plan has no doubtful decision; scripted-model was not asked/);
  }, 60_000);

  it('asks the model about the heuristics\' doubts only, and a list they could not read joins the plan where the model says its records are', async () => {
    const t = script(server, [
      () => turn(call('p', 'show_plan', {})),
      (m) => {
        const shown = result(m, 'p');
        // The model is shown the doubt: the service accounts the heuristics left out.
        expect(shown.doubts).toEqual([{ operation_id: 'listServiceAccounts', path: '/service-accounts', why: 'left out: its response holds no list of service-accounts' }]);
        expect(names(shown)).toEqual(['users']);
        return turn(call('o', 'show_operation', { operation_id: 'listServiceAccounts' }));
      },
      (m) => {
        const op = result(m, 'o');
        return turn(call('s', 'submit_review', { drop: [], add: [{ operation_id: 'listServiceAccounts', name: 'service_accounts', kind: 'service_account', items_path: 'data.page.entries', parent: null, evidence: [{ source: sourceOf(op.src as string), quote: 'The accounts are in data.page.entries.' }] }] }));
      },
    ]);
    const r = await generate(crewline({ serviceAccounts: true }), t);
    expect(r.code, r.err).toBe(0);
    expect(r.out.verdict).toBe('pass');
    expect(t.bodies).toHaveLength(3);
    expect(names(r.plan)).toEqual(['users', 'service_accounts']);
    expect(stream(r.plan, 'service_accounts')).toMatchObject({ kind: 'service_account', items_path: 'data.page.entries' });
    expect(r.plan.planner).toMatchObject({ kind: 'auto', model: 'scripted-model', tokens: { prompt: 3000, completion: 150, rounds: 3 }, changes: ['added service_accounts (GET /service-accounts) as service_account'] });
    expect(r.err).toMatch(/auto: the heuristics doubted 1 decision; asking scripted-model to review them/);
    expect(r.audit).toContain('"step":"llm-review"');
  }, 60_000);

  it('repairs a plan from a failing proof: the model reads the findings, replaces the misread parent field, and the repaired plan passes', async () => {
    const t = script(server, [
      (m) => {
        // A repair starts from the failed proof, not from a doubt.
        expect(m.find((x) => x.role === 'user')?.content).toMatch(/The proof of the connector plan for the API titled "Crewline API" failed with \d+ error finding/);
        return turn(call('p', 'show_plan', {}));
      },
      (m) => {
        const shown = result(m, 'p');
        expect(stream(shown, 'user_keys').parent).toMatchObject({ stream: 'users', param: 'username', from_field: 'id' });
        expect((shown.findings as Json[]).some((f) => f.level === 'error' && f.stream === 'user_keys')).toBe(true);
        return turn(call('o', 'show_operation', { operation_id: 'listUserKeys' }));
      },
      (m) => {
        const param = (result(m, 'o').parameters as Json[]).find((p) => p.name === 'username')!;
        expect(param.description).toBe(KEYS_PARAM_SAYS);
        const evidence = [{ source: sourceOf(param.src as string), quote: KEYS_PARAM_SAYS }];
        return turn(call('s', 'submit_review', { drop: [{ stream: 'user_keys', evidence }], add: [{ operation_id: 'listUserKeys', name: 'user_keys', kind: 'ssh_key', items_path: '', parent: { stream: 'users', param: 'username', field: 'login' }, evidence }] }));
      },
    ]);
    const r = await generate(crewline({ keys: true }), t);
    expect(r.code, r.err).toBe(0);
    expect(r.out.verdict).toBe('pass');
    expect(t.bodies).toHaveLength(3);
    // The heuristic plan's proof failed, then the repaired one passed.
    const attempts = r.out.attempts as Json[];
    expect(attempts[0]!.verdict).toBe('fail');
    expect(attempts.at(-1)).toMatchObject({ verdict: 'pass', changes: ['model replaced user_keys (GET /users/{username}/keys) as ssh_key per users record, {username} from its login'] });
    expect(stream(r.plan, 'user_keys').parent).toMatchObject({ stream: 'users', param: 'username', from_field: 'login' });
    expect(r.plan.planner).toMatchObject({ kind: 'auto', model: 'scripted-model', tokens: { rounds: 3 }, changes: ['repair after a failed proof: replaced user_keys (GET /users/{username}/keys) as ssh_key per users record, {username} from its login'] });
    expect(r.err).toMatch(/the proof failed: asking scripted-model to repair the plan from its findings/);
    expect(r.audit).toContain('"step":"llm-repair"');
  }, 90_000);

  it('a repair that only drops the failing stream is sent back (losing identities is no repair); the replacement then passes', async () => {
    const keysEvidence = (m: Msg[]) => {
      const param = (result(m, 'o').parameters as Json[]).find((p) => p.name === 'username')!;
      return [{ source: sourceOf(param.src as string), quote: KEYS_PARAM_SAYS }];
    };
    const t = script(server, [
      () => turn(call('o', 'show_operation', { operation_id: 'listUserKeys' })),
      (m) => turn(call('d', 'submit_review', { drop: [{ stream: 'user_keys', evidence: keysEvidence(m) }], add: [] })),
      (m) => {
        const reply = result(m, 'd');
        expect(reply.accepted).toBe(false);
        expect((reply.reasons as string[]).join('\n')).toMatch(/drop\.0\.stream: a repair replaces a failing stream .* it does not only drop it/);
        const evidence = keysEvidence(m);
        return turn(call('s', 'submit_review', { drop: [{ stream: 'user_keys', evidence }], add: [{ operation_id: 'listUserKeys', name: 'user_keys', kind: 'ssh_key', items_path: '', parent: { stream: 'users', param: 'username', field: 'login' }, evidence }] }));
      },
    ]);
    const r = await generate(crewline({ keys: true }), t);
    expect(r.code, r.err).toBe(0);
    expect(r.out.verdict).toBe('pass');
    expect(names(r.plan)).toEqual(['users', 'user_keys']);
  }, 90_000);

  it('a repair the model declines leaves the failing proof failing (exit 9), said', async () => {
    const t = script(server, [() => turn(call('s', 'submit_review', { drop: [], add: [] }))]);
    const r = await generate(crewline({ keys: true }), t);
    expect(r.code, r.err).toBe(9);
    expect(r.err).toMatch(/the model changed nothing in the failing plan: no repair/);
    expect(t.bodies).toHaveLength(1);
  }, 90_000);
});
