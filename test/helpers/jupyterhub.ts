import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './local-server.ts';

/**
 * A real JupyterHub 3.0 (Debian's `jupyterhub` package) on 127.0.0.1, for tests that must meet the
 * real server rather than a double: its scopes, its field visibility, its shapes.
 *
 * The set-up plays the human who provisions access. It holds an admin token (the `svc-admin`
 * service, given the `admin` role in the config) and uses it only to seed the hub, to read what
 * the hub holds for a test's expectations, and to mint tokens with exact scopes for the connector
 * (`mintToken`). No notebook server is ever started: the spawner's command is `/bin/false` and
 * nothing asks for a spawn.
 *
 * Seeded: users alice, bob, carol, dave and admin (an admin); groups `data-science` (alice, bob)
 * and `ops` (carol, dave; role `ops-reader`); services `svc-admin` (role `admin`), `svc-reporter`
 * (`identity-reader`), `svc-idle-culler` (`culler`); API tokens for alice, bob and carol.
 */

const PYTHON = '/usr/bin/python3';
const JUPYTERHUB = '/usr/bin/jupyterhub';
const PROXY = '/usr/bin/configurable-http-proxy';
/** Debian installs the proxy's node modules there, outside node's default search path. */
const NODE_PATH = '/usr/share/nodejs';

/** Why the real-server tests cannot run here, or `undefined` when they can. */
export function jupyterhubMissing(): string | undefined {
  const missing = [PYTHON, JUPYTERHUB, PROXY].filter((p) => !existsSync(p));
  if (!missing.length) return undefined;
  // CI (.ci/run) installs it: there, a missing server is a failure, never a quiet skip.
  if (process.env.FETCHWRIGHT_REAL_SERVERS === 'required') throw new Error(`FETCHWRIGHT_REAL_SERVERS=required but JupyterHub is not installed (${missing.join(', ')} missing): .ci/run installs it with apt-get`);
  return `JupyterHub is not installed (${missing.join(', ')} missing): \`sudo apt-get install -y jupyterhub\` (Debian/Ubuntu) runs these tests; CI installs it in .ci/run`;
}

export const SEEDED = {
  users: ['admin', 'alice', 'bob', 'carol', 'dave'],
  groups: { 'data-science': ['alice', 'bob'], ops: ['carol', 'dave'] } as Record<string, string[]>,
  services: ['svc-admin', 'svc-idle-culler', 'svc-reporter'],
} as const;

/** The user that owns the tokens `mintToken` makes: the provisioning human's own account. */
const TOKEN_OWNER = 'admin';

/** Per-user API tokens the set-up creates (the `scopes` must be the user's own: JupyterHub refuses more). */
const USER_TOKENS = [
  { user: 'alice', note: 'ci-pipeline', expires_in: 86_400, scopes: ['read:users:groups!user=alice'] },
  { user: 'bob', note: 'notebook' },
  { user: 'carol', note: 'deploy', scopes: ['read:users:name!user=carol'] },
];

export interface MintedToken {
  /** The secret: give it to the run through an environment variable only. */
  token: string;
  /** The token's id (`a7`): what the token lists show. */
  id: string;
  /** Exactly the scopes asked for, as the hub stored them. */
  scopes: string[];
  /** What the hub lets the token do (GET /user `scopes`): the scopes asked for, their sub-scopes, and the owner's own identity scopes (`…!user=admin`). */
  effective: string[];
}

/** One line of the hub's access log. `who` is the user or service the credential belongs to, `''` when none. */
export interface HubRequest {
  status: number;
  method: string;
  /** Path and query, as the hub logged it. */
  uri: string;
  who: string;
}

