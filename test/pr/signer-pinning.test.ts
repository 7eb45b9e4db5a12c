import { REPO_ROOT, VENDOR_DOCS } from '../helpers/vendor-docs.ts';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { generateExampleConnector } from '../helpers/example-connector.ts';
import { connectorsRepo } from '../helpers/git-repo.ts';

/**
 * A signature is worth its signer. `verify` without --public-key can only check a record against
 * the key the record names itself — which anyone who edits the folder can replace — so it says so
 * and exits 16, unless the user passes --trust-embedded-key: then it exits 0 and still says the
 * signer was not pinned. (The attacks on this are in test/security/attacks/integrity-signing.ts.)
 */

let connector: string;
let publicFile: string;
let privateFile: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-pinning-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  privateFile = path.join(root, 'signing.pem');
  publicFile = path.join(root, 'signing.pub.pem');
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
  env = { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state'), FETCHWRIGHT_SIGNING_KEY: privateFile };
  connector = await generateExampleConnector(root);
  const io = captureIo();
  expect(await main(['pr', connector, '--repo', connectorsRepo({ prefix: 'fetchwright-pinning-repo-' }).repo], io, env), io.err()).toBe(0);
}, 60_000);

async function verify(...args: string[]): Promise<{ code: number; said: string; out: string }> {
  const io = captureIo();
  const code = await main(['verify', connector, ...args], io, env);
  return { code, said: (io.out() + io.err()).replace(/\s+/g, ' '), out: io.out() };
}

describe('verify: who signed', () => {
  it('without --public-key, an honestly signed record is not verified: the signer was not pinned (exit 16)', async () => {
    const r = await verify();
    expect(r.code).toBe(16);
    expect(r.said).toContain('change-record.json: the signature was checked only against the public key the change record names itself');
    expect(r.said).toMatch(/Pin the signer with --public-key <PEM>.*or pass --trust-embedded-key/);
  });

  it('with --trust-embedded-key it passes, and still says the signer was not pinned', async () => {
    const r = await verify('--trust-embedded-key');
    expect(r.code).toBe(0);
    expect(r.said).toMatch(/verified: 8 files match the change record, signed by ed25519 sha256:[0-9a-f]{16} — a key the record names itself, NOT pinned/);
    const json = await verify('--trust-embedded-key', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, signer_pinned: false });
  });

  it('pinned with --public-key it passes and says so', async () => {
    const r = await verify('--public-key', publicFile, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, signer_pinned: true, findings: [] });
  });

  it('--docs: the honest connector is what its docs give (exit 0); other docs are named (exit 16); --observed alone is a usage error', async () => {
    const ok = await verify('--public-key', publicFile, '--docs', path.join(REPO_ROOT, 'examples/jupyterhub'));
    expect(ok.code, ok.said).toBe(0);
    expect(ok.said).toMatch(/it is what .*examples\/jupyterhub give/);
    const other = await verify('--public-key', publicFile, '--docs', path.join(VENDOR_DOCS, 'slack.json'));
    expect(other.code).toBe(16);
    expect(other.said).toMatch(/plan\.json: was not made from .*slack\.json/);
    expect((await verify('--public-key', publicFile, '--observed', 'x.json')).code).toBe(2);
  });

  it('a private key given as --public-key is refused (exit 2), saying how to get the public one', async () => {
    const r = await verify('--public-key', privateFile);
    expect(r.code).toBe(2);
    expect(r.said).toMatch(/holds a private key.*openssl pkey -in key\.pem -pubout/);
  });

  it('--trust-embedded-key with --public-key is a usage error (exit 2)', async () => {
    const r = await verify('--public-key', publicFile, '--trust-embedded-key');
    expect(r.code).toBe(2);
    expect(r.said).toMatch(/--trust-embedded-key and --public-key contradict each other/);
  });
});
