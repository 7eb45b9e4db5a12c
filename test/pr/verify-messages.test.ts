import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';
import { connectorsRepo } from '../helpers/git-repo.ts';

/**
 * What `verify` and the reports tell a person: an unsigned record's refusal names --allow-unsigned
 * (and what it gives up) and --public-key; a connector whose plan sends no credential is never
 * reported as "auth verified: yes".
 */

async function freshRepo(): Promise<string> {
  return connectorsRepo({ prefix: 'fetchwright-verifymsg-repo-' }).repo;
}

/** Docs with a user list and no security scheme at all: the plan's auth is `none`. */
async function docsWithoutAuth(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-noauth-'));
  const file = path.join(dir, 'api.json');
  await writeFile(
    file,
    JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'Open Directory', version: '1' },
      servers: [{ url: 'https://open.example.test' }],
      paths: {
        '/users': {
          get: {
            operationId: 'listUsers',
            summary: 'List all users',
            responses: {
              '200': {
                description: 'Every user',
                content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' }, name: { type: 'string' } }, required: ['id'] } } } },
              },
            },
          },
        },
      },
    }),
  );
  return file;
}

describe('verify: an unsigned change record', () => {
  it('the refusal says what --allow-unsigned does and how to pin a signer with --public-key', async () => {
    const repo = await freshRepo();
    const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-verifymsg-'));
    const env = { ...process.env, FETCHWRIGHT_SIGNING_KEY: '' };
    const gen = captureIo();
    expect(await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out, '--pr', '--repo', repo], gen, env), gen.err()).toBe(0);
    const v = captureIo();
    expect(await main(['verify', path.join(out, 'jupyterhub')], v, env)).toBe(16);
    // The screen is wrapped to 100 columns: read it as one text.
    const said = (v.out() + v.err()).replace(/\s+/g, ' ');
    expect(said).toMatch(/change-record\.json: the change record is unsigned/);
    expect(said).toMatch(/--allow-unsigned: the file hashes are still checked, but anyone who can edit this folder can rewrite the record/);
    expect(said).toMatch(/--public-key/);
  }, 60_000);
});

describe('verify: a folder that is not there', () => {
  it('says "no such folder" and exits 3, rather than naming a missing change record', async () => {
    const missing = path.join(await mkdtemp(path.join(os.tmpdir(), 'fetchwright-verifymsg-')), 'connectors', 'okta');
    const v = captureIo();
    expect(await main(['verify', missing], v, { ...process.env })).toBe(3);
    expect(v.err()).toContain(`error[input-not-found]: no such folder: ${missing}`);
  });
});

describe('auth none: nothing to verify, and said so', () => {
  it('a forced run on docs with no security scheme never reports "auth verified yes", on screen, in VALIDATION.md or the PR body', async () => {
    const docs = await docsWithoutAuth();
    const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-noauth-out-'));
    const io = captureIo();
    const code = await main(['generate', docs, '--out', out, '--force', '--seed', '5'], io, { ...process.env });
    expect(code, io.err()).toBe(0);
    const dir = path.join(out, 'open-directory');
    const plan = JSON.parse(await readFile(path.join(dir, 'plan.json'), 'utf8')) as { auth: { type: string } };
    expect(plan.auth.type).toBe('none');
    const card = JSON.parse(await readFile(path.join(dir, 'scorecard.json'), 'utf8')) as { auth_verified: boolean; auth_type: string };
    expect(card).toMatchObject({ auth_verified: true, auth_type: 'none' });

    expect(io.out()).toContain('auth none declared by the docs — nothing to verify');
    expect(io.out()).not.toMatch(/auth verified yes/);
    const report = await readFile(path.join(dir, 'VALIDATION.md'), 'utf8');
    expect(report).toContain('- authentication: none — the plan sends no credential and the docs declare none, so there was nothing to verify');
    expect(report).not.toMatch(/authentication verified: yes/);

    const pr = captureIo();
    expect(await main(['pr', dir, '--repo', await freshRepo()], pr, { ...process.env, FETCHWRIGHT_SIGNING_KEY: '' }), pr.err()).toBe(0);
    expect(pr.out()).toContain('authentication: none — the plan sends no credential');
    expect(pr.out()).not.toMatch(/auth verified: yes/);
  }, 60_000);

  it('a connector that sends a credential still reports it verified', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-auth-out-'));
    const io = captureIo();
    expect(await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out, '--seed', '5'], io, { ...process.env })).toBe(0);
    expect(io.out()).toContain('auth verified yes');
    expect(await readFile(path.join(out, 'jupyterhub', 'VALIDATION.md'), 'utf8')).toContain('- authentication verified: yes');
  }, 60_000);
});
