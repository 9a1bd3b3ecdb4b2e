import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../src/protocols/ws/protocol.js';
import { SQLITE_FILE } from '../src/store/sqlite/sqlite-store.js';
import { startTestServer, tempDir } from './helpers.js';
import { type SpawnedServer, spawnServer } from './spawned-server.js';
import { WsClient } from './ws-client.js';

type Ack = Extract<ServerMessage, { type: 'ack' }>;

/** A server on a data directory that outlives it, as a restart needs. */
function serveIn(dataDir: string) {
  return startTestServer({
    linePort: null,
    framedPort: null,
    ircPort: null,
    store: { kind: 'sqlite', dataDir, synchronous: 'normal' },
  });
}

interface Row {
  id: number;
  sender: string;
  body: string;
}

/** The messages of #lobby as the database holds them, read after the server is gone. */
function storedRows(dataDir: string): Row[] {
  const db = new Database(join(dataDir, SQLITE_FILE), { readonly: true });
  try {
    return db
      .prepare<[], Row>("SELECT id, sender, body FROM messages WHERE target = '#lobby' ORDER BY id")
      .all();
  } finally {
    db.close();
  }
}

/** The acks a client has received, by ref. */
function acksOf(client: WsClient): Map<string, Ack> {
  const acks = new Map<string, Ack>();
  for (const message of client.received) {
    if (message.type === 'ack' && message.ref !== null) acks.set(message.ref, message);
  }
  return acks;
}

/** `chatroom serve` with only the HTTP door, on a port the system picks. */
function spawnHttpServer(dataDir: string): Promise<SpawnedServer> {
  return spawnServer(
    [
      '--data-dir',
      dataDir,
      '--line-port',
      'off',
      '--framed-port',
      'off',
      '--irc-port',
      'off',
      '--http-port',
      '0',
      '--log-level',
      'warn',
    ],
    'http',
  );
}

