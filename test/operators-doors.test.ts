import { describe, expect, it } from 'vitest';
import { IrcClient, LineClient } from './helpers.js';
import { startOperatorServer } from './operators.js';
import { WsClient } from './ws-client.js';

/**
 * Server operators on the text doors (/oper, /kill, /wallops, /kline...) and the WebSocket
 * API (`oper`, `kline`...), with the operators of test/operators.ts (alice, from anywhere).
 */

/** Sends a command whose answer comes back: whatever was sent to the client before has arrived. */
async function barrier(client: LineClient): Promise<void> {
  client.send('/mode #lobby');
  await client.waitFor(/^\*\*\* Modes of #lobby: /);
}

describe('server operators on the line door', () => {
  it('/oper, /wallops, /kill, /kline, /klines, /unkline and /deoper', async () => {
    const server = await startOperatorServer();
    const port = server.port('line');
    const alice = await LineClient.join(port, 'alice');
    const bob = await LineClient.join(port, 'bob');
    const carol = await LineClient.join(port, 'carol');

    alice.send('/help');
    await alice.waitFor(/^\*\*\* {3}\/oper NAME PASSWORD +become a server operator/);
    await alice.waitFor(
      /^\*\*\* {3}\/kline NICK\|MASK \[DURATION\] \[REASON\] +server operators: /,
    );
    carol.send('/kill bob rude');
    await carol.waitFor('!!! Only server operators may do that. (NOT_SERVER_OPERATOR)');
    carol.send('/wallops hello?');
    await carol.waitFor('!!! Only server operators may do that. (NOT_SERVER_OPERATOR)');
    alice.send('/oper alice');
    await alice.waitFor('!!! Usage: /oper NAME PASSWORD (BAD_ARGUMENTS)');
    alice.send('/oper alice wrong horse');
    await alice.waitFor('!!! Wrong operator name or password. (OPER_FAILED)');
    alice.send('/oper alice correct horse');
    await alice.waitFor('*** You are now a server operator (alice)');

    // WALLOPS: operators see them, others do not.
    const irc = await IrcClient.register(server.port('irc'), 'watcher');
    irc.send('MODE watcher +w');
    await irc.waitFor(':watcher MODE watcher :+w');
    alice.send('/wallops restart at noon');
    await alice.waitFor('*** WALLOPS from alice: restart at noon');
    await irc.waitFor(/^:alice!~line@\S+ WALLOPS :restart at noon$/);
    await barrier(carol);
    expect(carol.sawLine(/WALLOPS/)).toBe(false);

    alice.send('/kill nobody');
    await alice.waitFor('!!! Nobody is called "nobody". (NO_SUCH_NICK)');
    alice.send('/kill bob enough');
    await bob.waitFor('*** Disconnected: Killed by alice (enough)');
    await bob.closed;
    await carol.waitFor('*** bob left the chat (Killed by alice (enough))');
    await alice.waitFor('*** You killed bob (enough)');

    // By nickname, the ban goes on dave's host, which every client of this test shares: all
    // are put out but alice, as an operator is never put out by a server ban.
    const dave = await LineClient.join(port, 'dave');
    alice.send('/kline dave 30m flooding');
    for (const client of [dave, carol, irc]) {
      await client.waitFor(/Banned from this server for 30m: flooding/);
      await client.closed;
    }
    await alice.waitFor(
      /^\*\*\* Added a server ban \(K-line\) on \*!\*@\S+\.cloak for 30m: flooding$/,
    );
    alice.send('/klines');
    await alice.waitFor('*** Server bans (K-lines) (1):');
    const listed = await alice.waitFor(
      /^\*\*\* {3}\*!\*@\S+ by alice, (30m|29m \d+s) left: flooding$/,
    );
    const mask = /(\*!\*@\S+)/.exec(listed)![1]!;
    expect(alice.sawLine(/Disconnected/)).toBe(false);
    alice.send(`/unkline ${mask}`);
    await alice.waitFor(`*** Removed the server ban (K-line) on ${mask}`);
    alice.send('/klines');
    await alice.waitFor('*** Server bans (K-lines): none');
    await LineClient.join(port, 'dave');

    alice.send('/kline erin!*@* 1h');
    await alice.waitFor('*** Added a server ban (K-line) on erin!*@* for 1h');
    const erin = await LineClient.connect(port);
    erin.send('erin');
    await erin.waitFor('!!! You are banned from this server. (BANNED_FROM_SERVER)');
    await erin.waitFor(/^\*\*\* Disconnected: Banned from this server for (1h|59m \d+s)$/);
    await erin.closed;
    expect(erin.sawLine('*** Choose another nickname:')).toBe(false);

    alice.send('/modlog * 4');
    await alice.waitFor(/^\*\*\* {3}\S+ \S+ \(server\) alice kline erin!\*@\* until /);
    await alice.waitFor(/^\*\*\* {3}\S+ \S+ \(server\) alice unkline \*!\*@\S+$/);

    alice.send('/deoper');
    await alice.waitFor('*** You are no longer a server operator');
    alice.send('/klines');
    await alice.waitFor('!!! Only server operators may do that. (NOT_SERVER_OPERATOR)');
    alice.send('/deoper');
    await alice.waitFor('!!! Only server operators may do that. (NOT_SERVER_OPERATOR)');
  });

  it('closes the connection at the third failed /oper', async () => {
    const server = await startOperatorServer();
    const mallory = await LineClient.join(server.port('line'), 'mallory');
    for (const guess of ['one', 'two', 'three']) mallory.send(`/oper alice ${guess}`);
    await mallory.waitFor('!!! Wrong operator name or password. (OPER_FAILED)');
    await mallory.waitFor('!!! Wrong operator name or password. (OPER_FAILED)');
    await mallory.waitFor('!!! Wrong operator name or password. (OPER_FAILED)');
    await mallory.waitFor('*** Disconnected: Too many failed OPER attempts');
    await mallory.closed;
  });
});

describe('server operators on the WebSocket API', () => {
  it('oper, kline, klines, unkline and kill as requests; killed and banned clients get 4003 and 4004', async () => {
    const server = await startOperatorServer();
    const port = server.port('http');
    const alice = await WsClient.join(port, 'alice');
    const bob = await WsClient.join(port, 'bob');

    alice.send({ type: 'kline', mask: 'bob!*@*', ref: 'k0' });
    await alice.waitFor({ type: 'error', ref: 'k0', code: 'NOT_SERVER_OPERATOR' });
    alice.send({ type: 'oper', name: 'alice', password: 'nope', ref: 'o1' });
    await alice.waitFor({ type: 'error', ref: 'o1', code: 'OPER_FAILED' });
    alice.send({ type: 'oper', name: 'faraway', password: 'far away', ref: 'o2' });
    await alice.waitFor({ type: 'error', ref: 'o2', code: 'OPER_HOST' });
    alice.send({ type: 'oper', name: 'alice', password: 'correct horse', ref: 'o3' });
    await alice.waitFor({ type: 'oper', name: 'alice' });

    alice.send({ type: 'kline', mask: 'bob!*@*', duration: '1h', reason: 'spam', ref: 'k1' });
    await alice.waitFor({
      type: 'notice',
      text: 'Added a server ban (K-line) on bob!*@* for 1h: spam',
    });
    expect(await bob.closed).toEqual({
      code: 4004,
      reason: 'Banned from this server for 1h: spam',
    });
    alice.send({ type: 'kline', mask: 'x', duration: 'soon', ref: 'k2' });
    await alice.waitFor({ type: 'error', ref: 'k2', code: 'BAD_ARGUMENTS' });
    alice.send({ type: 'klines' });
    const list = await alice.waitForType('server-bans');
    expect(list.entries).toEqual([
      {
        room: '',
        kind: 'ban',
        mask: 'bob!*@*',
        setBy: 'alice',
        setAt: expect.any(Number),
        expiresAt: list.entries[0]!.setAt + 3_600_000,
        reason: 'spam',
      },
    ]);

    // At hello: told why, then closed.
    const again = await WsClient.connect(port);
    again.send({ type: 'hello', nick: 'bob', ref: 'h' });
    await again.waitFor({ type: 'error', ref: 'h', code: 'BANNED_FROM_SERVER' });
    expect((await again.closed).code).toBe(4004);

    alice.send({ type: 'unkline', mask: 'bob!*@*' });
    await alice.waitFor({ type: 'notice', text: 'Removed the server ban (K-line) on bob!*@*' });
    const back = await WsClient.join(port, 'bob');
    alice.send({ type: 'kill', nick: 'bob', reason: 'again' });
    expect(await back.closed).toEqual({ code: 4003, reason: 'Killed by alice (again)' });

    // WALLOPS as an event, to operators only.
    const carol = await WsClient.join(port, 'carol');
    alice.send({ type: 'wallops', text: 'hi ops' });
    await alice.waitFor({ type: 'wallops', nick: 'alice', text: 'hi ops' });
    carol.send({ type: 'ping', ref: 'p' });
    await carol.waitFor({ type: 'pong', ref: 'p' });
    expect(carol.saw({ type: 'wallops' })).toBe(false);

    alice.send({ type: 'deoper' });
    await alice.waitFor({ type: 'oper', name: null });
  });
});
