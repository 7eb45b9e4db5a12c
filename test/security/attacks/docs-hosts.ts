import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { captureIo } from '../../../agent/cli/io.ts';
import { main, type Context } from '../../../agent/cli/main.ts';
import { run as runMock } from '../../../agent/commands/mock.ts';
import { FetchwrightError } from '../../../agent/errors.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import { renderFetcher } from '../../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../../agent/render/slots-from-plan.ts';
import { liveBaseUrl } from '../../../agent/run/live-run.ts';
import { planSha256, validateConnector } from '../../../agent/validate/run-validation.ts';
import { arrayOf, listOp, modelOf, openapi, swagger2, USER } from '../../helpers/spec.ts';
import type { Attack } from '../attack-suite.ts';

/**
 * Docs as the attacker, choosing the host: a server URL that points the connector — and the egress
 * gate's allow-list, and the host's credential — at loopback, a private or link-local network, a cloud
 * metadata service, in any spelling (decimal, hex and octal IPv4, IPv4-mapped and NAT64 IPv6,
 * single-label and `.internal` names), with user-info, or over another scheme (`gopher:`, `file:`). A
 * host is the human's to choose (`run --base-url`), never the docs'. Stopped: `plan` exits 32
 * (`unsafe-host`) naming the server, the file and the pointer, with the hint, and writes nothing — or,
 * for a server variable whose default is such a host, plans without that default anywhere in
 * plan.json. `generate`, `mock`, `validate` (a plan.json edited to 127.0.0.1) and `run` refuse too.
 */

const USERS = { '/users': listOp(arrayOf(USER)) };

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'fetchwright-docs-hosts-'));
}

