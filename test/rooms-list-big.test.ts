import { describe, expect, it } from 'vitest';
import { DEFAULTS, type ServerConfig } from '../src/server.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { IrcClient, LineClient, sleep, startTestServer, tempDir } from './helpers.js';
import { WsClient } from './ws-client.js';

const ROOMS = 14_000;
/** Long topics make the list several MB: more than the kernel's socket buffers take at once. */
const TOPIC = 'nobody will ever read this topic '.repeat(9);

/**
 * The issue's server: 14,000 rooms someone made in a second, now restored from the store.
 * Listed whole in one burst that is most of a megabyte, far past these clients' send queue.
 */
async function crowdedServer() {
  const dataDir = tempDir();
  const seed = SqliteStore.open({ dataDir });
  for (let i = 0; i < ROOMS; i++) {
    const name = `#abandoned-room-number-${String(i).padStart(5, '0')}`;
    await seed.saveRoom({
      key: name,
      name,
      topic: TOPIC,
      topicSetBy: undefined,
      topicSetAt: undefined,
      createdBy: 'flooder',
      createdAt: 1,
    });
  }
  await seed.close();
  const store: ServerConfig['store'] = { kind: 'sqlite', dataDir, synchronous: 'normal' };
  return startTestServer({
    store,
    framedPort: null,
    maxQueueBytes: 32 * 1024,
    rooms: { ...DEFAULTS.rooms, expiryMs: 0 },
  });
}

/**
 * Stops reading while the list is sent and someone talks in the lobby: a list sent in one
 * burst is then still unread when the chat arrives, and the reader is dropped for it.
 */
async function readLate(
  socket: { pause(): void; resume(): void },
  talker: LineClient,
): Promise<void> {
  socket.pause();
  // Time for the request to reach the server; not a condition anything is asserted on.
  await sleep(100);
  for (let i = 0; i < 5; i++) talker.send(`chatter ${i}`);
  talker.send('/ping-barrier');
  await talker.waitFor(/Unknown command \/ping-barrier/);
  socket.resume();
}

describe('room lists of thousands of rooms, to clients with a small send queue', () => {
  it('pages /rooms on the line door, each page sent as the client reads', async () => {
    const server = await crowdedServer();
    const talker = await LineClient.join(server.port('line'), 'talker');
    const reader = await LineClient.join(server.port('line'), 'reader');
    reader.send('/rooms');
    await readLate(reader.socket, talker);
    await reader.waitFor(`*** ${ROOMS + 1} rooms, page 1 of 141:`, 20_000);
    await reader.waitFor('*** /rooms 2 shows the next page.', 20_000);
    reader.send('/rooms 141');
    await reader.waitFor(`*** ${ROOMS + 1} rooms, page 141 of 141:`);
    await reader.waitFor(/^\*\*\* {3}#lobby \(2 members, created by talker\)$/);
    expect(
      reader.sawLine((line) => line.endsWith(`(0 members, created by flooder): ${TOPIC}`)),
    ).toBe(true);
    reader.send('/ping-barrier');
    await reader.waitFor(/Unknown command \/ping-barrier/);
    const entries = reader.received.filter((line) => line.startsWith('***   #'));
    expect(entries).toHaveLength(100 + 1);
  }, 60_000);

  it('streams every 322 of IRC LIST, then 323', async () => {
    const server = await crowdedServer();
    const talker = await LineClient.join(server.port('line'), 'talker');
    const reader = await IrcClient.register(server.port('irc'), 'reader');
    await reader.join('#lobby');
    reader.send('LIST');
    await readLate(reader.socket, talker);
    await reader.waitFor(/ 323 reader :End of \/LIST$/, 30_000);
    expect(reader.untagged().filter((line) => / 322 reader /.test(line))).toHaveLength(ROOMS + 1);
    reader.send('PING :barrier');
    await reader.waitFor(/PONG .* :barrier$/);
  }, 60_000);

  it('pages the WebSocket rooms message', async () => {
    const server = await crowdedServer();
    const talker = await LineClient.join(server.port('line'), 'talker');
    const reader = await WsClient.join(server.port('http'), 'reader');
    reader.send({ type: 'rooms' });
    await readLate(reader.ws, talker);
    let names: string[] = [];
    for (;;) {
      const page = await reader.waitForType('room-list', { offset: names.length }, 20_000);
      expect(page.rooms.length).toBeLessThanOrEqual(100);
      names = [...names, ...page.rooms.map((room) => room.name)];
      if (!page.more) break;
      reader.send({ type: 'rooms', offset: names.length });
    }
    expect(names).toHaveLength(ROOMS + 1);
    expect(new Set(names).size).toBe(ROOMS + 1);
    reader.send({ type: 'ping', ref: 'barrier' });
    await reader.waitFor({ type: 'pong', ref: 'barrier' });
  }, 60_000);
});
