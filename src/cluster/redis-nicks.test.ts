import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, startRedis, type TestRedis } from '../../test/redis-server.js';
import { poll } from '../../test/wait.js';
import { NodeLease } from './node-lease.js';
import { clusterKeys } from './redis-common.js';
import { NickRegistryUnavailable, RedisNickRegistry } from './redis-nicks.js';

const TTL_MS = 600;
const REFRESH_MS = 200;

let server: TestRedis;
let prefixes = 0;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  server = await startRedis();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await server?.stop();
});

interface Node {
  nicks: RedisNickRegistry;
  lease: NodeLease;
  redis: Redis;
  restarts: () => number;
  /** The clock claims are stamped with; tests set it to order claims. */
  clock: { now: number };
}

/** A fresh prefix: the nodes of one test share it, and no other test sees them. */
function cluster(): string {
  return `nicks${++prefixes}`;
}

/** A started node with a client of its own, stopped after the test. */
async function node(
  prefix: string,
  nodeName: string,
  timing = { ttlMs: TTL_MS, refreshMs: REFRESH_MS },
): Promise<Node> {
  const redis = await connectRedis(server.url);
  let restarts = 0;
  const lease = new NodeLease({
    redis,
    prefix,
    nodeName,
    ...timing,
    onRestarted: () => restarts++,
  });
  cleanups.push(async () => {
    await lease.stop();
    redis.disconnect();
  });
  await lease.start();
  const clock = { now: Date.now() };
  const nicks = new RedisNickRegistry({ redis, prefix, lease, now: () => clock.now });
  return { nicks, lease, redis, restarts: () => restarts, clock };
}

