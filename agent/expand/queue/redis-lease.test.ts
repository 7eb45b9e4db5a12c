import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerMissing, startRedis, type RedisServer } from '../../../test/helpers/redis-server.ts';
import { acquireLease, LeaseBusy } from './redis-lease.ts';

/** The lease that keeps one job process per vendor (and one git writer per repository) on a real redis-server. */

describe.skipIf(redisServerMissing())('acquireLease on a real redis-server', () => {
  let server: RedisServer;
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    server = await startRedis();
    a = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: null });
    b = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    a?.disconnect();
    b?.disconnect();
    await server?.stop();
  });

  it('one holder at a time: a second waits while the first renews past its time to live, and gets it once it is given back', async () => {
    const first = await acquireLease(a, 'lease:one', { ttlMs: 600, waitMs: 0 });
    await expect(acquireLease(b, 'lease:one', { ttlMs: 600, waitMs: 1500, pollMs: 50 })).rejects.toBeInstanceOf(LeaseBusy);
    const waiting = acquireLease(b, 'lease:one', { ttlMs: 600, waitMs: 5000, pollMs: 50 });
    await new Promise((r) => setTimeout(r, 300));
    await first.release();
    const second = await waiting;
    await second.release();
    expect(await a.exists('lease:one')).toBe(0);
  });

  it('is lost when the key is no longer its own, and a release then leaves the other holder\'s key alone', async () => {
    const held = await acquireLease(a, 'lease:two', { ttlMs: 800, waitMs: 0 });
    await b.set('lease:two', 'someone-else');
    expect(await held.lost).toMatch(/no longer this holder's/);
    await held.release();
    expect(await b.get('lease:two')).toBe('someone-else');
  });

  it('is given up by its holder\'s own clock when Redis does not answer, while the key is still unexpired (no one else can hold it yet)', async () => {
    const held = await acquireLease(a, 'lease:three', { ttlMs: 4000, waitMs: 0 });
    // Redis paused: no renewal succeeds, no answer comes; Redis' clock runs on.
    process.kill(server.pid, 'SIGSTOP');
    let why: string;
    try {
      why = await held.lost;
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    expect(why).toMatch(/not renewed for \d+ s/);
    // Given up with time to live left: another could not have taken it before.
    expect(await b.pttl('lease:three')).toBeGreaterThan(0);
    await held.release();
  });
});