/** Runs the CLI in-process on docs written to a fresh folder; the folder is removed after. */
async function cli(spec: object, argv: (file: string, dir: string) => string[], after?: (dir: string) => Promise<string | undefined>): Promise<{ code: number; err: string; out: string; after: string | undefined }> {
  const dir = await tempDir();
  try {
    const file = path.join(dir, 'api.json');
    await writeFile(file, JSON.stringify(spec));
    const io = captureIo();
    const code = await main(argv(file, dir), io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(dir, 'state') });
    return { code, err: io.err(), out: io.out(), after: after ? await after(dir) : undefined };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Undefined when the command was refused as `unsafe-host` (exit 32) naming `shown` at `pointer` with the hint, and wrote nothing; else what got through. */
function refusedAsUnsafe(r: { code: number; err: string; after: string | undefined }, shown: string, pointer: string, secret?: string): string | undefined {
  const first = r.err.split('\n')[0];
  if (r.code !== 32) return `exit ${r.code}, not 32 (unsafe-host): ${first}`;
  if (!r.err.includes('error[unsafe-host]')) return `exit 32 without error[unsafe-host]: ${first}`;
  if (!r.err.includes(shown)) return `the error does not name the server ${shown}: ${first}`;
  if (!r.err.includes(`in: api.json at ${pointer}`)) return `the error does not name api.json at ${pointer}`;
  if (!/hint: .*run --base-url/.test(r.err)) return 'the error has no hint naming run --base-url';
  if (secret && r.err.includes(secret)) return 'the error repeats the password in the server URL';
  return r.after;
}

const planWritten = async (dir: string) => (existsSync(path.join(dir, 'plan.json')) ? `plan.json was written: ${(await readFile(path.join(dir, 'plan.json'), 'utf8')).slice(0, 200)}` : undefined);
const planArgs = (file: string, dir: string) => ['plan', file, '--out', path.join(dir, 'plan.json')];

/** `plan` on docs whose only server is `url`: refused as unsafe, naming it as `shown`. */
function docsServer(label: string, url: string, shown = JSON.stringify(url), secret?: string): Attack {
  return {
    name: `plan: a server of ${label} (${url})`,
    layer: 'other',
    async attempt() {
      return refusedAsUnsafe(await cli(openapi(USERS, { servers: [{ url }] }), planArgs, planWritten), shown, '/servers/0', secret);
    },
  };
}

const spellings: Attack[] = [
  docsServer('the cloud metadata address', 'http://169.254.169.254/latest/meta-data'),
  docsServer('the metadata address as one decimal number', 'http://2852039166/latest'),
  docsServer('the metadata address in hex', 'http://0xa9.0xfe.0xa9.0xfe/'),
  docsServer('the metadata address in octal', 'http://0251.0376.0251.0376/'),
  docsServer('the metadata address as IPv4-mapped IPv6', 'https://[::ffff:a9fe:a9fe]/v1'),
  docsServer('the metadata address through NAT64', 'https://[64:ff9b::a9fe:a9fe]/v1'),
  docsServer('a loopback address with a port', 'http://127.0.0.1:8080/v1'),
  docsServer('a loopback address written short', 'https://127.1/v1'),
  docsServer('localhost', 'https://localhost/v1'),
  docsServer('localhost with a trailing dot, in capitals', 'https://LOCALHOST./v1'),
  docsServer('localhost in full-width letters', 'https://ｌｏｃａｌｈｏｓｔ/v1'),
  docsServer('a name under .localhost', 'https://api.localhost/v1'),
  docsServer('IPv6 loopback', 'https://[::1]:8443/v1'),
  docsServer('the unspecified address', 'http://0.0.0.0:9200/'),
  docsServer('a private (RFC 1918) address', 'https://10.0.0.5/v1'),
  docsServer('a shared (RFC 6598) address: a cloud metadata service', 'http://100.100.100.200/latest/meta-data'),
  docsServer('a unique-local IPv6 address', 'https://[fd12:3456::1]/v1'),
  docsServer('a link-local IPv6 address', 'https://[fe80::1]/v1'),
  docsServer('a multicast address', 'https://224.0.0.251/v1'),
  docsServer('the broadcast address', 'https://255.255.255.255/v1'),
  docsServer("GCP's metadata name", 'http://metadata.google.internal/computeMetadata/v1'),
  docsServer('a single-label name (resolved through search domains)', 'http://metadata/computeMetadata/v1'),
  docsServer('an mDNS name (.local)', 'https://printer.local/v1'),
  docsServer('gopher to a Redis on loopback', 'gopher://127.0.0.1:6379/_INFO'),
  docsServer('gopher to a public host', 'gopher://api.acme-corp.test/v1'),
  docsServer("Kubernetes' API server by its cluster name", 'https://kubernetes.default.svc/api/v1'),
  docsServer("Kubernetes' API server through the pod's search domains", 'https://kubernetes.default/api/v1'),
  docsServer('a Kubernetes service under .svc.cluster.local', 'http://vault.secrets.svc.cluster.local:8200/v1'),
  docsServer('a Consul service name', 'http://vault.service.consul:8200/v1'),
  docsServer('a name under .invalid (RFC 6761)', 'https://api.acme.invalid/v1'),
  docsServer('an onion service (RFC 7686)', 'https://acmecorpxyz.onion/v1'),
  docsServer('a name under .alt (RFC 9476)', 'https://api.acme.alt/v1'),
  docsServer('a home network name (.home.arpa, RFC 8375)', 'https://nas.home.arpa/v1'),
  docsServer('a name under .corp', 'https://directory.acme.corp/v1'),
  docsServer('a name under .localdomain', 'https://db.localdomain/v1'),
  docsServer('a file URL', 'file:///etc/passwd'),
  docsServer('a file URL with one slash', 'file:/etc/passwd'),
  docsServer('a user name only', 'https://svc-reader@api.acme-corp.test/v1', 'https://[REDACTED]@api.acme-corp.test/v1'),
  docsServer('a public-looking name in user-info before the metadata address', 'https://api.acme-corp.test:pw0rd-9f8e@169.254.169.254/v1', 'https://[REDACTED]@169.254.169.254/v1', 'pw0rd-9f8e'),
];

const shapes: Attack[] = [
  {
    name: 'plan: a Swagger 2.0 host of 169.254.169.254 over http',
    layer: 'other',
    async attempt() {
      const users = { '/users': { get: { operationId: 'listUsers', responses: { '200': { description: 'The users.', schema: { type: 'array', items: { type: 'object', properties: USER } } } } } } };
      return refusedAsUnsafe(await cli(swagger2(users, { host: '169.254.169.254', schemes: ['http'] }), planArgs, planWritten), '169.254.169.254', '/host');
    },
  },
  {
    name: "plan: an operation's own server on loopback",
    layer: 'other',
    async attempt() {
      const ops = { '/users': { get: { ...(listOp(arrayOf(USER)).get as object), servers: [{ url: 'http://127.0.0.1:9000' }] } } };
      return refusedAsUnsafe(await cli(openapi(ops), planArgs, planWritten), 'http://127.0.0.1:9000', '/paths/~1users/get/servers/0');
    },
  },
  {
    name: 'plan: a port variable on a loopback host',
    layer: 'other',
    async attempt() {
      return refusedAsUnsafe(await cli(openapi(USERS, { servers: [{ url: 'http://127.0.0.1:{port}/v1', variables: { port: { default: '6379' } } }] }), planArgs, planWritten), 'http://127.0.0.1:{port}/v1', '/servers/0');
    },
  },
  {
    name: 'plan: a host variable under .internal',
    layer: 'other',
    async attempt() {
      return refusedAsUnsafe(await cli(openapi(USERS, { servers: [{ url: 'https://{zone}.internal/v1', variables: { zone: { default: 'metadata.google' } } }] }), planArgs, planWritten), 'https://{zone}.internal/v1', '/servers/0');
    },
  },
];

/** `plan` on docs that name a host variable (or servers) the docs would like the connector to take: plan.json must not hold the private host. */
function notChosen(name: string, servers: object[], forbidden: RegExp): Attack {
  return {
    name,
    layer: 'other',
    async attempt() {
      const r = await cli(openapi(USERS, { servers }), planArgs, async (dir) => (existsSync(path.join(dir, 'plan.json')) ? readFile(path.join(dir, 'plan.json'), 'utf8') : undefined));
      if (r.code !== 0 || r.after === undefined) return `plan exited ${r.code}: ${r.err.split('\n')[0]}`;
      const plan = JSON.parse(r.after) as { base_url: { url: string; variables: Record<string, string> } };
      return forbidden.test(JSON.stringify(plan.base_url.url) + JSON.stringify(plan.base_url.variables)) ? `plan.json's base URL takes the docs' private host: ${JSON.stringify(plan.base_url)}` : undefined;
    },
  };
}

const defaults: Attack[] = [
  notChosen('plan: a {host} variable defaulting to 127.0.0.1 (the default is dropped, a human provides the host)', [{ url: 'https://{host}/v1', variables: { host: { default: '127.0.0.1' } } }], /127\.0\.0\.1/),
  notChosen('plan: a {host} variable defaulting to the metadata address in decimal', [{ url: 'http://{host}/latest', variables: { host: { default: '2852039166' } } }], /2852039166|169\.254/),
  notChosen('plan: https and http localhost servers listed before the public https one', [{ url: 'https://localhost:8443' }, { url: 'http://localhost:8080' }, { url: 'https://api.acme-corp.test/v1' }], /localhost/),
];

/** A benign plan for the docs' public server, then edited as an attacker with write access to plan.json would. */
async function editedPlan(url: string) {
  const model = await modelOf(openapi(USERS, { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } }, security: [{ key: [] }] }));
  const plan = planHeuristically(model);
  const edited = { ...plan, base_url: { ...plan.base_url, url } };
  return { model, plan: edited };
}

