import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchwrightError } from '../../errors.ts';
import { freePort, redisServerMissing, startRedis, type RedisServer } from '../../../test/helpers/redis-server.ts';
import { connectChecked, parseQueueUrl } from './queue-connection.ts';

/** parseQueueUrl's accepted and refused `--queue` URLs, and connectChecked on nothing, and on a real redis-server with a password. */

/** The FetchwrightError `fn` throws (fails the test when it throws nothing or something else). */
function refusal(fn: () => unknown): FetchwrightError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FetchwrightError);
    return e as FetchwrightError;
  }
  throw new Error('expected a FetchwrightError, nothing was thrown');
}

/** The FetchwrightError a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<FetchwrightError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FetchwrightError);
    return e as FetchwrightError;
  }
  throw new Error('expected a rejection, the promise resolved');
}

/** Everything a person or a file may see of an error. */
const seen = (e: FetchwrightError) => `${e.message}\n${e.render()}\n${JSON.stringify(e.details)}`;

describe('parseQueueUrl accepts', () => {
  it('redis://host: port 6379, database 0, no TLS, no credentials', () => {
    expect(parseQueueUrl('redis://queue.internal')).toEqual({ host: 'queue.internal', port: 6379, db: 0, tls: false, shown: 'redis://queue.internal/0' });
  });

  it('redis://host:port/db', () => {
    const a = parseQueueUrl('redis://127.0.0.1:6380/7');
    expect(a).toMatchObject({ host: '127.0.0.1', port: 6380, db: 7, tls: false, shown: 'redis://127.0.0.1:6380/7' });
    expect(parseQueueUrl('redis://h/255').db).toBe(255);
  });

  it('rediss:// as TLS', () => {
    const a = parseQueueUrl('rediss://queue.internal:6390/1');
    expect(a.tls).toBe(true);
    expect(a.shown).toBe('rediss://queue.internal:6390/1');
  });

  it('an IPv6 address, without its brackets as the host', () => {
    const a = parseQueueUrl('redis://[::1]:6380/2');
    expect(a.host).toBe('::1');
    expect(a.port).toBe(6380);
    expect(a.shown).toBe('redis://[::1]:6380/2');
  });

  it('a user and password in the URL, percent-decoded, and never in `shown`', () => {
    const a = parseQueueUrl('redis://svc%40team:p%3Aw%2Fd@h:6379/1');
    expect(a.username).toBe('svc@team');
    expect(a.password).toBe('p:w/d');
    expect(a.shown).toBe('redis://h:6379/1');
    expect(a.shown).not.toMatch(/svc|p%3A|p:w/);
  });

  it('the password from FETCHWRIGHT_REDIS_PASSWORD when the URL has none; the URL\'s wins', () => {
    expect(parseQueueUrl('redis://h/0', { FETCHWRIGHT_REDIS_PASSWORD: 'from-env' }).password).toBe('from-env');
    expect(parseQueueUrl('redis://:from-url@h/0', { FETCHWRIGHT_REDIS_PASSWORD: 'from-env' }).password).toBe('from-url');
    expect(parseQueueUrl('redis://h/0', {}).password).toBeUndefined();
    expect(parseQueueUrl('redis://h/0', { FETCHWRIGHT_REDIS_PASSWORD: 'from-env' }).shown).toBe('redis://h/0');
  });
});

