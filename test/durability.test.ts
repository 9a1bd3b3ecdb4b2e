import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { HistoryStore } from '../src/core/history.js';
import { latestVersion } from '../src/store/migrations.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { migrateSqlite, SQLITE_FILE, SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { LINE_DOOR_ONLY, LineClient, onCleanup, startTestServer, tempDir } from './helpers.js';
import { CLI, type SpawnedServer, spawnServer } from './spawned-server.js';
import { freshSchema, TEST_DATABASE_URL } from './stores.js';

function serve(dataDir: string): Promise<SpawnedServer> {
  return spawnServer(['--data-dir', dataDir, ...LINE_DOOR_ONLY, '--log-level', 'warn'], 'line');
}

describe('durability', () => {
  it('keeps every message anyone received through a kill -9 of the server', async () => {
    const dataDir = tempDir();
    const first = await serve(dataDir);
    const receiver = await LineClient.join(first.port, 'receiver');
    receiver.send('/ids on');
    await receiver.waitFor('*** Message ids are on.');
    const sender = await LineClient.join(first.port, 'sender');
    let sent = 0;
    const stream = setInterval(() => {
      for (let i = 0; i < 20; i++) sender.send(`msg ${++sent}`);
    }, 5);
    onCleanup(() => clearInterval(stream));
    await receiver.waitFor(/^\[@(\d{3,})\] <sender> msg \d+$/, 15_000);
    first.child.kill('SIGKILL');
    await first.exited;
    clearInterval(stream);
    await receiver.closed;

    const received = new Map<number, string>();
    for (const line of receiver.received) {
      const match = /^\[@(\d+)\] <sender> (msg \d+)$/.exec(line);
      if (match) {
        expect(received.has(Number(match[1]))).toBe(false);
        received.set(Number(match[1]), match[2]!);
      }
    }
    expect(received.size).toBeGreaterThanOrEqual(100);

    const second = await serve(dataDir);
    const after = await LineClient.join(second.port, 'after');
    after.send('/ids on');
    after.send('after the crash');
    const ack = await after.waitFor(/^\*\*\* Sent @\d+ to #lobby$/);
    const newId = Number(/@(\d+)/.exec(ack)![1]);
    expect(newId).toBeGreaterThan(Math.max(...received.keys()));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const db = new Database(join(dataDir, SQLITE_FILE), { readonly: true });
    onCleanup(() => {
      db.close();
    });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db
      .prepare<[], { id: number; body: string }>(
        "SELECT id, body FROM messages WHERE target = '#lobby' ORDER BY id",
      )
      .all();
    const stored = new Map(rows.map((row) => [row.id, row.body]));
    for (const [id, text] of received) expect(stored.get(id)).toBe(text);
    // Ids are dense and increasing, and no message was stored twice.
    expect(rows.map((row) => row.id)).toEqual(rows.map((_, i) => i + 1));
    const texts = rows.map((row) => row.body).filter((body) => body.startsWith('msg '));
    expect(new Set(texts).size).toBe(texts.length);
    // The search index, which follows the writes, holds every message once: what the crash
    // left unindexed was caught up at the restart.
    const index = new Database(join(dataDir, SQLITE_FILE));
    onCleanup(() => {
      index.close();
    });
    index.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");
    const indexed = index
      .prepare<[], { n: number }>(
        `SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH '"msg"'`,
      )
      .get()!;
    expect(indexed.n).toBe(texts.length);
  });

  it('refuses a corrupt or unusable data directory with a clear message', () => {
    const corrupt = tempDir();
    writeFileSync(
      join(corrupt, SQLITE_FILE),
      'this is not a database, just some text '.repeat(200),
    );
    const notADir = join(tempDir(), 'a-file');
    writeFileSync(notADir, 'x');
    for (const dataDir of [corrupt, join(notADir, 'data')]) {
      const result = spawnSync(
        process.execPath,
        [CLI, 'serve', '--data-dir', dataDir, ...LINE_DOOR_ONLY],
        {
          encoding: 'utf8',
          timeout: 10_000,
        },
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^chatroom: cannot open the history database .*\n$/);
      expect(result.stderr).not.toContain('    at ');
    }
  });
});

/** After an upgrade: a send with a ref is stored once, and messages from before are kept. */
async function expectRefsKept(store: HistoryStore): Promise<void> {
  const send = {
    target: '#refs',
    sender: 'alice',
    text: 'once',
    action: false,
    time: 3,
    ref: 'u1',
  };
  const [first] = await store.append([send]);
  const [retry] = await store.append([send]);
  expect(retry).toMatchObject({ id: first!.id, repeat: true });
  expect(await store.latest('#refs', 5)).toHaveLength(1);
}

describe('schema migrations', () => {
  it.each([
    1, 2, 3, 4, 5, 6, 7,
  ])('upgrades a SQLite schema from version %i in place, keeping its messages', async (from) => {
    const dataDir = tempDir();
    const old = SqliteStore.open({ dataDir, migrateTo: from });
    expect(old.schemaVersion()).toBe(from);
    await old.append([
      {
        target: '#a',
        sender: 'alice',
        text: 'written before search existed',
        action: false,
        time: 1,
      },
    ]);
    await old.close();
    const upgraded = SqliteStore.open({ dataDir });
    onCleanup(() => upgraded.close());
    expect(upgraded.schemaVersion()).toBe(latestVersion(SQLITE_MIGRATIONS));
    expect((await upgraded.search('#a', 'search existed', 5)).map((m) => m.id)).toEqual([1]);
    // New messages are indexed too, once each.
    await upgraded.append([
      { target: '#a', sender: 'bob', text: 'search me too', action: false, time: 2 },
    ]);
    expect((await upgraded.search('#a', 'search', 5)).map((m) => m.id)).toEqual([2, 1]);
    await expectRefsKept(upgraded);
    migrateSqlite(upgraded);
    expect(upgraded.schemaVersion()).toBe(latestVersion(SQLITE_MIGRATIONS));
  });

  it('upgrades an old PostgreSQL schema in place, keeping its messages', async () => {
    const schema = freshSchema();
    const old = await PostgresStore.open({ url: TEST_DATABASE_URL, schema, migrateTo: 1 });
    expect(await old.schemaVersion()).toBe(1);
    await old.append([
      {
        target: '#a',
        sender: 'alice',
        text: 'written before search existed',
        action: false,
        time: 1,
      },
    ]);
    await old.close();
    const upgraded = await PostgresStore.open({ url: TEST_DATABASE_URL, schema });
    onCleanup(() => upgraded.close());
    expect(await upgraded.schemaVersion()).toBe(latestVersion(POSTGRES_MIGRATIONS));
    expect((await upgraded.search('#a', 'search existed', 5)).map((m) => m.id)).toEqual([1]);
    await expectRefsKept(upgraded);
  });

  it('upgrades a PostgreSQL schema from version 2 (before refs) in place', async () => {
    const schema = freshSchema();
    const old = await PostgresStore.open({ url: TEST_DATABASE_URL, schema, migrateTo: 2 });
    // A store at the old schema takes refs but cannot keep them.
    await old.append([{ target: '#a', sender: 'alice', text: 'old', action: false, time: 1 }]);
    await old.close();
    const upgraded = await PostgresStore.open({ url: TEST_DATABASE_URL, schema });
    onCleanup(() => upgraded.close());
    expect(await upgraded.schemaVersion()).toBe(latestVersion(POSTGRES_MIGRATIONS));
    expect((await upgraded.latest('#a', 5)).map((m) => m.text)).toEqual(['old']);
    await expectRefsKept(upgraded);
  });
});

/** A TCP relay to PostgreSQL that a test can cut and restore, to play an outage. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  private readonly pairs: Array<[Socket, Socket]> = [];

  async open(port = 0): Promise<void> {
    const server = createServer((client) => {
      const upstream = new URL(TEST_DATABASE_URL);
      const socket = (async () => {
        const { connect } = await import('node:net');
        return connect(Number(upstream.port || 5432), upstream.hostname);
      })();
      void socket.then((db) => {
        this.sockets.add(client).add(db);
        this.pairs.push([client, db]);
        client.pipe(db).pipe(client);
        const close = () => {
          client.destroy();
          db.destroy();
        };
        client.on('error', close).on('close', close);
        db.on('error', close).on('close', close);
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    onCleanup(() => this.cut());
  }

  /** Connections stay open but nothing passes any more: a database that hangs. */
  freeze(): void {
    for (const [client, db] of this.pairs) {
      client.unpipe(db);
      db.unpipe(client);
      client.pause();
      db.pause();
    }
  }

  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  url(): string {
    const url = new URL(TEST_DATABASE_URL);
    url.host = `127.0.0.1:${this.port}`;
    return url.toString();
  }
}

