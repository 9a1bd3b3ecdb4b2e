import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { RoomRecord } from '../src/core/history.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { onCleanup } from './helpers.js';
import { freshSchema, TEST_DATABASE_URL } from './stores.js';
import { poll } from './wait.js';

// Several servers share one database: each is played here by a store with a pool of its own.
async function nodes(count: number): Promise<{ schema: string; stores: PostgresStore[] }> {
  const schema = freshSchema();
  const stores: PostgresStore[] = [];
  for (let i = 0; i < count; i++) {
    const store = await PostgresStore.open({ url: TEST_DATABASE_URL, schema });
    onCleanup(() => store.close());
    stores.push(store);
  }
  return { schema, stores };
}

function room(key: string, node: string, createdAt: number): RoomRecord {
  return {
    key,
    name: key,
    topic: `from ${node}`,
    topicSetBy: node,
    topicSetAt: createdAt,
    createdBy: node,
    createdAt,
  };
}

describe('PostgreSQL store shared by several servers', () => {
  it('gives two servers creating the same rooms at once the same records', async () => {
    const {
      stores: [a, b],
    } = await nodes(2);
    const keys = Array.from({ length: 40 }, (_, i) => `#race${i}`);
    const created = await Promise.all(
      keys.map((key) =>
        Promise.all([a!.createRoom(room(key, 'a', 1)), b!.createRoom(room(key, 'b', 2))]),
      ),
    );
    const stored = new Map((await a!.loadRooms()).map((record) => [record.key, record]));
    expect(stored.size).toBe(keys.length);
    for (const [i, [fromA, fromB]] of created.entries()) {
      expect(fromB).toEqual(fromA);
      expect([room(keys[i]!, 'a', 1), room(keys[i]!, 'b', 2)]).toContainEqual(fromA);
      expect(stored.get(keys[i]!)).toEqual(fromA);
    }
  });

  it('stores batches of two servers over the same rooms, named in opposite orders, without a deadlock', async () => {
    const {
      stores: [a, b],
    } = await nodes(2);
    const message = (target: string, sender: string, i: number) => ({
      target,
      sender,
      text: `${sender} ${i}`,
      action: false,
      time: 1,
    });
    // Before the counters were locked in key order, PostgreSQL failed one of each such pair
    // now and then ("deadlock detected"), and those messages were refused.
    const rooms = Array.from({ length: 20 }, (_, i) => `#r${i}`);
    for (let i = 0; i < 40; i++) {
      await Promise.all([
        a!.append(rooms.map((target) => message(target, 'a', i))),
        b!.append(rooms.toReversed().map((target) => message(target, 'b', i))),
      ]);
    }
    const last = await a!.lastIds(rooms);
    expect(new Set(last.values())).toEqual(new Set([80]));
  });

  it("gives a create that waited on another server's insert that server's record", async () => {
    const {
      schema,
      stores: [a, b],
    } = await nodes(2);
    // A third server's insert, held uncommitted so both creates must wait for it.
    const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await other.connect();
    onCleanup(() => other.end());
    await other.query(`SET search_path = ${schema}`);
    await other.query('BEGIN');
    const held = room('#held', 'c', 3);
    await other.query(
      `INSERT INTO rooms (key, name, topic, topic_set_by, topic_set_at, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [held.key, held.name, held.topic, held.topicSetBy, held.topicSetAt, held.createdBy, 3],
    );
    const creates = Promise.all([
      a!.createRoom(room('#held', 'a', 1)),
      b!.createRoom(room('#held', 'b', 2)),
    ]);
    const { rows } = await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await poll('both creates to wait on the held insert', async () => {
      const waiting = await other.query<{ count: string }>(
        'SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
        [rows[0]!.pid],
      );
      return Number(waiting.rows[0]!.count) >= 2 ? true : undefined;
    });
    await other.query('COMMIT');
    expect(await creates).toEqual([held, held]);
  });

  it("reports another server's messages by id once committed, without waiting for them", async () => {
    const {
      schema,
      stores: [a, b],
    } = await nodes(2);
    await a!.append([{ target: '#r', sender: 'alice', text: 'one', action: false, time: 1 }]);
    // Another server's append caught between reserving its id and committing.
    const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await other.connect();
    onCleanup(() => other.end());
    await other.query(`SET search_path = ${schema}`);
    await other.query('BEGIN');
    await other.query("UPDATE targets SET last_id = last_id + 1 WHERE key = '#r'");
    await other.query(
      "INSERT INTO messages (target, id, sender, body, action, time) VALUES ('#r', 2, 'bob', 'two', false, 2)",
    );
    expect(await b!.lastIds(['#r'])).toEqual(new Map([['#r', 1]]));
    await other.query('COMMIT');
    expect(await b!.lastIds(['#r'])).toEqual(new Map([['#r', 2]]));
    expect((await b!.after('#r', 1, 10)).map((m) => m.text)).toEqual(['two']);
  });
});
