import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { FetchwrightError } from '../../errors.ts';

/**
 * Where expand's queue lives: a Redis server named by a `redis://` (or TLS `rediss://`) URL, as
 * Redis' own clients write it — `redis://[[user]:password@]host[:port][/db]` (IANA's `redis` URI
 * scheme). The password may instead be given in FETCHWRIGHT_REDIS_PASSWORD, which keeps it off the
 * command line (`ps` shows arguments); it is never printed, logged or written: people and files see
 * {@link QueueAddress.shown}.
 *
 * The connection is ioredis (the client BullMQ is developed against), reconnecting by itself
 * forever (a restarted Redis is waited for, never an error), every command waiting for it
 * (`maxRetriesPerRequest: null`, as BullMQ requires for its workers).
 */

/** A parsed `--queue` URL. */
export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL as people may see it: scheme, host, port and database, never a user or password. */
  shown: string;
}

/** BullMQ's key prefix for fetchwright's queues: their keys are `fetchwright:expand-…:*` (queued-job.ts queueNameFor). */
export const QUEUE_PREFIX = 'fetchwright';

const HINT = 'Give a Redis URL: redis://HOST:PORT/DB (rediss:// for TLS), the password in FETCHWRIGHT_REDIS_PASSWORD.';

/**
 * Parses a `--queue` value. Throws FetchwrightError `usage` (exit 2) for anything but a `redis://` or
 * `rediss://` URL with a host, a port of 1–65535, a database of 0–255 and a user and password in
 * valid percent-encoding (no query or fragment: an option there would be silently ignored). No
 * message holds any part of the value but its scheme.
 */
export function parseQueueUrl(value: string, env: NodeJS.ProcessEnv = {}): QueueAddress {
  // The value is never echoed: a password may stand anywhere in a URL that does not parse as meant.
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    throw new FetchwrightError('usage', '--queue is not a URL', { hint: HINT });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new FetchwrightError('usage', `--queue must be a redis:// or rediss:// URL, not ${u.protocol.slice(0, -1).replace(/[^a-z0-9+.-]/gi, '?').slice(0, 20)}://`, { hint: HINT });
  if (!u.hostname) throw new FetchwrightError('usage', '--queue names no host', { hint: HINT });
  if (u.search || u.hash) throw new FetchwrightError('usage', '--queue has a query or fragment, which would be ignored (a password goes in FETCHWRIGHT_REDIS_PASSWORD)', { hint: HINT });
  const port = u.port ? Number(u.port) : 6379;
  if (!(port >= 1 && port <= 65535)) throw new FetchwrightError('usage', '--queue: the port must be 1 to 65535', { hint: HINT });
  const dbText = u.pathname.replace(/^\//, '');
  if (!/^\d{0,3}$/.test(dbText) || Number(dbText) > 255) throw new FetchwrightError('usage', '--queue: the database must be a number of 0 to 255 after the host (/0)', { hint: HINT });
  const db = dbText ? Number(dbText) : 0;
  let password: string | undefined;
  let username: string | undefined;
  try {
    password = u.password ? decodeURIComponent(u.password) : env.FETCHWRIGHT_REDIS_PASSWORD || undefined;
    username = u.username ? decodeURIComponent(u.username) : undefined;
  } catch {
    throw new FetchwrightError('usage', '--queue: the user or password is not valid percent-encoding', { hint: HINT });
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, db, ...(username ? { username } : {}), ...(password ? { password } : {}), tls: u.protocol === 'rediss:', shown: `${u.protocol}//${u.host}/${db}` };
}

/**
 * An ioredis connection to the queue's Redis (see the module comment): reconnects every second up
 * to every 5 seconds, forever; commands wait for the connection. `name` is the client name Redis
 * shows (`CLIENT LIST`).
 */
export function connect(address: QueueAddress, name: string): Redis {
  const options: RedisOptions = {
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username ? { username: address.username } : {}),
    ...(address.password ? { password: address.password } : {}),
    ...(address.tls ? { tls: {} } : {}),
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(1000 * times, 5000),
    lazyConnect: true,
  };
  return new Redis(options);
}

/**
 * Connects and checks the server answers (PING) within `timeoutMs`; throws FetchwrightError
 * `queue-unreachable` (exit 37) naming the shown URL and the cause when it does not (refused, no
 * such host, a wrong password), so a command with a mistyped --queue fails at once instead of
 * waiting forever.
 */
export async function connectChecked(address: QueueAddress, name: string, timeoutMs = 10_000): Promise<Redis> {
  const redis = connect(address, name);
  let lastError = '';
  const onError = (e: Error) => (lastError = e.message);
  redis.on('error', onError);
  const timer = setTimeout(() => redis.disconnect(), timeoutMs);
  try {
    await redis.connect();
    await redis.ping();
    // ioredis goes on in database 0 when its SELECT is refused: a database the server does not have is said here.
    await redis.select(address.db);
    return redis;
  } catch (e) {
    redis.disconnect();
    const why = (/DB index/i.test((e as Error).message) ? (e as Error).message : lastError || (e as Error).message).replace(address.password ?? '\u0000', '***').slice(0, 200);
    const hint = /NOAUTH/i.test(why)
      ? 'The server requires a password: give it in FETCHWRIGHT_REDIS_PASSWORD (or the URL).'
      : /WRONGPASS|invalid password|invalid username/i.test(why)
        ? 'The server refused the user or password given: check FETCHWRIGHT_REDIS_PASSWORD (or the URL).'
        : /DB index/i.test(why)
          ? `The server has fewer databases than ${address.db + 1} (redis.conf "databases"): give another database after the host, such as /0.`
          : 'Start Redis there (redis-server), or correct --queue.';
    throw new FetchwrightError('queue-unreachable', `the queue's Redis at ${address.shown} cannot be used: ${why}`, { hint });
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
  }
}

/**
 * The id of the queue a connection reaches: a UUID kept in its Redis database (`fetchwright:queue-id`,
 * set by the first command that asks). The same queue whatever name or address each machine reaches
 * it by; another database, or a Redis emptied since, is another queue.
 */
export async function queueId(redis: Redis): Promise<string> {
  const key = `${QUEUE_PREFIX}:queue-id`;
  await redis.set(key, randomUUID(), 'NX');
  return String(await redis.get(key));
}
