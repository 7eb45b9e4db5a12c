import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../agent/cli/command-table.ts';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/**
 * The CLI as a new user meets it (issue 8): help on stdout with exit 0 when asked for, every
 * option in a command's help, a version, "did you mean", usage errors on stderr with exit 2 and
 * nothing on stdout, values refused with a sentence (never a schema's internals), and outputs or
 * inputs that cannot work refused before any work.
 */

const EXAMPLE = path.join(REPO_ROOT, 'examples/jupyterhub');

async function run(...argv: string[]) {
  const io = captureIo();
  const state = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-usage-state-'));
  const code = await main(argv, io, { ...process.env, FETCHWRIGHT_STATE_DIR: state });
  const auditFile = path.join(state, 'audit.jsonl');
  const audit = existsSync(auditFile) ? readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: string; outcome: string; details?: Record<string, unknown> }) : [];
  return { code, out: io.out(), err: io.err(), audit };
}

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'fetchwright-usage-'));
}

/** No zod or commander internals, no stack trace. */
function expectHumanError(err: string): void {
  expect(err).toMatch(/^error\[[a-z-]+\]: /);
  expect(err).not.toMatch(/expected string, received|Invalid input|ZodError|\n\s+at .*:\d+:\d+/);
}

describe('help and version', () => {
  it('--help prints the commands and the exit codes on stdout, exit 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const c of COMMANDS) expect(r.out).toContain(c.name);
    expect(r.out).toMatch(/Exit codes:[\s\S]*\n\s+25 {2}the connector folder holds files/);
  });

  it('a command\'s --help lists every one of its options, on stdout, exit 0', async () => {
    for (const c of COMMANDS) {
      for (const argv of [[c.name, '--help'], ['help', c.name]]) {
        const r = await run(...argv);
        expect(r.code, argv.join(' ')).toBe(0);
        expect(r.err).toBe('');
        for (const o of c.options()) expect(r.out, `${c.name} --help shows ${o.long}`).toContain(o.long!);
      }
    }
    const generate = (await run('generate', '--help')).out;
    for (const flag of ['--remote', '--requested-by', '--vendor', '--github-api', '--max-attempts']) expect(generate).toContain(flag);
  });

  it('--version prints the package\'s version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await run('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(version);
  });

  it('no command: the help on stderr, exit 2 (it was not asked for)', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('Commands:');
  });
});

describe('usage errors: stderr, exit 2, nothing on stdout, no audit entry', () => {
  const cases: [string, string[], RegExp][] = [
    ['a mistyped command', ['genrate', EXAMPLE], /unknown command 'genrate'\n  did you mean generate\?/],
    ['a mistyped flag', ['plan', EXAMPLE, '--jsn'], /unknown option '--jsn'\n  did you mean --json\?/],
    ['an unknown flag', ['validate', 'x', '--bogus'], /unknown option '--bogus'[\s\S]*hint: run "fetchwright validate --help"/],
    ['a missing argument', ['plan'], /missing required argument 'docs'/],
    ['an extra argument', ['plan', EXAMPLE, 'more'], /too many arguments for 'plan'/],
    ['pr without --repo', ['pr', 'connectors/jupyterhub'], /required option '--repo <path>' not specified/],
    ['mock without --port', ['mock', EXAMPLE], /required option '--port <n>' not specified/],
    ['--max-attempts 0', ['generate', EXAMPLE, '--max-attempts', '0'], /'--max-attempts <n>' argument '0' is invalid\. It takes a whole number from 1 to 10\./],
    ['--port abc', ['mock', EXAMPLE, '--port', 'abc'], /'--port <n>' argument 'abc' is invalid\. It takes a whole number from 0 to 65535\./],
    ['--seed 1e3', ['generate', EXAMPLE, '--seed', '1e3'], /'--seed <n>' argument '1e3' is invalid/],
    ['--vendor with capitals', ['plan', EXAMPLE, '--vendor', 'Okta'], /lower-case letters, digits and dashes/],
    ['--github without owner/', ['pr', 'x', '--repo', '.', '--github', 'connectors'], /owner\/repo/],
    ['docs given as an ftp URL', ['plan', 'ftp://example.com/openapi.yaml'], /<docs> 'ftp:\/\/example\.com\/openapi\.yaml': a URL fetchwright does not read: docs are a local file or folder, or an http:\/\/ or https:\/\/ URL of a web reference/],
    ['docs given as a URL with credentials', ['plan', 'https://admin:pw@docs.example.com/api/'], /the docs URL carries a user or password: fetchwright never sends credentials to docs/],
    ['an option where a value belongs', ['plan', EXAMPLE, '--out', '--json'], /'--out <file>' argument '--json' is invalid\. It looks like an option, not a value/],
    ['help for a command that does not exist', ['help', 'genrate'], /unknown command 'genrate'/],
    ['generate --pr without --repo', ['generate', EXAMPLE, '--pr'], /--pr needs --repo PATH/],
  ];
  for (const [what, argv, message] of cases) {
    it(what, async () => {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
      expectHumanError(r.err);
      // Refused before any work: nothing was ingested.
      expect(r.audit.some((e) => e.step === 'ingest')).toBe(false);
    });
  }
});

