import { describe, expect, it } from 'vitest';
import type { StoreConfig } from '../src/server.js';
import { IrcClient, tempDir } from './helpers.js';
import { startOperatorServer } from './operators.js';
import { freshSchema, TEST_DATABASE_URL } from './stores.js';

const S = ':irc.test';

/** A server ban set before a restart still holds after it, read back from the store. */
describe.each<[string, () => StoreConfig]>([
  ['SQLite', () => ({ kind: 'sqlite', dataDir: tempDir(), synchronous: 'normal' })],
  ['PostgreSQL', () => ({ kind: 'postgres', url: TEST_DATABASE_URL, schema: freshSchema() })],
])('server bans on %s', (_, storeConfig) => {
  it('survive a restart of the server', async () => {
    const store = storeConfig();
    const first = await startOperatorServer({ store });
    const alice = await IrcClient.register(first.port('irc'), 'alice');
    alice.send('OPER alice :correct horse');
    await alice.waitFor(`${S} 381 alice :You are now an IRC operator`);
    alice.send('KLINE bob!*@* 1d :still here');
    await alice.waitFor(/ NOTICE alice :Added a server ban \(K-line\) on bob!\*@\* for 1d/);
    await first.stop();

    const second = await startOperatorServer({ store });
    const bob = await IrcClient.connect(second.port('irc'));
    bob.send('NICK bob');
    bob.send('USER bob 0 * :bob');
    await bob.waitFor(`${S} 465 * :You are banned from this server`);
    await bob.waitFor(
      /^ERROR :Closing Link: \* \(Banned from this server for (1d|23h 59m): still here\)$/,
    );
    await bob.closed;
    const again = await IrcClient.register(second.port('irc'), 'alice');
    again.send('OPER alice :correct horse');
    await again.waitFor(`${S} 381 alice :You are now an IRC operator`);
    again.send('STATS k');
    await again.waitFor(/^:irc\.test 216 alice k bob!\*@\* \d+ 86\d{3} alice :still here$/);
    again.send('MODLOG * 3');
    await again.waitFor(
      / NOTICE alice :\s+\S+ \S+ \(server\) alice kline bob!\*@\* until .+: still here$/,
    );
    expect(again.sawLine(/ 465 /)).toBe(false);
  });
});