export interface RealJupyterHub {
  /** `http://127.0.0.1:<hub port>/hub/api`: the REST API's base URL. */
  apiUrl: string;
  ports: { hub: number; proxy: number; proxyApi: number };
  /** Milliseconds from spawning the hub to its API answering the set-up's token, seeding excluded. */
  startupMs: number;
  /** The per-user API tokens' values: a connector must never see or print them. */
  userTokenValues: string[];
  /** Creates a token for the `admin` user holding exactly `scopes`; throws when the hub grants anything else or refuses. */
  mintToken(scopes: string[], note?: string): Promise<MintedToken>;
  /** GET `apiPath` (`/users`) with the set-up's admin token: what the hub holds, for a test's expectations. */
  asAdmin<T>(apiPath: string): Promise<T>;
  /** The access log's requests from `mark` (a `logMark()`) on, once every request made before the call is in the log. */
  requests(mark?: number): Promise<HubRequest[]>;
  /** The current length of the hub's log: pass it to `requests` to see only later requests. */
  logMark(): number;
  /** The last `lines` lines of the hub's log (the proxy's included). */
  logTail(lines?: number): string;
  /** Stops the hub (its process group) and the proxy it started, and removes the folder. Idempotent. */
  stop(): Promise<void>;
}

const py = (v: unknown) => JSON.stringify(v);

function configText(dir: string, ports: RealJupyterHub['ports'], adminToken: string, proxyToken: string): string {
  return [
    '# Written by test/helpers/jupyterhub.ts: a throwaway hub on loopback.',
    'c = get_config()  # noqa',
    `c.JupyterHub.ip = '127.0.0.1'`,
    `c.JupyterHub.port = ${ports.proxy}`,
    `c.JupyterHub.hub_ip = '127.0.0.1'`,
    `c.JupyterHub.hub_port = ${ports.hub}`,
    `c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:${ports.proxyApi}'`,
    `c.ConfigurableHTTPProxy.auth_token = ${py(proxyToken)}`,
    `c.ConfigurableHTTPProxy.pid_file = ${py(path.join(dir, 'proxy.pid'))}`,
    `c.JupyterHub.pid_file = ${py(path.join(dir, 'hub.pid'))}`,
    `c.JupyterHub.db_url = ${py(`sqlite:///${path.join(dir, 'jupyterhub.sqlite')}`)}`,
    `c.JupyterHub.cookie_secret_file = ${py(path.join(dir, 'cookie_secret'))}`,
    `c.JupyterHub.authenticator_class = 'dummy'`,
    `c.Authenticator.allowed_users = ${py(SEEDED.users.filter((u) => u !== 'admin'))}`,
    `c.Authenticator.admin_users = {'admin'}`,
    // No notebook server: nothing asks for a spawn, and one that ran would exit at once.
    `c.Spawner.cmd = ['/bin/false']`,
    `c.JupyterHub.load_groups = ${py(SEEDED.groups)}`,
    'c.JupyterHub.services = [',
    `  {'name': 'svc-admin', 'api_token': ${py(adminToken)}},`,
    `  {'name': 'svc-reporter'},`,
    `  {'name': 'svc-idle-culler'},`,
    ']',
    'c.JupyterHub.load_roles = [',
    `  {'name': 'admin', 'services': ['svc-admin']},`,
    `  {'name': 'identity-reader', 'scopes': ['list:users', 'read:users', 'list:groups', 'read:groups'], 'services': ['svc-reporter']},`,
    `  {'name': 'culler', 'scopes': ['list:users', 'read:users:activity', 'admin:servers'], 'services': ['svc-idle-culler']},`,
    `  {'name': 'ops-reader', 'scopes': ['read:hub'], 'groups': ['ops']},`,
    ']',
    `c.JupyterHub.log_level = 'INFO'`,
    '',
  ].join('\n');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pid from a pid file when that process is still the proxy (a recycled pid is left alone). */
function proxyPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dir, 'proxy.pid'), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('configurable-http-proxy') ? pid : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Launched {
  child: ChildProcess;
  exited: Promise<void>;
  logFile: string;
}

