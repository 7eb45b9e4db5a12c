import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { call, MODEL_BASE, result, script, sourceOf, turn, type Json } from '../helpers/scripted-model.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/**
 * The model planner (issue 13) on a web reference (issue 14): the pages become the same ApiModel, so
 * `--planner llm` works on them unchanged — the model lists the operations the pages show, reads one,
 * and decides with quotes the tools gave it from the pages; the gates check the quotes against the
 * pages' own words, and the proof passes. The model is an OpenAI-compatible endpoint msw serves,
 * through the real SDK.
 */

const KEY = 'sk-pages-RECOGNISABLE-0123456789abcdef';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('generate --planner llm on a Markdown reference', () => {
  it('the model decides from the operations the pages show; its quotes are the pages\' words; the connector is proved', async () => {
    const t = script(server, [
      () => turn(call('l1', 'list_operations', { method: 'GET', path_contains: null, tag: null, offset: null, limit: null })),
      (m) => {
        // Operations of a web reference are known by method and path: the line's first two words.
        const line = (result(m, 'l1').operations as string[]).find((l) => / \/v1\/users\b/.test(l) && l.startsWith('GET'))!;
        return turn(call('s1', 'show_operation', { operation_id: line.split(' ').slice(0, 2).join(' ') }));
      },
      (m) => {
        const op = result(m, 's1');
        return turn(call('p1', 'submit_plan', {
          streams: [{ operation_id: op.id, name: 'users', kind: 'human', items_path: 'users', parent: null, evidence: [{ source: sourceOf(op.src as string), quote: op.summary as string }] }],
          auth_scheme: null,
        }));
      },
    ]);
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-llm-pages-'));
    const io = captureIo();
    const env: Record<string, string | undefined> = { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state'), OPENAI_API_KEY: KEY, OPENAI_BASE_URL: MODEL_BASE };
    delete env.GITHUB_TOKEN;
    const code = await main(['generate', path.join(REPO_ROOT, 'test/fixtures/markdown-reference'), '--out', path.join(root, 'out'), '--planner', 'llm', '--model', 'scripted-model', '--json'], io, env as NodeJS.ProcessEnv);
    if (t.broke) expect.fail(`the conversation left the script at ${t.broke}`);
    expect(code, io.err()).toBe(0);
    const out = JSON.parse(io.out()) as { dir: string; verdict: string };
    expect(out.verdict).toBe('pass');
    const plan = JSON.parse(readFileSync(path.join(out.dir, 'plan.json'), 'utf8')) as Json;
    expect(plan.planner).toMatchObject({ kind: 'llm', model: 'scripted-model', tokens: { rounds: 3 } });
    expect((plan.streams as Json[]).map((s) => [s.name, s.kind, s.operation_id, s.items_path])).toEqual([['users', 'human', 'GET /v1/users', 'users']]);
    // The model's quote is the pages' own heading, at the page and section it came from.
    expect((plan.streams as Json[])[0]!.evidence).toContainEqual(expect.objectContaining({ source: { file: 'reference.md', pointer: 'get-v1users' }, quote: 'GET /v1/users' }));
    // The paging and auth are the planner's own reading of the pages.
    expect((plan.streams as Json[])[0]!.pagination).toMatchObject({ style: 'page' });
    expect(plan.auth).toMatchObject({ type: 'bearer' });
    expect(t.bodies.some((b) => b.includes(KEY))).toBe(false);
  }, 60_000);
});
