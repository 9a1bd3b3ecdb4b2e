import { describe, expect, it } from 'vitest';
import { DEFAULTS, type RunningServer, type ServerConfig } from '../src/server.js';
import { IrcClient, LineClient, startTestServer, tempDir } from './helpers.js';
import { poll } from './wait.js';

/** The channels an IRC LIST names, asked and read to its end (323). */
async function listed(irc: IrcClient): Promise<string[]> {
  const start = irc.received.length;
  irc.send('LIST');
  await irc.waitFor(/ 323 /);
  return irc.received
    .slice(start)
    .filter((line) => / 322 /.test(line))
    .map((line) => line.split(' ')[3]!);
}

describe('room expiry', () => {
  it('removes a room left empty without messages, from memory and the store; keeps the rest', async () => {
    const store: ServerConfig['store'] = {
      kind: 'sqlite',
      dataDir: tempDir(),
      synchronous: 'normal',
    };
    const expiring = { ...DEFAULTS.rooms, expiryMs: 200 };
    const server: RunningServer = await startTestServer({ store, rooms: expiring });
    const watcher = await IrcClient.register(server.port('irc'), 'watcher');
    await watcher.join('#busy');
    const alice = await LineClient.join(server.port('line'), 'alice');
    alice.send('/join #talk');
    alice.send('kept for history');
    alice.send('/join #quiet');
    alice.send('/quit');
    await alice.closed;
    // #lobby, #talk and #quiet were all left at the same moment, when alice quit: once
    // #quiet is gone, the others have been empty as long and had every chance to go too.
    const rooms = await poll(
      '#quiet to expire',
      async () => {
        const now = await listed(watcher);
        return now.includes('#quiet') ? undefined : now;
      },
      { timeoutMs: 10_000, everyMs: 20 },
    );
    expect(rooms).toEqual(['#busy', '#lobby', '#talk']);
    await server.stop();

    // After a restart (with expiry off, so this start cannot remove anything itself).
    const again = await startTestServer({ store, rooms: { ...DEFAULTS.rooms, expiryMs: 0 } });
    const reader = await IrcClient.register(again.port('irc'), 'reader');
    expect(await listed(reader)).toEqual(['#busy', '#lobby', '#talk']);
  });

  it('keeps rooms for ever with expiry 0', async () => {
    const server = await startTestServer({ rooms: { ...DEFAULTS.rooms, expiryMs: 0 } });
    const alice = await LineClient.join(server.port('line'), 'alice');
    alice.send('/join #quiet');
    alice.send('/part #quiet');
    await alice.waitFor('*** Now talking in #lobby');
    expect(await server.chat.expireRooms()).toBe(0);
    expect(server.chat.findRoom('#quiet')).toBeDefined();
  });
});