function launch(dir: string, configFile: string): Launched {
  const logFile = path.join(dir, 'hub.log');
  const fd = openSync(logFile, 'a');
  // Its own process group (detached), so `stop` ends it and nothing else; a minimal environment,
  // so nothing of the test's (tokens, a JUPYTERHUB_* setting, npm's node on PATH) reaches the hub.
  const child = spawn(PYTHON, [JUPYTERHUB, '-f', configFile], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { PATH: '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', NODE_PATH, PYTHONDONTWRITEBYTECODE: '1' },
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, logFile };
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function get(url: string, token: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { authorization: `token ${token}`, ...(init.headers ?? {}) }, signal: AbortSignal.timeout(10_000) });
}

/** Polls until the hub's API answers the admin token, the hub exits, or `timeoutMs` passes. */
async function ready(apiUrl: string, adminToken: string, launched: Launched, timeoutMs: number): Promise<'ready' | 'exited' | 'timeout'> {
  let gone = false;
  void launched.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) return 'exited';
    try {
      const r = await get(`${apiUrl}/user`, adminToken);
      if (r.status === 200 && ((await r.json()) as { name?: string }).name === 'svc-admin') return 'ready';
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  return 'timeout';
}

async function stopLaunched(launched: Launched, dir: string): Promise<void> {
  const pid = launched.child.pid;
  if (pid !== undefined && launched.child.exitCode === null && launched.child.signalCode === null) {
    // SIGTERM lets the hub stop the proxy it started (in a session of its own) and remove its pid files.
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const stopped = await Promise.race([launched.exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!stopped) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await launched.exited;
    }
  }
  const proxy = proxyPid(dir);
  if (proxy !== undefined) process.kill(proxy, 'SIGTERM');
}

/**
 * Starts a real JupyterHub on free loopback ports and seeds it (per-user tokens through the REST
 * API). Retries with new ports when one was taken in between (two suites may run at once).
 * Throws, with the hub's log tail, when it does not answer within `timeoutMs` per attempt.
 */
export async function startJupyterHub(opts: { timeoutMs?: number } = {}): Promise<RealJupyterHub> {
  const why = jupyterhubMissing();
  if (why) throw new Error(why);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-jupyterhub-'));
  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(path.join(dir, 'cookie_secret'), randomBytes(32).toString('hex'), { mode: 0o600 });
  let failure = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const ports = { hub: await freePort(), proxy: await freePort(), proxyApi: await freePort() };
    if (new Set(Object.values(ports)).size < 3) continue;
    const configFile = path.join(dir, 'jupyterhub_config.py');
    writeFileSync(configFile, configText(dir, ports, adminToken, randomBytes(24).toString('hex')), { mode: 0o600 });
    const started = Date.now();
    const launched = launch(dir, configFile);
    const apiUrl = `http://127.0.0.1:${ports.hub}/hub/api`;
    const state = await ready(apiUrl, adminToken, launched, timeoutMs);
    if (state === 'ready') return provisioned(dir, apiUrl, ports, Date.now() - started, adminToken, launched);
    failure = `JupyterHub ${state === 'exited' ? `exited (code ${launched.child.exitCode})` : `did not answer within ${timeoutMs} ms`} on ports ${JSON.stringify(ports)}; its log ends:\n${tail(launched.logFile)}`;
    await stopLaunched(launched, dir);
    // Another attempt only when a port was taken in between; anything else will not get better.
    if (!/address already in use|EADDRINUSE/i.test(tail(launched.logFile, 200))) break;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(failure || 'JupyterHub could not be given three free ports');
}

