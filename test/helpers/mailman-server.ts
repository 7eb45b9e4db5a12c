import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { debianServerMissing, exited, freePort } from './local-server.ts';

/** The set-up's own requests say so in their User-Agent: the access log tells them from the connector's. */
const SETUP_AGENT = 'fetchwright-test-setup';

/** Debian's mailman3: the runner that serves Mailman 3's REST API (gunicorn under it). */
export const MAILMAN_RUNNER = '/usr/lib/mailman3/bin/runner';

/** Why a real Mailman 3 cannot run here, or `undefined` when it can (CI installs mailman3 and requires it). */
export function mailmanServerMissing(): string | undefined {
  return debianServerMissing(MAILMAN_RUNNER, 'mailman3');
}

export interface MailmanServer {
  /** `http://127.0.0.1:<port>`: the REST API's root (paths start `/3.0/`, `/3.1/`). */
  url: string;
  /** The admin credential as HTTP Basic wants it: `restadmin:<random password>`. */
  credential: string;
  /** A request to the REST API as its admin (the set-up plays the human who provisions access). */
  call(method: 'GET' | 'POST' | 'DELETE', pathAndQuery: string, form?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  /** Stops the runner by the process group it started in and removes its folder. */
  stop(): Promise<void>;
  /** What the runner wrote, for a failing test's message. */
  log(): string;
  /** Where the server's access log is now: `requests(mark)` returns the requests after it. */
  logMark(): number;
  /** The requests the server logged after `mark` that the set-up did not send: `GET /3.0/users?page=1&count=100`. */
  requests(mark: number): string[];
}

/**
 * Starts Mailman 3's REST runner on 127.0.0.1 on a free port, with a database, queue and lock
 * folder of its own under a temporary folder, mail delivery faked (nothing leaves the machine), and
 * a random admin password. Resolves once `/3.1/system/versions` answers 200 to the admin (30 s at
 * most; rejects with the runner's output otherwise).
 */
export async function startMailman(): Promise<MailmanServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fw-mailman-'));
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const cfg = path.join(dir, 'mailman.cfg');
  writeFileSync(cfg, [
    '[mailman]', 'layout: here', 'site_owner: owner@example.org',
    '[paths.here]', `var_dir: ${dir}/var`,
    '[database]', 'class: mailman.database.sqlite.SQLiteDatabase', 'url: sqlite:///$DATA_DIR/mailman.db',
    '[webservice]', 'hostname: 127.0.0.1', `port: ${port}`, 'use_https: no', 'admin_user: restadmin', `admin_pass: ${password}`, 'api_version: 3.1',
    '[mta]', 'incoming: mailman.testing.mta.FakeMTA', 'outgoing: mailman.testing.mta.FakeMTA', 'smtp_host: 127.0.0.1', 'smtp_port: 9', 'lmtp_host: 127.0.0.1', 'lmtp_port: 9',
    '[archiver.prototype]', 'enable: no', '[archiver.mhonarc]', 'enable: no', '[archiver.mail_archive]', 'enable: no',
    '',
  ].join('\n'));
  const logFile = path.join(dir, 'runner.log');
  writeFileSync(logFile, '');
  const out = (await import('node:fs')).openSync(logFile, 'a');
  // Its own process group: stopping it stops the gunicorn workers it forks.
  const child = spawn(MAILMAN_RUNNER, ['-C', cfg, '-r', 'rest'], { detached: true, stdio: ['ignore', out, out], env: { PATH: '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' } });
  const url = `http://127.0.0.1:${port}`;
  const credential = `restadmin:${password}`;
  const auth = `Basic ${Buffer.from(credential).toString('base64')}`;
  const log = () => readFileSync(logFile, 'utf8').slice(-4000);
  const call: MailmanServer['call'] = async (method, pathAndQuery, form) => {
    const res = await fetch(`${url}${pathAndQuery}`, { method, headers: { authorization: auth, 'user-agent': SETUP_AGENT, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, ...(form ? { body: new URLSearchParams(form).toString() } : {}) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch { /* not JSON: kept as text */ }
    return { status: res.status, body };
  };
  const stop = async () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch { /* gone */ }
      }, 10_000);
      await exited(child);
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      const text = log();
      await stop();
      throw new Error(`Mailman's REST runner exited (${child.exitCode}) before it answered:\n${text}`);
    }
    try {
      if ((await call('GET', '/3.1/system/versions')).status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      const text = log();
      await stop();
      throw new Error(`Mailman's REST runner did not answer on ${url} within 30 s:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // Mailman logs each REST request to var/logs/mailman.log, Apache style: `"GET /3.0/users?page=1 HTTP/1.1" 200 … "node"`.
  const accessLog = path.join(dir, 'var', 'logs', 'mailman.log');
  const readAccess = () => (existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : '');
  const logMark = () => readAccess().length;
  const requests = (mark: number) => readAccess().slice(mark).split('\n').flatMap((line) => {
    const m = /"([A-Z]+) (\S+) HTTP\/[\d.]+" \d+ \S+ "[^"]*" "([^"]*)"/.exec(line);
    return m && m[3] !== SETUP_AGENT ? [`${m[1]} ${m[2]}`] : [];
  });
  return { url, credential, call, stop, log, logMark, requests };
}