describe('RedisNickRegistry', () => {
  it('gives a nickname raced for by two nodes to exactly one owner', async () => {
    const prefix = cluster();
    const a = await node(prefix, 'node-a');
    const b = await node(prefix, 'node-b');
    const owners = Array.from({ length: 20 }, (_, i) => `${i % 2 ? 'node-b' : 'node-a'}:${i}`);
    const results = await Promise.all(
      owners.map((owner, i) => (i % 2 ? b : a).nicks.claim('alice', owner)),
    );
    const winners = owners.filter((_, i) => results[i]);
    expect(winners).toHaveLength(1);
    expect((await a.nicks.holder('alice'))?.owner).toBe(winners[0]);
    // The winner claiming again is still fine; anyone else is still refused.
    const winner = winners[0]!;
    const winnerNode = winner.startsWith('node-a') ? a : b;
    expect(await winnerNode.nicks.claim('alice', winner)).toBe(true);
    expect(await a.nicks.claim('alice', 'node-a:99')).toBe(false);
  });

  it('lets only the owner release a nickname', async () => {
    const prefix = cluster();
    const a = await node(prefix, 'node-a');
    const b = await node(prefix, 'node-b');
    a.clock.now = 1_000;
    expect(await a.nicks.claim('bob', 'node-a:1')).toBe(true);
    await b.nicks.release('bob', 'node-b:1');
    await a.nicks.release('bob', 'node-a:2');
    expect(await b.nicks.holder('bob')).toEqual({ owner: 'node-a:1', node: 'node-a', at: 1_000 });
    expect(await b.nicks.claim('bob', 'node-b:1')).toBe(false);

    await a.nicks.release('bob', 'node-a:1');
    expect(await b.nicks.holder('bob')).toBeUndefined();
    expect(await b.nicks.claim('bob', 'node-b:1')).toBe(true);
  });

  it("frees a node's nicknames once its lease has lapsed", async () => {
    const prefix = cluster();
    const a = await node(prefix, 'node-a');
    const b = await node(prefix, 'node-b');
    expect(await a.nicks.claim('zed', 'node-a:1')).toBe(true);
    expect(await b.nicks.claim('zed', 'node-b:1')).toBe(false);
    // Cut off from Redis: its refreshes fail and the lease runs out there.
    a.redis.disconnect();
    await poll('node-b to get the nickname', () =>
      b.nicks.claim('zed', 'node-b:1').then((won) => (won ? true : undefined)),
    );
    expect(a.lease.holds()).toBe(false);
    await expect(a.nicks.claim('yan', 'node-a:2')).rejects.toThrow(NickRegistryUnavailable);
  });

  it('refuses claims once the lease is gone from Redis, before the node has noticed', async () => {
    const prefix = cluster();
    // No refresh during the test: only Redis knows the lease is gone.
    const a = await node(prefix, 'node-a', { ttlMs: 60_000, refreshMs: 30_000 });
    const admin = await connectRedis(server.url);
    cleanups.push(() => admin.disconnect());
    await admin.del(clusterKeys.node(prefix, 'node-a'));
    expect(a.lease.holds()).toBe(true);
    await expect(a.nicks.claim('alice', 'node-a:1')).rejects.toThrow(
      new NickRegistryUnavailable('this node does not hold its lease in Redis'),
    );
    expect(await a.nicks.holder('alice')).toBeUndefined();
  });

  it('gives a node restarted under the same name none of its old claims', async () => {
    const prefix = cluster();
    const old = await node(prefix, 'node-a');
    const b = await node(prefix, 'node-b');
    expect(await old.nicks.claim('alice', 'node-a:1')).toBe(true);
    // Dies without giving its lease up.
    old.redis.disconnect();
    const again = await poll('the name to be free to start again', () =>
      node(prefix, 'node-a').catch((error: unknown) => {
        expect(String(error)).toContain('another node named node-a is running');
        return undefined;
      }),
    );
    expect(again.lease.incarnation).not.toBe(old.lease.incarnation);
    expect(await again.nicks.holder('alice')).toBeUndefined();
    expect(await b.nicks.claim('alice', 'node-b:1')).toBe(true);
    expect(await again.nicks.claim('alice', 'node-a:1')).toBe(false);
  });

  it('puts claims back after Redis restarted: the earlier claim wins', async () => {
    const prefix = cluster();
    const a = await node(prefix, 'node-a');
    const b = await node(prefix, 'node-b');
    a.clock.now = 1_000;
    expect(await a.nicks.claim('alice', 'node-a:1')).toBe(true);
    b.clock.now = 1_500;
    expect(await b.nicks.claim('carol', 'node-b:1')).toBe(true);

    await server.restart();
    await poll('both nodes to hear of the restart', () =>
      a.restarts() > 0 && b.restarts() > 0 ? true : undefined,
    );
    // While node-a has not put its claims back, node-b takes alice, and node-a carol, later.
    b.clock.now = 2_000;
    expect(await b.nicks.claim('alice', 'node-b:2')).toBe(true);
    a.clock.now = 3_000;
    expect(await a.nicks.claim('carol', 'node-a:2')).toBe(true);

    expect(
      await a.nicks.reassert([
        { key: 'alice', owner: 'node-a:1', at: 1_000 },
        { key: 'dave', owner: 'node-a:3', at: 1_200 },
      ]),
    ).toEqual([]);
    expect(await b.nicks.reassert([{ key: 'carol', owner: 'node-b:1', at: 1_500 }])).toEqual([]);
    // node-b's later alice was overwritten; it finds out when it puts back its own.
    expect(await b.nicks.reassert([{ key: 'alice', owner: 'node-b:2', at: 2_000 }])).toEqual([
      'alice',
    ]);
    expect(await b.nicks.holder('alice')).toEqual({ owner: 'node-a:1', node: 'node-a', at: 1_000 });
    expect(await a.nicks.holder('carol')).toEqual({ owner: 'node-b:1', node: 'node-b', at: 1_500 });
    expect(await a.nicks.holder('dave')).toEqual({ owner: 'node-a:3', node: 'node-a', at: 1_200 });
  });

  it('breaks a tie between claims by node name, and keeps what is already ours', async () => {
    const prefix = cluster();
    const a = await node(prefix, 'node-a');
    const b = await node(prefix, 'node-b');
    a.clock.now = 5_000;
    expect(await a.nicks.claim('dora', 'node-a:1')).toBe(true);
    expect(await a.nicks.claim('erin', 'node-a:2')).toBe(true);
    b.clock.now = 7_000;
    expect(await b.nicks.claim('fay', 'node-b:3')).toBe(true);
    expect(
      await b.nicks.reassert([
        { key: 'dora', owner: 'node-b:1', at: 5_000 },
        { key: 'erin', owner: 'node-b:2', at: 4_999 },
        { key: 'fay', owner: 'node-b:3', at: 6_000 },
      ]),
    ).toEqual(['dora']);
    expect((await a.nicks.holder('dora'))?.owner).toBe('node-a:1');
    expect((await a.nicks.holder('erin'))?.owner).toBe('node-b:2');
    expect(await a.nicks.holder('fay')).toEqual({ owner: 'node-b:3', node: 'node-b', at: 7_000 });
  });

  it('rejects claims at once while Redis is down, and claims again once it is back', async () => {
    const prefix = cluster();
    const a = await node(prefix, 'node-a');
    expect(await a.nicks.claim('alice', 'node-a:1')).toBe(true);
    server.kill('SIGKILL');
    cleanups.push(() => server.restart());
    const startedAt = performance.now();
    await expect(a.nicks.claim('bob', 'node-a:2')).rejects.toThrow(NickRegistryUnavailable);
    // At worst the command timeout (300 ms), when the client has not yet seen the socket close.
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    await expect(a.nicks.release('alice', 'node-a:1')).rejects.toThrow(NickRegistryUnavailable);

    await server.restart();
    await poll('claims to work again', () =>
      a.nicks.claim('bob', 'node-a:2').catch(() => undefined),
    );
    expect((await a.nicks.holder('bob'))?.owner).toBe('node-a:2');
  });

  it('undoes a claim that timed out, so it does not go through once Redis answers', async () => {
    const prefix = cluster();
    const a = await node(prefix, 'node-a');
    cleanups.push(() => server.kill('SIGCONT'));
    server.kill('SIGSTOP');
    await expect(a.nicks.claim('gus', 'node-a:1')).rejects.toThrow('Command timed out');
    server.kill('SIGCONT');
    // Sent after the claim and its undo on the same connection, so answered after them.
    expect(await a.nicks.holder('gus')).toBeUndefined();
    expect(await a.nicks.claim('gus', 'node-a:2')).toBe(true);
  });

  it('wants a client that fails rather than waits', () => {
    const redis = new Redis({ lazyConnect: true });
    const lease = new NodeLease({ redis, prefix: 'p', nodeName: 'n' });
    expect(() => new RedisNickRegistry({ redis, prefix: 'p', lease })).toThrow(
      'enableOfflineQueue: false',
    );
    redis.disconnect();
  });
});