const unsafeRefusal = (e: unknown): string | undefined => (e instanceof FetchwrightError && e.code === 'unsafe-host' && e.exitCode === 32 ? undefined : `refused, but not as unsafe-host: ${(e as Error).message}`);

const otherCommands: Attack[] = [
  {
    name: 'generate: a server on the metadata address writes no connector',
    layer: 'other',
    async attempt() {
      const r = await cli(openapi(USERS, { servers: [{ url: 'http://169.254.169.254/latest' }] }), (file, dir) => ['generate', file, '--out', path.join(dir, 'connectors')], async (dir) => (existsSync(path.join(dir, 'connectors')) ? 'a connector folder was written' : undefined));
      return refusedAsUnsafe(r, '"http://169.254.169.254/latest"', '/servers/0');
    },
  },
  {
    name: 'mock: docs whose only server is loopback are not served',
    layer: 'other',
    async attempt() {
      const dir = await tempDir();
      try {
        const file = path.join(dir, 'api.json');
        await writeFile(file, JSON.stringify(openapi(USERS, { servers: [{ url: 'http://localhost:6379' }] })));
        const interrupts: Context['interrupts'] = { describe: () => '' };
        const ctx = { audit: { record: () => {} }, interrupts } as unknown as Context;
        const serving = runMock([file], { port: 0, seed: 1, faults: false }, captureIo(), ctx);
        // Served means it is waiting for a signal: stop it, it got through.
        const started = new Promise<'started'>((resolve) => {
          const poll = setInterval(() => interrupts.stop && (clearInterval(poll), resolve('started')), 5);
          void serving.finally(() => clearInterval(poll)).catch(() => {});
        });
        const outcome = await Promise.race([serving.then(() => 'ended' as const, (e: unknown) => e), started]);
        if (outcome === 'started') {
          interrupts.stop!('SIGTERM');
          await serving;
          return 'the mock served docs whose server is localhost:6379';
        }
        return outcome === 'ended' ? 'the mock ended without refusing' : unsafeRefusal(outcome);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'validate: a plan.json edited to point at 127.0.0.1 is not proved',
    layer: 'other',
    async attempt() {
      const { model, plan } = await editedPlan('http://127.0.0.1:8080/v1');
      const fetcherSource = renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: planSha256(plan), docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 }).source;
      try {
        const card = await validateConnector({ model, plan, fetcherSource, seed: 1 });
        return `validate proved it (verdict ${card.verdict})`;
      } catch (e) {
        return unsafeRefusal(e);
      }
    },
  },
  {
    name: 'run: a plan.json edited to the metadata address in hex is not run without --base-url',
    layer: 'other',
    async attempt() {
      const { plan } = await editedPlan('http://0xa9.0xfe.0xa9.0xfe/latest');
      try {
        return `run would call ${liveBaseUrl(plan, undefined, {}).href}`;
      } catch (e) {
        return unsafeRefusal(e);
      }
    },
  },
];

