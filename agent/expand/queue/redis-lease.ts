import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/**
 * A lease in Redis: one holder of a key at a time (`SET key token NX PX ttl`), renewed while held,
 * given back by compare-and-delete — the single-instance lock of Redis' own documentation
 * ("Distributed Locks with Redis", the correct implementation with a single instance).
 *
 * What a lock library does not give, and why this is fetchwright's own: the holder gives the lease
 * up *by its own clock* before anyone else can take it. It is renewed every quarter of its time to
 * live; when no renewal has succeeded for half of it (Redis unreachable, paused, slow), or a
 * renewal finds the key is no longer its own, {@link Lease.lost} resolves, and the holder stops the
 * work it guards at once. Another can take the key only once it expired in Redis — a whole time to
 * live after the last renewal — so the work of the old holder has ended by then, whatever Redis
 * did meanwhile (a restart, a pause, a lost key).
 */

export interface Lease {
  /** Resolves (never rejects) with why, once the lease is lost: its holder must stop the work it guards now. */
  lost: Promise<string>;
  /** Gives the lease back (only if still this holder's) and stops renewing it. Never throws. */
  release(): Promise<void>;
  /** Until when (ms since the epoch) the lease is sure: half its time to live after its last renewal (the watchdog's limit). */
  sureUntil(): number;
}

const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface LeaseOptions {
  /** The lease's time to live in Redis (ms). */
  ttlMs: number;
  /** How long to wait for a lease another holds before giving up (ms). */
  waitMs: number;
  /** How often to try again while another holds it (ms; default 500). */
  pollMs?: number;
}

/** The key is held by another for longer than the wait allowed. */
export class LeaseBusy extends Error {}

/**
 * Takes the lease on `key`, waiting at most `waitMs` while another holds it (then throws
 * {@link LeaseBusy}). Redis errors while taking it are thrown as they are.
 */
export async function acquireLease(redis: Redis, key: string, o: LeaseOptions): Promise<Lease> {
  const token = randomUUID();
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    if ((await redis.set(key, token, 'PX', o.ttlMs, 'NX')) === 'OK') break;
    if (Date.now() >= deadline) throw new LeaseBusy(`${key} is held by another for more than ${Math.round(o.waitMs / 1000)} s`);
    await sleep(o.pollMs ?? 500);
  }
  let lastRenewed = Date.now();
  let ended = false;
  let onLost: (why: string) => void = () => undefined;
  const lost = new Promise<string>((resolve) => (onLost = resolve));
  const end = (why?: string) => {
    if (ended) return;
    ended = true;
    clearInterval(renewer);
    clearInterval(watchdog);
    if (why) onLost(why);
  };
  const renewer = setInterval(() => {
    const asked = Date.now();
    redis.eval(RENEW, 1, key, token, String(o.ttlMs)).then(
      (ok) => {
        if (ok === 1) lastRenewed = Math.max(lastRenewed, asked);
        else end('it is no longer this holder\'s (it expired and may be another\'s)');
      },
      () => undefined,
    );
  }, Math.max(50, Math.floor(o.ttlMs / 4)));
  const watchdog = setInterval(() => {
    if (Date.now() - lastRenewed > o.ttlMs / 2) end(`it was not renewed for ${Math.round((Date.now() - lastRenewed) / 1000)} s (the queue's Redis did not answer)`);
  }, Math.max(25, Math.floor(o.ttlMs / 20)));
  renewer.unref();
  watchdog.unref();
  return {
    lost,
    sureUntil: () => (ended ? 0 : lastRenewed + o.ttlMs / 2),
    release: async () => {
      end();
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    },
  };
}