describe('PostgreSQL outage', () => {
  it('refuses to relay while the database is away, keeps running, and recovers', async () => {
    const relay = new Relay();
    await relay.open();
    const server = await startTestServer({
      store: { kind: 'postgres', url: relay.url(), schema: freshSchema() },
    });
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.send('while the database is up');
    await bob.waitFor('<alice> while the database is up');

    await relay.cut();
    alice.send('while the database is down');
    await alice.waitFor(/\(STORE_FAILED\)$/, 10_000);
    bob.send('/who');
    await bob.waitFor(/^\*\*\* #lobby has 2 members/);
    expect(bob.sawLine(/database is down/)).toBe(false);

    await relay.open(relay.port);
    for (let tries = 0; !bob.sawLine('<alice> the database is back'); tries++) {
      expect(tries).toBeLessThan(20);
      alice.send('the database is back');
      await bob.waitFor('<alice> the database is back', 1000).catch(() => {});
    }
    alice.send('/ids on');
    alice.send('and ids carry on');
    const ack = await alice.waitFor(/^\*\*\* Sent @\d+ to #lobby$/);
    expect(Number(/@(\d+)/.exec(ack)![1])).toBeGreaterThanOrEqual(2);
  });

  it('bounds the writes waiting for a database that hangs', async () => {
    const relay = new Relay();
    await relay.open();
    const server = await startTestServer({
      store: { kind: 'postgres', url: relay.url(), schema: freshSchema(), queryTimeoutMs: 1500 },
      maxPendingWrites: 5,
    });
    const bob = await LineClient.join(server.port('line'), 'bob');
    // Each connection handles its own inputs in order, so the writes that pile up come from many.
    const senders = await Promise.all(
      Array.from({ length: 12 }, (_, i) => LineClient.join(server.port('line'), `sender${i}`)),
    );
    relay.freeze();
    for (const [i, sender] of senders.entries()) sender.send(`queued ${i}`);
    await Promise.all(senders.map((sender) => sender.waitFor(/\(STORE_FAILED\)$/, 20_000)));
    const refused = senders.filter((sender) =>
      sender.sawLine(/^!!! Too many messages are waiting/),
    );
    const timedOut = senders.filter((sender) =>
      sender.sawLine(/^!!! Your message could not be stored/),
    );
    // Five waited for the database (and failed when their query timed out); the rest were
    // refused at once instead of queueing.
    expect([refused.length, timedOut.length]).toEqual([7, 5]);
    expect(bob.sawLine(/queued/)).toBe(false);
  });
});
