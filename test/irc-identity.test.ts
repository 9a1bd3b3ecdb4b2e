import { describe, expect, it } from 'vitest';
import { hostCloak } from '../src/net/cloak.js';
import { MemoryStore } from '../src/store/memory.js';
import {
  IrcClient,
  LineClient,
  LOCAL_CLOAK,
  mask,
  startTestServer,
  TEST_CLOAK_SECRET,
  tempDir,
} from './helpers.js';
import { WsClient } from './ws-client.js';

const S = ':irc.test';

/** Registers with a USER name of the test's choosing, waiting for the end of the welcome. */
async function registerAs(port: number, nick: string, user: string): Promise<IrcClient> {
  const client = await IrcClient.connect(port);
  client.send(`NICK ${nick}`);
  client.send(`USER ${user} 0 * :${nick} R`);
  await client.waitFor(/ (376|422) /);
  return client;
}

describe('IRC user names and hosts', () => {
  it('shows everyone as nick!~user@cloak: from USER, cleaned, else the nickname; other doors by name', async () => {
    const server = await startTestServer();
    const port = server.port('irc');
    // The cloak of 127.0.0.1 under the server's key: the address itself is never shown.
    expect(LOCAL_CLOAK).toBe(hostCloak(TEST_CLOAK_SECRET)('127.0.0.1'));
    expect(LOCAL_CLOAK).toMatch(/^[0-9a-v]{8}\.[0-9a-v]{8}\.cloak$/);
    const asker = await IrcClient.register(port, 'asker');
    expect(
      asker.sawLine(`${S} 001 asker :Welcome to the chatroom IRC network, ${mask('asker')}`),
    ).toBe(true);
    // Only letters, digits and -_. are kept, at most 10 of them.
    await registerAs(port, 'odd', 'we!rd@u$er.name_long');
    // Nothing left of the user name: the nickname's letters stand in.
    await registerAs(port, '[x]y', '¡¡¡');
    await LineClient.join(server.port('line'), 'netty');
    await WsClient.join(server.port('http'), 'webby');

    asker.send('WHOIS odd');
    await asker.waitFor(`${S} 311 asker odd ~werduer.na ${LOCAL_CLOAK} * :odd R`);
    asker.send('WHOIS [x]y');
    await asker.waitFor(`${S} 311 asker [x]y ~xy ${LOCAL_CLOAK} * :[x]y R`);
    asker.send('WHOIS netty');
    await asker.waitFor(`${S} 311 asker netty ~line ${LOCAL_CLOAK} * :line user`);
    asker.send('WHOIS webby');
    await asker.waitFor(`${S} 311 asker webby ~ws ${LOCAL_CLOAK} * :ws user`);
    asker.send('WHO #lobby');
    await asker.waitFor(`${S} 352 asker #lobby ~line ${LOCAL_CLOAK} irc.test netty H :0 line user`);
    await asker.waitFor(`${S} 352 asker #lobby ~ws ${LOCAL_CLOAK} irc.test webby H :0 ws user`);
    await asker.waitFor(`${S} 315 asker #lobby :End of WHO list`);
    asker.send('WHO odd');
    await asker.waitFor(`${S} 352 asker * ~werduer.na ${LOCAL_CLOAK} irc.test odd H :0 odd R`);
  });

  it('prefixes every relayed line with the full mask, and keeps it across a nick change', async () => {
    const server = await startTestServer();
    const port = server.port('irc');
    const watcher = await IrcClient.register(port, 'watcher');
    await watcher.join('#room');
    // #room is watcher's: it lets anyone in it set the topic.
    watcher.send('MODE #room -t');
    await watcher.waitFor(/ MODE #room -t$/);
    const actor = await registerAs(port, 'actor', 'act');
    const mine = `actor!~act@${LOCAL_CLOAK}`;
    actor.send('JOIN #room');
    await watcher.waitFor(`:${mine} JOIN #room`);
    actor.send('PRIVMSG #room :hello');
    await watcher.waitFor(`:${mine} PRIVMSG #room :hello`);
    actor.send('NOTICE watcher :psst');
    await watcher.waitFor(`:${mine} NOTICE watcher :psst`);
    actor.send('PRIVMSG #room :\x01ACTION waves\x01');
    await watcher.waitFor(`:${mine} PRIVMSG #room :\x01ACTION waves\x01`);
    actor.send('TOPIC #room :masks');
    await watcher.waitFor(`:${mine} TOPIC #room :masks`);
    watcher.send('TOPIC #room');
    await watcher.waitFor(/^:irc\.test 333 watcher #room actor!~act@\S+ \d+$/);
    expect(watcher.received.at(-1)).toContain(` ${mine} `);
    // The user name stays with the person: the new nickname, the same ~act.
    actor.send('NICK player');
    await watcher.waitFor(`:${mine} NICK player`);
    actor.send('PART #room :later');
    await watcher.waitFor(`:player!~act@${LOCAL_CLOAK} PART #room :later`);
    actor.send('JOIN #room');
    actor.send('QUIT :gone');
    await watcher.waitFor(`:player!~act@${LOCAL_CLOAK} QUIT :gone`);
    // WHOWAS remembers the mask of each nickname given up.
    watcher.send('WHOWAS actor');
    await watcher.waitFor(`${S} 314 watcher actor ~act ${LOCAL_CLOAK} * :actor R`);
    watcher.send('WHOWAS player');
    await watcher.waitFor(`${S} 314 watcher player ~act ${LOCAL_CLOAK} * :actor R`);
  });

  it('shows other doors’ users in their masks too', async () => {
    const server = await startTestServer();
    const irc = await IrcClient.register(server.port('irc'), 'ircer');
    await irc.join('#lobby');
    const line = await LineClient.join(server.port('line'), 'liner');
    await irc.waitFor(`:${mask('liner', '~line')} JOIN #lobby`);
    line.send('from the line');
    await irc.waitFor(`:${mask('liner', '~line')} PRIVMSG #lobby :from the line`);
    const web = await WsClient.join(server.port('http'), 'webber');
    await irc.waitFor(`:${mask('webber', '~ws')} JOIN #lobby`);
    web.send({ type: 'send', to: '#lobby', text: 'from the web' });
    await irc.waitFor(`:${mask('webber', '~ws')} PRIVMSG #lobby :from the web`);
    web.send({ type: 'send', to: 'ircer', text: 'just you' });
    await irc.waitFor(`:${mask('webber', '~ws')} PRIVMSG ircer :just you`);
  });

  it('takes the cloak key from the store when no --cloak-secret is given', async () => {
    const store = new MemoryStore();
    const secret = await store.moderation.secret('cloak');
    const server = await startTestServer({ store: { kind: 'memory' }, cloakSecret: undefined });
    const stored = await (server.store as MemoryStore).moderation.secret('cloak');
    // A memory store makes its own: what matters is that the server used the store's.
    expect(stored).not.toBe(secret);
    const client = await IrcClient.register(server.port('irc'), 'keyed');
    client.send('WHOIS keyed');
    await client.waitFor(
      `${S} 311 keyed keyed ~keyed ${hostCloak(stored)('127.0.0.1')} * :keyed the tester`,
    );
  });

  it('replays messages of those who left with the mask they last had, else nick!~nick@gone.invalid', async () => {
    const dataDir = tempDir();
    const store = { kind: 'sqlite', dataDir, synchronous: 'normal' } as const;
    const first = await startTestServer({ store });
    const leaver = await LineClient.join(first.port('line'), 'leaver');
    // Stored before the quit is handled: input is handled in order.
    leaver.send('said before leaving');
    leaver.send('/quit');
    await leaver.closed;
    const reader = await IrcClient.register(first.port('irc'), 'reader');
    await reader.join('#lobby');
    // Still remembered (WHOWAS): their mask as it was.
    await reader.waitFor(
      new RegExp(
        `^:leaver!~line@${LOCAL_CLOAK.replaceAll('.', '\\.')} PRIVMSG #lobby :\\[[\\d :-]+\\] said before leaving$`,
      ),
    );
    await first.stop();

    // After a restart nobody remembers them: the stand-in.
    const second = await startTestServer({ store });
    const later = await IrcClient.register(second.port('irc'), 'later');
    await later.join('#lobby');
    await later.waitFor(
      /^:leaver!~leaver@gone\.invalid PRIVMSG #lobby :\[[\d :-]+\] said before leaving$/,
    );
  });
});
