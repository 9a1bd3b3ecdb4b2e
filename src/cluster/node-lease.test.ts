import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, startRedis, type TestRedis } from '../../test/redis-server.js';
import { poll } from '../../test/wait.js';
import { type LeaseState, NodeLease, type NodeLeaseOptions } from './node-lease.js';
import { clusterKeys } from './redis-common.js';

const TTL_MS = 600;
const REFRESH_MS = 200;

let server: TestRedis;
let admin: Redis;
let prefixes = 0;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  server = await startRedis();
  admin = await connectRedis(server.url);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

/** What a lease told its callbacks. */
interface Heard {
  lost: string[];
  restarted: number;
  retaken: number;
  states: LeaseState[];
}

/** A lease on a client of its own, under a prefix no other test uses, stopped after the test. */
async function lease(
  nodeName: string,
  options: Partial<NodeLeaseOptions> & { prefix?: string } = {},
): Promise<{ lease: NodeLease; heard: Heard; redis: Redis; prefix: string }> {
  const redis = await connectRedis(server.url);
  const prefix = options.prefix ?? `lease${++prefixes}`;
  const heard: Heard = { lost: [], restarted: 0, retaken: 0, states: [] };
  const created = new NodeLease({
    redis,
    prefix,
    nodeName,
    ttlMs: TTL_MS,
    refreshMs: REFRESH_MS,
    onLost: (reason) => heard.lost.push(reason),
    onRestarted: () => heard.restarted++,
    onRetaken: () => heard.retaken++,
    onState: (state) => heard.states.push(state),
    ...options,
  });
  cleanups.push(async () => {
    await created.stop();
    redis.disconnect();
  });
  return { lease: created, heard, redis, prefix };
}