describe('retrying a send across a restart', () => {
  it('stores it once after a graceful restart, and acks the retry with the first id', async () => {
    const dataDir = tempDir();
    const first = await serveIn(dataDir);
    const alice = await WsClient.join(first.port('http'), 'alice');
    alice.send({ type: 'send', to: '#lobby', text: 'only once', ref: 'restart-1' });
    const ack = await alice.waitForType('ack', { ref: 'restart-1' });
    await first.stop();
    await alice.closed;

    const second = await serveIn(dataDir);
    const again = await WsClient.join(second.port('http'), 'alice');
    const bob = await WsClient.join(second.port('http'), 'bob');
    again.send({ type: 'send', to: '#lobby', text: 'only once', ref: 'restart-1' });
    await again.waitFor({ type: 'ack', ref: 'restart-1', id: ack.id, time: ack.time });
    // Not relayed again: bob, who is there now, next hears what alice says after it.
    again.send({ type: 'send', to: '#lobby', text: 'next', ref: 'restart-2' });
    const next = await bob.waitForType('message', { from: 'alice' });
    expect(next).toMatchObject({ text: 'next', id: ack.id + 1 });
    await second.stop();
    expect(storedRows(dataDir).map((row) => row.body)).toEqual(['only once', 'next']);
  });

  it('acks a retry after a restart even when it could not be sent now', async () => {
    const dataDir = tempDir();
    const first = await serveIn(dataDir);
    const alice = await WsClient.join(first.port('http'), 'alice');
    const bob = await WsClient.join(first.port('http'), 'bob');
    alice.send({ type: 'join', room: '#dev' });
    await alice.waitFor({ type: 'current-room', room: '#dev' });
    alice.send({ type: 'send', to: 'bob', text: 'psst', ref: 'dm-1' });
    alice.send({ type: 'send', to: '#dev', text: 'hi dev', ref: 'dev-1' });
    const dm = await alice.waitForType('ack', { ref: 'dm-1' });
    const dev = await alice.waitForType('ack', { ref: 'dev-1' });
    await first.stop();
    await Promise.all([alice.closed, bob.closed]);

    // Back before bob, and before rejoining #dev: the retries still find what they sent.
    const second = await serveIn(dataDir);
    const again = await WsClient.join(second.port('http'), 'alice');
    again.send({ type: 'send', to: 'bob', text: 'psst', ref: 'dm-1' });
    again.send({ type: 'send', to: '#dev', text: 'hi dev', ref: 'dev-1' });
    await again.waitFor({ type: 'ack', ref: 'dm-1', id: dm.id, to: 'bob' });
    await again.waitFor({ type: 'ack', ref: 'dev-1', id: dev.id, to: '#dev' });
    // A new send is still refused for what is true now.
    again.send({ type: 'send', to: 'bob', text: 'new', ref: 'dm-2' });
    await again.waitFor({ type: 'error', code: 'NO_SUCH_NICK', ref: 'dm-2' });
  });

  it('stores sends in flight at a kill -9 once, however often they are retried', async () => {
    const dataDir = tempDir();
    const first = await spawnHttpServer(dataDir);
    const alice = await WsClient.join(first.port, 'alice');
    const total = 3000;
    const texts = new Map<string, string>();
    for (let i = 0; i < total; i++) {
      const ref = `k${i}`;
      texts.set(ref, `burst ${i}`);
      alice.send({ type: 'send', to: '#lobby', text: `burst ${i}`, ref });
    }
    // Killed mid-burst: some sends acked, some stored but not acked, some never read.
    await alice.waitForType('ack', { ref: 'k200' }, 15_000);
    first.child.kill('SIGKILL');
    await first.exited;
    await alice.closed;
    const acked = acksOf(alice);
    expect(acked.size).toBeLessThan(total);

    const second = await spawnHttpServer(dataDir);
    const again = await WsClient.join(second.port, 'alice');
    // The client cannot tell what was stored: it retries everything, acked or not.
    for (const [ref, text] of texts) again.send({ type: 'send', to: '#lobby', text, ref });
    await again.waitForType('ack', { ref: `k${total - 1}` }, 15_000);
    const retried = acksOf(again);
    expect(retried.size).toBe(total);
    for (const [ref, ack] of acked) expect(retried.get(ref)?.id).toBe(ack.id);
    second.child.kill('SIGTERM');
    await second.exited;

    const rows = storedRows(dataDir).filter((row) => row.sender === 'alice');
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((row) => row.body)).size).toBe(total);
    for (const [ref, ack] of retried) {
      expect(rows.find((row) => row.id === ack.id)?.body).toBe(texts.get(ref));
    }
  });

  it('acks every send stored during a graceful shutdown before closing the connection', async () => {
    const dataDir = tempDir();
    const server = await serveIn(dataDir);
    const senders = await Promise.all(
      ['ann', 'ben', 'cat', 'dan'].map((nick) => WsClient.join(server.port('http'), nick)),
    );
    const perSender = 4000;
    for (const client of senders) {
      for (let i = 0; i < perSender; i++) {
        client.send({ type: 'send', to: '#lobby', text: `s${i}`, ref: `r${i}` });
      }
    }
    // Shut down mid-burst, once each sender has been heard from.
    await Promise.all(senders.map((client) => client.waitForType('ack', { ref: 'r10' })));
    await server.stop();
    await Promise.all(senders.map((client) => client.closed));

    const rows = storedRows(dataDir);
    for (const [n, client] of senders.entries()) {
      const nick = ['ann', 'ben', 'cat', 'dan'][n]!;
      const acks = acksOf(client);
      const mine = rows.filter((row) => row.sender === nick);
      // The burst was cut short (else this test would not be about shutdown)...
      expect(mine.length).toBeLessThan(perSender);
      // ...and every message stored was acked, with its id, before the connection closed.
      const unacked = mine.filter((row) => acks.get(`r${row.body.slice(1)}`)?.id !== row.id);
      expect(unacked.map((row) => row.body)).toEqual([]);
      expect(acks.size).toBe(mine.length);
    }
  });
});