describe('parseQueueUrl refuses, exit 2', () => {
  const refused: [string, string, RegExp][] = [
    ['http://', 'http://queue.internal:6379/0', /redis:\/\/ or rediss:\/\//],
    ['a missing host', 'redis:///0', /no host/],
    ['a query', 'redis://h:6379/0?db=1', /query or fragment/],
    ['a fragment', 'redis://h:6379/0#x', /query or fragment/],
    ['a database that is not a number', 'redis://h:6379/x', /database/],
    ['database 256', 'redis://h:6379/256', /database/],
    ['a path after the database', 'redis://h:6379/0/1', /database/],
    ['a non-URL', 'queue.internal:6379', /not a URL|redis:\/\//],
    ['words', 'not a url', /not a URL/],
  ];
  it.each(refused)('%s', (_what, value, message) => {
    const e = refusal(() => parseQueueUrl(value));
    expect(e.code).toBe('usage');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(message);
    expect(e.details.hint).toMatch(/FETCHWRIGHT_REDIS_PASSWORD/);
  });

  const withPassword: [string, string][] = [
    ['a query', 'redis://:s3cretpw@h:6379/0?x=1'],
    ['a fragment', 'redis://admin:s3cretpw@h:6379/0#x'],
    ['database x', 'redis://:s3cretpw@h:6379/x'],
    ['database 256', 'redis://:s3cretpw@h:6379/256'],
    ['a port out of range (not a URL)', 'redis://:s3cretpw@h:99999/0'],
    ['http://', 'http://:s3cretpw@h:6379/0'],
  ];
  it.each(withPassword)('with a password in the URL and %s: the password is in no message', (_what, value) => {
    const e = refusal(() => parseQueueUrl(value, { FETCHWRIGHT_REDIS_PASSWORD: 'envpw-9f8e' }));
    expect(e.code).toBe('usage');
    expect(seen(e)).not.toContain('s3cretpw');
    expect(seen(e)).not.toContain('envpw-9f8e');
  });

  it('a password holding "/" in a URL that does not parse is not shown in the message', () => {
    const e = refusal(() => parseQueueUrl('redis://:pa/s3cretpw@h:6379/0'));
    expect(seen(e)).not.toContain('s3cretpw');
  });

  it('a password given as a query parameter (?password=, as some Redis clients take it) is not shown in the message', () => {
    const e = refusal(() => parseQueueUrl('redis://h:6379/0?password=s3cretpw'));
    expect(seen(e)).not.toContain('s3cretpw');
  });

  it('a malformed percent-escape in the password is a usage error', () => {
    expect(refusal(() => parseQueueUrl('redis://:%zz@h:6379/0')).code).toBe('usage');
  });

  it('port 0 is refused (1–65535)', () => {
    expect(refusal(() => parseQueueUrl('redis://h:0/0')).code).toBe('usage');
  });
});

describe('connectChecked where nothing listens', () => {
  it('rejects with queue-unreachable (exit 37), naming the shown URL and never the password', async () => {
    const port = await freePort();
    const address = parseQueueUrl(`redis://:s3cretpw@127.0.0.1:${port}/3`);
    const e = await rejection(connectChecked(address, 'fetchwright-test'));
    expect(e.code).toBe('queue-unreachable');
    expect(e.exitCode).toBe(37);
    expect(e.message).toContain(`redis://127.0.0.1:${port}/3`);
    expect(e.details.hint).toMatch(/Start Redis/);
    expect(seen(e)).not.toContain('s3cretpw');
  });
});

describe.skipIf(redisServerMissing())('connectChecked on a redis-server with --requirepass', () => {
  const password = 'pw-queue-7c1d2e';
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis(['--requirepass', password]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a wrong password: queue-unreachable whose hint names FETCHWRIGHT_REDIS_PASSWORD, the password in no message', async () => {
    const address = parseQueueUrl(`redis://:wrong-s3cretpw@127.0.0.1:${server.port}/0`);
    const e = await rejection(connectChecked(address, 'fetchwright-test'));
    expect(e.code).toBe('queue-unreachable');
    expect(e.exitCode).toBe(37);
    expect(e.message).toContain(`redis://127.0.0.1:${server.port}/0`);
    expect(e.details.hint).toMatch(/refused the user or password given: check FETCHWRIGHT_REDIS_PASSWORD/);
    expect(seen(e)).not.toContain('wrong-s3cretpw');
  });

  it('no password at all: queue-unreachable whose hint names FETCHWRIGHT_REDIS_PASSWORD', async () => {
    const e = await rejection(connectChecked(parseQueueUrl(server.url), 'fetchwright-test'));
    expect(e.code).toBe('queue-unreachable');
    expect(e.details.hint).toMatch(/requires a password: give it in FETCHWRIGHT_REDIS_PASSWORD/);
  });

  it('a database the server does not have: queue-unreachable naming it, never database 0 in its place', async () => {
    const e = await rejection(connectChecked(parseQueueUrl(`redis://127.0.0.1:${server.port}/99`, { FETCHWRIGHT_REDIS_PASSWORD: password }), 'fetchwright-test'));
    expect(e.code).toBe('queue-unreachable');
    expect(e.message).toMatch(/DB index is out of range/);
    expect(e.details.hint).toMatch(/fewer databases than 100/);
  });

  it('the right password (from FETCHWRIGHT_REDIS_PASSWORD): resolves to a connection that answers', async () => {
    const redis = await connectChecked(parseQueueUrl(server.url, { FETCHWRIGHT_REDIS_PASSWORD: password }), 'fetchwright-test');
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });
});