describe('NodeLease', () => {
  it('holds a key per node with its incarnation, listed until the node stops', async () => {
    const a = await lease('node-a');
    const b = await lease('node-b', { prefix: a.prefix });
    await a.lease.start();
    await b.lease.start();
    expect(a.lease.holds()).toBe(true);
    expect(a.lease.incarnation).not.toBe(b.lease.incarnation);
    expect(await a.lease.liveNodes()).toEqual(
      new Map([
        ['node-a', a.lease.incarnation],
        ['node-b', b.lease.incarnation],
      ]),
    );
    expect(await admin.pttl(clusterKeys.node(a.prefix, 'node-a'))).toBeGreaterThan(0);

    await b.lease.stop();
    expect(b.lease.holds()).toBe(false);
    expect(await a.lease.liveNodes()).toEqual(new Map([['node-a', a.lease.incarnation]]));
  });

  it('outlives its TTL by refreshing', async () => {
    const a = await lease('node-a');
    await a.lease.start();
    const key = clusterKeys.node(a.prefix, 'node-a');
    const startedAt = performance.now();
    // Only refreshes can keep the key two TTLs after it was set.
    await poll('the lease two TTLs on', async () =>
      performance.now() - startedAt > 2 * TTL_MS && (await admin.get(key)) === a.lease.incarnation
        ? true
        : undefined,
    );
    expect(a.lease.holds()).toBe(true);
    expect(a.heard).toEqual({ lost: [], restarted: 0, retaken: 0, states: [] });
  });

  it('refuses to start while a live node has the same name', async () => {
    const first = await lease('node-a');
    const second = await lease('node-a', { prefix: first.prefix });
    await first.lease.start();
    await expect(second.lease.start()).rejects.toThrow('another node named node-a is running');
    expect(second.lease.holds()).toBe(false);
    expect(await admin.get(clusterKeys.node(first.prefix, 'node-a'))).toBe(first.lease.incarnation);
  });

  it('takes again a lease that lapsed when no node announced its users gone', async () => {
    const a = await lease('node-a');
    await a.lease.start();
    const before = a.lease.incarnation;
    const key = clusterKeys.node(a.prefix, 'node-a');
    await admin.del(key);

    await poll('onRetaken', () => (a.heard.retaken > 0 ? true : undefined));
    expect(a.lease.incarnation).toBe(before);
    expect(await admin.get(key)).toBe(before);
    expect(a.heard.lost).toEqual([]);
  });

  it('tells of a lease lost once another node marked it reaped, then takes a new incarnation', async () => {
    const a = await lease('node-a');
    const b = await lease('node-b', { prefix: a.prefix });
    await a.lease.start();
    await b.lease.start();
    const before = a.lease.incarnation;
    const key = clusterKeys.node(a.prefix, 'node-a');
    // Not while it lives...
    expect(await b.lease.markReaped('node-a')).toBe(false);
    // ...but once it lapsed: node b announces node a's users gone.
    await admin.del(key);
    const marked = await b.lease.markReaped('node-a');
    if (!marked) {
      // node a's refresh got in first and took the lease again: lapse it once more.
      await admin.del(key);
      expect(await b.lease.markReaped('node-a')).toBe(true);
    }

    await poll('onLost', () => (a.heard.lost.length > 0 ? true : undefined));
    expect(a.heard.lost).toEqual(['the lease lapsed, and another node announced this one lost']);
    await poll('a new incarnation', () =>
      a.lease.holds() && a.lease.incarnation !== before ? true : undefined,
    );
    expect(await admin.get(key)).toBe(a.lease.incarnation);
    // The epoch never changed: nothing to put back.
    expect(a.heard.restarted).toBe(0);
    expect(a.heard.lost).toHaveLength(1);
  });

  it('tells of a lease taken by another process, and waits for the name to be free', async () => {
    const a = await lease('node-a');
    await a.lease.start();
    const before = a.lease.incarnation;
    const key = clusterKeys.node(a.prefix, 'node-a');
    await admin.set(key, 'someone-else', 'PX', 60_000);

    await poll('onLost', () => (a.heard.lost.length > 0 ? true : undefined));
    expect(a.heard.lost).toEqual(['another process named node-a took the lease']);
    expect(a.lease.holds()).toBe(false);
    await admin.del(key);
    await poll('the lease back', () => (a.lease.holds() ? true : undefined));
    expect(a.lease.incarnation).not.toBe(before);
    expect(await admin.get(key)).toBe(a.lease.incarnation);
    expect(a.heard.lost).toHaveLength(1);
  });

  it('lists only the nodes under its own prefix, whatever characters it has', async () => {
    const a = await lease('node-a', { prefix: 'p[1]*' });
    const b = await lease('node-b', { prefix: 'p1x' });
    await a.lease.start();
    await b.lease.start();
    expect(await a.lease.liveNodes()).toEqual(new Map([['node-a', a.lease.incarnation]]));
  });

  it('tells that Redis restarted (the epoch is gone) and takes its lease again', async () => {
    const a = await lease('node-a');
    await a.lease.start();
    const epoch = await admin.get(clusterKeys.epoch(a.prefix));
    expect(epoch).not.toBeNull();

    await server.restart();
    await poll('onRestarted', () => (a.heard.restarted > 0 ? true : undefined));
    expect(a.heard.restarted).toBe(1);
    expect(a.lease.holds()).toBe(true);
    expect(await admin.get(clusterKeys.node(a.prefix, 'node-a'))).toBe(a.lease.incarnation);
    const after = await admin.get(clusterKeys.epoch(a.prefix));
    expect(after).not.toBeNull();
    expect(after).not.toBe(epoch);
  });

  it('renews at once when told that Redis is back, without waiting for its next refresh', async () => {
    const a = await lease('node-a', { ttlMs: 60_000, refreshMs: 20_000 });
    await a.lease.start();
    await server.restart();
    await poll('the client to reconnect', () => (a.redis.status === 'ready' ? true : undefined));
    a.lease.refreshNow();
    await poll('onRestarted', () => (a.heard.restarted > 0 ? true : undefined), {
      timeoutMs: 5_000,
    });
    expect(await admin.get(clusterKeys.node(a.prefix, 'node-a'))).toBe(a.lease.incarnation);
  });

  it('stops holding once no refresh succeeded for the TTL, before Redis says anything', async () => {
    const a = await lease('node-a');
    await a.lease.start();
    cleanups.push(() => server.kill('SIGCONT'));
    const before = a.lease.incarnation;
    // Hung rather than gone: the connection stays open and refreshes time out.
    server.kill('SIGSTOP');
    const stoppedAt = performance.now();
    await poll('holds() to turn false', () => (a.lease.holds() ? undefined : true), {
      everyMs: 10,
    });
    // The refreshes sent just before the hang still count.
    expect(performance.now() - stoppedAt).toBeGreaterThanOrEqual(TTL_MS - 2 * REFRESH_MS);
    expect(a.heard.states).toEqual(['down']);

    // Nobody could reach Redis, so nobody announced this node lost: it goes on as it was.
    server.kill('SIGCONT');
    await poll('the lease back', () => (a.lease.holds() ? true : undefined));
    expect(a.lease.incarnation).toBe(before);
    expect(a.heard.states).toEqual(['down', 'up']);
    expect(a.heard.lost).toEqual([]);
  });

  it('stops without throwing while Redis is down', async () => {
    const a = await lease('node-a');
    await a.lease.start();
    server.kill('SIGKILL');
    cleanups.push(() => server.restart());
    await poll('the refreshes to fail', () => (a.heard.states.includes('down') ? true : undefined));
    await expect(a.lease.stop()).resolves.toBeUndefined();
    expect(a.lease.holds()).toBe(false);
  });
});