/** Docs whose oauth2 scheme's client credentials flow names `tokenUrl`; every other word is benign. */
const oauthDocs = (tokenUrl: string) => openapi(USERS, { components: { securitySchemes: { oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl, scopes: {} } } } } }, security: [{ oauth: [] }] });

/**
 * `plan` on docs whose OAuth 2.0 token URL is `tokenUrl` (the host would send the client secret
 * there): planned, but plan.json holds no token URL and none of `forbidden`, and its evidence says
 * why (so `run --token-url` is the human's to give).
 */
function docsTokenUrl(label: string, tokenUrl: string, forbidden: string): Attack {
  return {
    name: `plan: an OAuth 2.0 token URL of ${label} (${tokenUrl})`,
    layer: 'other',
    async attempt() {
      const r = await cli(oauthDocs(tokenUrl), planArgs, async (dir) => (existsSync(path.join(dir, 'plan.json')) ? readFile(path.join(dir, 'plan.json'), 'utf8') : undefined));
      if (r.code !== 0 || r.after === undefined) return `plan exited ${r.code}: ${r.err.split('\n')[0]}`;
      const plan = JSON.parse(r.after) as { auth: { client_credentials?: unknown; evidence: { reasoning: string }[] } };
      if (plan.auth.client_credentials) return `plan.json keeps the token URL: ${JSON.stringify(plan.auth.client_credentials)}`;
      if (r.after.includes(forbidden)) return `plan.json holds ${forbidden}`;
      return plan.auth.evidence.some((e) => /token URL is not kept.*run --token-url/.test(e.reasoning)) ? undefined : 'the plan does not say why the token URL was left out';
    },
  };
}

const tokenUrls: Attack[] = [
  docsTokenUrl('the cloud metadata address', 'http://169.254.169.254/token', '169.254.169.254/token'),
  docsTokenUrl('a password in user-info', 'https://svc:tok3n-pw-7a1b@api.acme-corp.test/token', 'tok3n-pw-7a1b'),
  docsTokenUrl('a network-path reference to a private address', '//10.0.0.5/oauth/token', '10.0.0.5/oauth'),
  docsTokenUrl("Kubernetes' API server", 'https://kubernetes.default.svc/token', 'kubernetes.default.svc/token'),
  {
    name: 'generate: an OAuth 2.0 token URL on the metadata address is in neither plan.json nor manifest.json',
    layer: 'other',
    async attempt() {
      const r = await cli(oauthDocs('http://169.254.169.254/latest/token'), (file, dir) => ['generate', file, '--out', path.join(dir, 'out'), '--force'], async (dir) => {
        const vendor = existsSync(path.join(dir, 'out')) ? readdirSync(path.join(dir, 'out')).find((n) => !n.startsWith('.')) : undefined;
        if (!vendor) return 'no connector was written: the attack did not reach the files';
        for (const name of ['plan.json', 'manifest.json']) {
          const file = path.join(dir, 'out', vendor, name);
          if (!existsSync(file)) return `${name} was not written`;
          if ((await readFile(file, 'utf8')).includes('169.254.169.254/latest/token')) return `${name} holds the token URL`;
        }
        return undefined;
      });
      return r.after;
    },
  },
];

export const DOCS_HOST_ATTACKS: Attack[] = [...spellings, ...shapes, ...defaults, ...otherCommands, ...tokenUrls];
