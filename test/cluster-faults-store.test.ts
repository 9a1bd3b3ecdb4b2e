import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEADLINE_MS,
  expectNoDuplicates,
  expectSawStoredOrder,
  LineChatter,
  roundTrip,
  storedRoom,
  WsChatter,
} from './cluster-chat.js';
import { startCluster, viaPort } from './cluster-nodes.js';
import { onCleanup } from './helpers.js';
import { LossyRelay } from './lossy-relay.js';
import { startRedis } from './redis-server.js';
import { requireBuiltCli } from './spawned.js';
import { TEST_DATABASE_URL } from './stores.js';

const ARGS = ['--node-lease', '5', '--cluster-check-interval', '1', '--flood-rate', '0'];

beforeAll(() => requireBuiltCli());

describe('cluster faults: PostgreSQL', () => {
  it('a node cut off from PostgreSQL: its senders are told STORE_FAILED and nobody gets their messages; restored, it sends again', async () => {
    const redis = await startRedis();
    onCleanup(() => redis.stop());
    const database = new URL(TEST_DATABASE_URL);
    const relay = await LossyRelay.start(Number(database.port || 5432), database.hostname);
    const cluster = await startCluster(redis.url, 0, ARGS);
    const n1 = await cluster.start('n1', {
      databaseUrl: viaPort(cluster.databaseUrl, relay.port),
    });
    const n2 = await cluster.start('n2');
    const chatters = [
      await WsChatter.join(n1, 'w1'),
      await LineChatter.join(n1, 'l1'),
      await WsChatter.join(n2, 'w2'),
      await LineChatter.join(n2, 'l2'),
    ];
    const [w1, l1, w2] = chatters as [WsChatter, LineChatter, WsChatter, LineChatter];
    const db = cluster.databaseUrl;
    await roundTrip(w1, chatters, 'w1 before', db);

    relay.cutOff();
    w1.say('w1 while cut off');
    const refused = await w1.client.waitForType('error', { ref: 'w1 while cut off' }, DEADLINE_MS);
    expect(refused.code).toBe('STORE_FAILED');
    l1.say('l1 while cut off');
    await l1.client.waitFor(/^!!! .*\(STORE_FAILED\)$/, DEADLINE_MS);
    // The other node stores as ever, and n1 still relays to its clients what it hears.
    await roundTrip(w2, chatters, 'w2 meanwhile', db);

    relay.restore();
    await roundTrip(w1, chatters, 'w1 back', db);
    await roundTrip(l1, chatters, 'l1 back', db);
    expect(w1.acks().has('w1 back')).toBe(true);

    // What failed was stored nowhere and reached nobody; everything else reached everyone.
    const rows = await storedRoom(db);
    expect(rows.filter((row) => row.body.includes('while cut off'))).toEqual([]);
    for (const chatter of chatters) {
      expect(
        chatter.messages().filter((message) => message.text.includes('while cut off')),
      ).toEqual([]);
      expectSawStoredOrder(chatter, rows);
    }
    expectNoDuplicates(rows);
  }, 90_000);
});