/** The running hub, seeded with the per-user tokens, and the set-up's tools around it; stops the hub if seeding fails. */
async function provisioned(dir: string, apiUrl: string, ports: RealJupyterHub['ports'], startupMs: number, adminToken: string, launched: Launched): Promise<RealJupyterHub> {
  const logFile = launched.logFile;
  // A hub left behind by a test process that dies: killed with it.
  const onExit = () => {
    try {
      process.kill(-launched.child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', onExit);
      await stopLaunched(launched, dir);
      await rm(dir, { recursive: true, force: true });
    })());

  const asAdmin = async <T>(apiPath: string, init: RequestInit = {}): Promise<T> => {
    const r = await get(`${apiUrl}${apiPath}`, adminToken, init);
    const text = await r.text();
    if (!r.ok) throw new Error(`JupyterHub set-up: ${init.method ?? 'GET'} ${apiPath} answered ${r.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const post = <T>(apiPath: string, body: unknown) => asAdmin<T>(apiPath, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  /** The scopes the hub stored for a token: its own database, read-only (what was granted, before any expansion). */
  const storedScopes = async (id: string): Promise<string[]> => {
    const script = 'import sqlite3, sys\nc = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)\nrow = c.execute("select scopes from api_tokens where id = ?", (int(sys.argv[2]),)).fetchone()\nprint(row[0] if row else "null")';
    const { stdout } = await promisify(execFile)(PYTHON, ['-c', script, path.join(dir, 'jupyterhub.sqlite'), id.replace(/^a/, '')], { env: { PATH: '/usr/bin:/bin' } });
    return (JSON.parse(stdout) as string[] | null) ?? [];
  };

  let minted = 0;
  const mintToken = async (scopes: string[], note = `fetchwright-connector-${++minted}`): Promise<MintedToken> => {
    const made = await post<{ token: string; id: string }>(`/users/${TOKEN_OWNER}/tokens`, { note, scopes });
    const stored = await storedScopes(made.id);
    if (JSON.stringify([...stored].sort()) !== JSON.stringify([...scopes].sort())) {
      throw new Error(`JupyterHub stored the scopes ${JSON.stringify(stored)} for a token asked for ${JSON.stringify(scopes)}`);
    }
    const r = await get(`${apiUrl}/user`, made.token);
    const effective = ((await r.json()) as { scopes?: string[] }).scopes ?? [];
    const dropped = scopes.filter((s) => !effective.includes(s));
    if (dropped.length) throw new Error(`JupyterHub does not let the minted token use ${dropped.join(', ')} (its owner ${TOKEN_OWNER} lacks them?)`);
    return { token: made.token, id: made.id, scopes: stored, effective };
  };

  try {
    const userTokenValues: string[] = [];
    for (const { user, ...body } of USER_TOKENS) userTokenValues.push((await post<{ token: string }>(`/users/${user}/tokens`, body)).token);
    const logMark = () => {
      try {
        return readFileSync(logFile, 'utf8').length;
      } catch {
        return 0;
      }
    };
    const parse = (mark: number): HubRequest[] =>
      readFileSync(logFile, 'utf8')
        .slice(mark)
        .split('\n')
        .flatMap((line) => {
          // `[I 2026-11-30 23:04:21.163 JupyterHub log:186] 200 GET /hub/api/users?offset=0 (admin@127.0.0.1) 19.15ms`
          const m = /JupyterHub log:\d+\] (\d{3}) ([A-Z]+) (\S+) \(([^@()]*)@[^)]*\) [\d.]+ms/.exec(line);
          return m ? [{ status: Number(m[1]), method: m[2]!, uri: m[3]!, who: m[4]! }] : [];
        });
    let sentinels = 0;
    const requests = async (mark = 0): Promise<HubRequest[]> => {
      // The hub logs a request after answering it: a request of our own, once logged, follows every earlier one.
      const sentinel = `/hub/api/?fetchwright-log-sentinel=${++sentinels}`;
      await fetch(`http://127.0.0.1:${ports.hub}${sentinel}`, { signal: AbortSignal.timeout(10_000) });
      for (let i = 0; i < 100; i++) {
        const seen = parse(mark);
        const at = seen.findIndex((r) => r.uri === sentinel);
        if (at !== -1) return [...seen.slice(0, at), ...seen.slice(at + 1)];
        await sleep(50);
      }
      throw new Error(`the hub's log never showed ${sentinel}; it ends:\n${tail(logFile)}`);
    };
    return { apiUrl, ports, startupMs, userTokenValues, mintToken, asAdmin: <T,>(p: string) => asAdmin<T>(p), requests, logMark, logTail: (lines) => tail(logFile, lines), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