describe('inputs and outputs that cannot work are refused before any work', () => {
  it('generate --out naming a file: exit 10 before the proof', async () => {
    const dir = tmp();
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, 'mine');
    const r = await run('generate', EXAMPLE, '--out', file);
    expect(r.code).toBe(10);
    expect(r.err).toMatch(/--out .*not-a-folder is a file, not a folder/);
    expect(r.err).not.toMatch(/attempt 1/);
    expect(r.audit.map((e) => e.step)).not.toContain('ingest');
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('generate --out under a file: exit 10 before the proof', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'f'), '');
    const r = await run('generate', EXAMPLE, '--out', path.join(dir, 'f', 'connectors'));
    expect(r.code).toBe(10);
    expect(r.err).toMatch(/is a file, not a folder/);
    expect(r.audit.map((e) => e.step)).not.toContain('ingest');
  });

  it('plan --out under a file: exit 10 naming the file asked for and the file in the way', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'afile'), '');
    const r = await run('plan', EXAMPLE, '--out', path.join(dir, 'afile', 'plan.json'));
    expect(r.code).toBe(10);
    expect(r.err).toContain(`cannot write output file ${path.join(dir, 'afile', 'plan.json')}: ${path.join(dir, 'afile')} is a file, not a folder`);
    expect(r.err).not.toMatch(/ENOTDIR/);
  });

  it('plan --out naming a folder: exit 10, nothing on stdout', async () => {
    const dir = tmp();
    const r = await run('plan', EXAMPLE, '--out', dir);
    expect(r.code).toBe(10);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/is a folder; give the path of a file to write/);
  });

  it('--repo on a path that does not exist: exit 3 naming it, not "not inside a git working tree"', async () => {
    const missing = path.join(tmp(), 'no-such-repo');
    const r = await run('pr', path.join(REPO_ROOT, 'examples/jupyterhub'), '--repo', missing);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`--repo ${missing}: no such folder`);
    expect(r.err).not.toMatch(/git working tree/);
    expectHumanError(r.err);
  });

  it('generate --pr --repo on a missing path: exit 3 before the proof', async () => {
    const out = tmp();
    const r = await run('generate', EXAMPLE, '--out', out, '--pr', '--repo', path.join(out, 'nope'));
    expect(r.code).toBe(3);
    expect(r.audit.map((e) => e.step)).not.toContain('ingest');
  });

  it('verify --public-key that cannot be read: exit 3 naming it', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'c'));
    const r = await run('verify', path.join(dir, 'c'), '--public-key', path.join(dir, 'nope.pem'));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/--public-key .*nope\.pem cannot be read/);
  });

  it('an --out inside the docs folder, or the docs file itself: exit 2 before any work, the docs untouched', async () => {
    const docs = path.join(tmp(), 'docs');
    cpSync(EXAMPLE, docs, { recursive: true });
    const g = await run('generate', docs, '--out', path.join(docs, 'connectors'));
    expect(g.code).toBe(2);
    expect(g.err).toMatch(/--out .* is inside the docs folder/);
    expect(existsSync(path.join(docs, 'connectors'))).toBe(false);
    expect(g.audit.map((e) => e.step)).not.toContain('ingest');
    const spec = path.join(docs, 'jupyterhub-3.0.0-rest-api.yml');
    const before = readFileSync(spec, 'utf8');
    const p = await run('plan', spec, '--out', spec);
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/is the docs file/);
    expect(readFileSync(spec, 'utf8')).toBe(before);
  });

  it('generate --pr: an --out inside --repo (exit 2) or a dirty --repo (exit 19) is refused before the proof', async () => {
    const repo = path.join(tmp(), 'connectors-repo');
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', ...a], { cwd: repo });
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(path.join(repo, 'README.md'), '# r\n');
    git('add', '.');
    git('commit', '-qm', 'init');
    const inside = await run('generate', EXAMPLE, '--out', path.join(repo, 'connectors'), '--pr', '--repo', repo);
    expect(inside.code).toBe(2);
    expect(inside.err).toMatch(/--out .* is inside --repo/);
    expect(inside.audit.map((e) => e.step)).not.toContain('ingest');
    writeFileSync(path.join(repo, 'README.md'), '# edited\n');
    const dirty = await run('generate', EXAMPLE, '--out', tmp(), '--pr', '--repo', repo);
    expect(dirty.code).toBe(19);
    expect(dirty.err).toMatch(/has uncommitted changes/);
    expect(dirty.audit.map((e) => e.step)).not.toContain('ingest');
  });

  it('mock on docs whose server is not a usable URL: exit 4 (32 for userinfo, an unsafe host) naming it, as plan does (not an internal error)', async () => {
    for (const [url, message, exit] of [['https://{h}/v1', /"https:\/\/\{h\}\/v1" cannot be the connector.s base URL: it is not an absolute URL once its placeholders are filled/, 4], ['https://user:pw@x.test/v1', /user name or password/, 32]] as const) {
      const file = path.join(tmp(), 'api.json');
      writeFileSync(file, JSON.stringify({ openapi: '3.0.0', info: { title: 'T', version: '1' }, servers: [{ url, variables: { h: { default: 'a b' } } }], paths: { '/users': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } } } } } } } } } }));
      const r = await run('mock', file, '--port', '0');
      expect(r.code, r.err).toBe(exit);
      expect(r.err).toMatch(message);
      expect(r.err).not.toContain('pw@');
      expectHumanError(r.err);
    }
  });
});
