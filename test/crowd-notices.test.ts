import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/server.js';
import { IrcClient, LineClient, startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';

/**
 * Big rooms summarize their joins and parts for text and web users (--summarize-joins-above),
 * while IRC clients, which keep member lists from them, still get every JOIN and PART.
 */
/** Rooms of 3 members summarize joins for text doors; rooms of 4 are quiet for every door. */
const QUIET_ABOVE_3 = {
  ...DEFAULTS.rooms,
  summarizeJoinsAbove: 2,
  summarizeAllJoinsAbove: 3,
  summaryMs: 100,
};

describe('join and part summaries in big rooms', () => {
  it('sends text users one summary instead of a line per join, and IRC every JOIN', async () => {
    const server = await startTestServer({
      rooms: { ...DEFAULTS.rooms, summarizeJoinsAbove: 3, summaryMs: 100 },
    });
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await IrcClient.register(server.port('irc'), 'bob');
    bob.send('JOIN #lobby');
    await bob.waitFor((line) => line.includes(' 366 bob #lobby '));
    const carol = await WsClient.join(server.port('http'), 'carol');
    // Three members: not yet a crowd, so carol's join was a line of its own.
    await alice.waitFor('*** carol joined #lobby');

    const dan = await LineClient.join(server.port('line'), 'dan');
    const eve = await LineClient.join(server.port('line'), 'eve');
    eve.send('/part #lobby');
    await eve.waitFor('*** You left #lobby');

    const summary = '*** 2 joined #lobby (dan, eve); 1 left (eve)';
    await alice.waitFor(summary);
    const aliceSaw = alice.received.slice(alice.received.indexOf('*** carol joined #lobby'));
    expect(aliceSaw.filter((line) => /dan|eve/.test(line))).toEqual([summary]);
    // The joiner still hears of their own join.
    expect(dan.sawLine('*** You joined #lobby')).toBe(true);

    await bob.waitFor(/^:eve!\S+ PART #lobby/);
    expect(bob.received.filter((line) => /^:(dan|eve)!\S+ JOIN #lobby/.test(line))).toHaveLength(2);
    // IRC gets no summary: a PING's answer comes after anything the server sent before it.
    bob.send('PING :barrier');
    await bob.waitFor(/PONG .*barrier/);
    expect(bob.received.some((line) => line.includes('joined #lobby'))).toBe(false);

    await carol.waitFor({ type: 'crowd', room: '#lobby', joined: ['dan', 'eve'], joinedCount: 2 });
    expect(carol.saw({ type: 'join', nick: 'dan', crowd: true })).toBe(true);
    expect(carol.saw({ type: 'part', nick: 'eve', crowd: true })).toBe(true);
  });

  it('tells of a quit at once where a small room is shared, else in the summary', async () => {
    const server = await startTestServer({
      rooms: { ...DEFAULTS.rooms, summarizeJoinsAbove: 2, summaryMs: 100 },
    });
    const port = server.port('line');
    const alice = await LineClient.join(port, 'alice');
    const bob = await LineClient.join(port, 'bob');
    const carol = await LineClient.join(port, 'carol');
    for (const client of [alice, carol]) {
      client.send('/join #small');
      await client.waitFor('*** Now talking in #small');
    }
    await bob.waitFor('*** 1 joined #lobby (carol)');
    carol.send('/quit bye');
    await carol.closed;
    // alice shares #small with carol: a line at once. bob shares only the crowded #lobby.
    await alice.waitFor('*** carol left the chat (bye)');
    await bob.waitFor('*** 1 left #lobby (carol)');
    expect(bob.sawLine(/carol left the chat/)).toBe(false);
  });

  it('keeps every join on its own line when the threshold is 0', async () => {
    const server = await startTestServer({
      rooms: { ...DEFAULTS.rooms, summarizeJoinsAbove: 0, summaryMs: 100 },
    });
    const alice = await LineClient.join(server.port('line'), 'alice');
    for (const nick of ['b1', 'b2', 'b3', 'b4']) await LineClient.join(server.port('line'), nick);
    await alice.waitFor('*** b4 joined #lobby');
    expect(alice.received.filter((line) => /^\*\*\* b\d joined #lobby$/.test(line))).toHaveLength(
      4,
    );
  });

  it('tells no one of each join past --summarize-all-joins-above, IRC and web clients included', async () => {
    const server = await startTestServer({ rooms: QUIET_ABOVE_3 });
    const bob = await IrcClient.register(server.port('irc'), 'bob');
    bob.send('JOIN #lobby');
    await bob.waitFor((line) => line.includes(' 366 bob #lobby '));
    const carol = await WsClient.join(server.port('http'), 'carol');
    await LineClient.join(server.port('line'), 'alice');
    // Three members: crowded, not yet quiet, so IRC still got alice's JOIN.
    await bob.waitFor(/^:alice!\S+ JOIN #lobby/);

    const dan = await IrcClient.register(server.port('irc'), 'dan');
    dan.send('JOIN #lobby');
    // The joiner hears of its own join, and NAMES still lists everyone.
    await dan.waitFor(/^:dan!\S+ JOIN #lobby/);
    await dan.waitFor((line) => line.includes(' 366 dan #lobby '));
    dan.send('PART #lobby');
    await dan.waitFor(/^:dan!\S+ PART #lobby/);

    // alice's join may share the summary: it was summarized too.
    await bob.waitFor(/^:\S+ NOTICE #lobby :.*1 left \(dan\); 3 members now$/);
    bob.send('PING :barrier');
    await bob.waitFor(/PONG .*barrier/);
    expect(bob.received.some((line) => /^:dan!\S+ (JOIN|PART)/.test(line))).toBe(false);

    await carol.waitFor({ type: 'crowd', room: '#lobby', quiet: true, members: 3, leftCount: 1 });
    expect(carol.saw({ type: 'join', nick: 'dan' })).toBe(false);
    expect(carol.saw({ type: 'part', nick: 'dan' })).toBe(false);
  });

  it('names only the first 50 members to whoever joins a quiet room; NAMES lists all', async () => {
    const server = await startTestServer({ rooms: QUIET_ABOVE_3 });
    const port = server.port('line');
    for (let i = 0; i < 55; i++) await LineClient.join(port, `m${i}`);
    const irc = await IrcClient.register(server.port('irc'), 'zed');
    irc.send('JOIN #lobby');
    await irc.waitFor((line) => line.includes(' 366 zed #lobby '));
    const named = (lines: readonly string[]) =>
      lines
        .filter((line) => line.includes(' 353 zed '))
        .flatMap((line) => line.slice(line.lastIndexOf(':') + 1).split(' '));
    expect(named(irc.received)).toHaveLength(50);
    const before = irc.received.length;
    irc.send('NAMES #lobby');
    await irc.waitFor((line) => line.includes(' 366 zed #lobby '));
    expect(named(irc.received.slice(before))).toHaveLength(56);
  });
});
