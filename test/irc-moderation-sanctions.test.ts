import { describe, expect, it } from 'vitest';
import { IrcClient, LineClient, tempDir } from './helpers.js';
import {
  from,
  hostIn,
  joinAll,
  registerAll,
  S,
  startModerationServer,
} from './moderation-helpers.js';
import { spawnServer } from './spawned-server.js';

/** KICK, mutes, sanctions that run out, MODLOG, and what survives a restart, over IRC. */
describe('IRC KICK', () => {
  it('tells everyone in the room, on every door; the kicked may come back', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await registerAll(server.port('irc'), ['alice', 'bob']);
    await joinAll('#dev', [alice!, bob!]);
    const carol = await LineClient.join(server.port('line'), 'carol');
    carol.send('/join #dev');
    await carol.waitFor('*** Now talking in #dev');
    await bob!.ask();
    const kick = `${from('alice')} KICK #dev bob :off topic`;
    expect(await alice!.ask('KICK #dev bob :off topic')).toEqual([
      `${from('carol', '~line')} JOIN #dev`,
      kick,
    ]);
    expect(await bob!.ask()).toEqual([kick]);
    await carol.waitFor('*** alice kicked bob from #dev (off topic)');
    // bob is out: the room takes no messages from outside (+n).
    expect(await bob!.ask('PRIVMSG #dev :still here?')).toEqual([
      `${S} 404 bob #dev :Cannot send to channel`,
    ]);
    expect(await bob!.ask('JOIN #dev')).toEqual([
      `${from('bob')} JOIN #dev`,
      `${S} 353 bob = #dev :@alice carol bob`,
      `${S} 366 bob #dev :End of /NAMES list`,
    ]);
    // Without a reason, the kicker's nickname is the reason; several at once, comma-separated.
    await alice!.ask();
    expect(await alice!.ask('KICK #dev bob', 'JOIN #two')).toEqual([
      `${from('alice')} KICK #dev bob :alice`,
      `${from('alice')} JOIN #two`,
      `${S} 353 alice = #two :@alice`,
      `${S} 366 alice #two :End of /NAMES list`,
    ]);
    await bob!.ask('JOIN #dev');
    await alice!.ask();
    expect(await alice!.ask('KICK #dev bob,carol :cleanup')).toEqual([
      `${from('alice')} KICK #dev bob :cleanup`,
      `${from('alice')} KICK #dev carol :cleanup`,
    ]);
    await carol.waitFor('*** alice kicked carol from #dev (cleanup)');
    await carol.waitFor('*** Now talking in #lobby');
  });

  it('refuses with 441 (not in the room), 401, 482 (not an operator), 442 (kicker outside), 403, 461', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await registerAll(server.port('irc'), ['alice', 'bob', 'carol']);
    await joinAll('#dev', [alice!, bob!]);
    expect(
      await alice!.ask('KICK #dev carol', 'KICK #dev zed', 'KICK #nope bob', 'KICK #dev'),
    ).toEqual([
      `${S} 441 alice carol #dev :They aren't on that channel`,
      `${S} 401 alice zed :No such nick/channel`,
      `${S} 403 alice #nope :No such channel`,
      `${S} 461 alice KICK :Not enough parameters`,
    ]);
    expect(await bob!.ask('KICK #dev alice')).toEqual([
      `${S} 482 bob #dev :You are not an operator of #dev.`,
    ]);
    expect(await carol!.ask('KICK #dev bob')).toEqual([
      `${S} 442 carol #dev :You're not on that channel`,
    ]);
    // Nobody was put out.
    expect(await alice!.ask('NAMES #dev')).toEqual([
      `${S} 353 alice = #dev :@alice bob`,
      `${S} 366 alice #dev :End of /NAMES list`,
    ]);
  });
});

describe('IRC mutes', () => {
  it('MODE +b m:MASK (the extban) mutes: 404 with the reason, listed as 367; -b m: lifts it', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await registerAll(server.port('irc'), ['alice', 'bob']);
    await joinAll('#dev', [alice!, bob!]);
    expect(await alice!.ask('MODE #dev +b m:bob')).toEqual([
      `${from('alice')} MODE #dev +b m:bob!*@*`,
    ]);
    expect(await bob!.ask('PRIVMSG #dev :hello?')).toEqual([
      `${from('alice')} MODE #dev +b m:bob!*@*`,
      `${S} 404 bob #dev :You are muted in #dev.`,
    ]);
    expect(await alice!.ask('MODE #dev +b')).toEqual([
      expect.stringMatching(/^:irc\.test 367 alice #dev m:bob!\*@\* alice \d+$/),
      `${S} 368 alice #dev :End of channel ban list`,
    ]);
    // Muted, not banned: bob may leave and come back, still muted.
    expect(await bob!.ask('PART #dev', 'JOIN #dev', 'PRIVMSG #dev :and now?')).toEqual([
      `${from('bob')} PART #dev`,
      `${from('bob')} JOIN #dev`,
      `${S} 353 bob = #dev :@alice bob`,
      `${S} 366 bob #dev :End of /NAMES list`,
      `${S} 404 bob #dev :You are muted in #dev.`,
    ]);
    expect(await alice!.ask('MODE #dev -b m:bob!*@*')).toEqual([
      `${from('bob')} PART #dev`,
      `${from('bob')} JOIN #dev`,
      `${from('alice')} MODE #dev -b m:bob!*@*`,
    ]);
    expect(await bob!.ask('PRIVMSG #dev :free')).toEqual([
      `${from('alice')} MODE #dev -b m:bob!*@*`,
    ]);
    expect(await alice!.ask()).toEqual([`${from('bob')} PRIVMSG #dev :free`]);
  });

  it('MUTE #room NICK DURATION REASON mutes their host; operators are never muted; UNMUTE lifts it', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await registerAll(server.port('irc'), ['alice', 'bob']);
    await joinAll('#dev', [alice!, bob!]);
    const [who] = await alice!.ask('WHO bob');
    const host = hostIn(who!);
    const muted = `${from('alice')} MODE #dev +b m:*!*@${host}`;
    expect(await alice!.ask('MUTE #dev bob 10m flooding')).toEqual([muted]);
    expect(await bob!.ask('PRIVMSG #dev :hello?')).toEqual([
      muted,
      expect.stringMatching(/^:irc\.test 404 bob #dev :You are muted in #dev for (10m|9m 59s)\.$/),
    ]);
    // The mute is on the host alice shares with bob (every test client does), yet she speaks.
    expect(await alice!.ask('PRIVMSG #dev :ops speak')).toEqual([]);
    expect(await bob!.ask()).toEqual([`${from('alice')} PRIVMSG #dev :ops speak`]);
    // Not a duration: BAD_ARGUMENTS, as 400; not muted by it.
    expect(await alice!.ask('MUTE #dev bob 400d', 'MUTE #dev')).toEqual([
      `${S} 400 alice MUTE :A duration is between 1s and 366d.`,
      `${S} 461 alice MUTE :Not enough parameters`,
    ]);
    expect(await bob!.ask('MUTE #dev alice')).toEqual([
      `${S} 482 bob #dev :You are not an operator of #dev.`,
    ]);
    const lifted = `${from('alice')} MODE #dev -b m:*!*@${host}`;
    expect(await alice!.ask('UNMUTE #dev bob')).toEqual([lifted]);
    expect(await bob!.ask('PRIVMSG #dev :thanks')).toEqual([lifted]);
    expect(await alice!.ask()).toEqual([`${from('bob')} PRIVMSG #dev :thanks`]);
  });
});

describe('IRC sanctions with a duration', () => {
  it('a mute and a ban run out by themselves (1s), inside and outside the room', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await registerAll(server.port('irc'), ['alice', 'bob', 'carol']);
    await joinAll('#dev', [alice!, bob!]);
    // A timed mute, a timed ban on a mask of someone inside (who stays but cannot speak), and
    // a timed ban keeping someone out.
    await alice!.ask('MUTE #dev bob!*@* 1s', 'BAN #dev carol!*@* 1s');
    const setAt = Date.now();
    expect(await bob!.ask('PRIVMSG #dev :muted?')).toEqual([
      `${from('alice')} MODE #dev +b m:bob!*@*`,
      `${from('alice')} MODE #dev +b carol!*@*`,
      expect.stringMatching(/^:irc\.test 404 bob #dev :You are muted in #dev for (1s|0s)\.$/),
    ]);
    expect(await carol!.ask('JOIN #dev')).toEqual([
      expect.stringMatching(/^:irc\.test 474 carol #dev :You are banned from #dev for (1s|0s)\.$/),
    ]);
    // The server says when each runs out, as IRC servers do, so ban lists stay true.
    await Promise.all([alice!, bob!].map((client) => lifted(client, ['m:bob!*@*', 'carol!*@*'])));
    expect(Date.now() - setAt).toBeGreaterThanOrEqual(900);
    expect(await bob!.ask('PRIVMSG #dev :free again')).toEqual([]);
    expect(await carol!.ask('JOIN #dev')).toEqual([
      `${from('carol')} JOIN #dev`,
      `${S} 353 carol = #dev :@alice bob carol`,
      expect.stringMatching(/ 366 carol #dev /),
      // The replay of what was said since.
      expect.stringMatching(/^:bob!\S+ PRIVMSG #dev :\[[\d :-]+\] free again$/),
    ]);
    // Gone from the list too.
    expect(await alice!.ask('MODE #dev b')).toEqual([
      `${from('bob')} PRIVMSG #dev :free again`,
      `${from('carol')} JOIN #dev`,
      `${S} 368 alice #dev :End of channel ban list`,
    ]);
    // And a timed ban on someone inside, by mask, lets them speak again when it runs out.
    await alice!.ask('BAN #dev carol!*@* 1s reason');
    const banAt = Date.now();
    expect(await carol!.ask('PRIVMSG #dev :banned?')).toEqual([
      `${from('alice')} MODE #dev +b carol!*@*`,
      `${S} 404 carol #dev :You are banned from #dev; you cannot speak there.`,
    ]);
    await Promise.all([alice!, carol!].map((client) => lifted(client, ['carol!*@*'])));
    expect(Date.now() - banAt).toBeGreaterThanOrEqual(900);
    expect(await carol!.ask('PRIVMSG #dev :heard')).toEqual([]);
    expect(await alice!.ask()).toEqual([`${from('carol')} PRIVMSG #dev :heard`]);
  });
});

/** Waits until the server has said that sanctions on all these masks ran out (MODE -b). */
async function lifted(client: IrcClient, masks: string[]): Promise<void> {
  const said: string[] = [];
  await client.next((line) => {
    const bare = line.replace(/^@\S+ /, '');
    if (bare.startsWith(`${S} MODE #dev -`)) said.push(bare);
    return masks.every((mask) => said.some((lift) => lift.split(' ').includes(mask)));
  });
}

describe('IRC MODLOG', () => {
  it("answers the room's audit log as NOTICEs, newest first, to its operators only", async () => {
    const server = await startModerationServer();
    const [alice, bob] = await registerAll(server.port('irc'), ['alice', 'bob']);
    await joinAll('#dev', [alice!, bob!]);
    const [who] = await alice!.ask('WHO bob');
    const host = hostIn(who!);
    await alice!.ask(
      'MODE #dev +m',
      'MODE #dev +v bob',
      'MUTE #dev bob 1h flooding',
      'KICK #dev bob :out',
    );
    const time = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d';
    const notice = (text: string) => new RegExp(`^:irc\\.test NOTICE alice :  ${time} ${text}$`);
    expect(await alice!.ask('MODLOG #dev 3')).toEqual([
      `${S} NOTICE alice :Moderation log of #dev, newest first (times UTC):`,
      expect.stringMatching(notice('alice kick bob: out')),
      expect.stringMatching(
        notice(
          `alice mute bob \\(\\*!\\*@${host.replaceAll('.', '\\.')}\\) until ${time}: flooding`,
        ),
      ),
      expect.stringMatching(notice('alice voice bob')),
    ]);
    const all = await alice!.ask('MODLOG #dev');
    expect(all.slice(-2)).toEqual([
      expect.stringMatching(notice('alice mode \\+moderated')),
      expect.stringMatching(notice('alice create #dev')),
    ]);
    expect(all).toHaveLength(6);
    expect(await bob!.ask('MODLOG #dev')).toEqual([
      `${from('alice')} MODE #dev +m`,
      `${from('alice')} MODE #dev +v bob`,
      `${from('alice')} MODE #dev +b m:*!*@${host}`,
      `${from('alice')} KICK #dev bob :out`,
      `${S} 482 bob #dev :You are not an operator of #dev.`,
    ]);
    expect(await alice!.ask('MODLOG #nope', 'MODLOG')).toEqual([
      `${S} 403 alice #nope :No such channel`,
      `${S} 482 alice * :Only server operators may read every room's log; name a room.`,
    ]);
    // A new room's log has its making; the lobby, which nobody made, is for server operators.
    await alice!.join('#fresh');
    await alice!.join('#lobby');
    expect(await alice!.ask('MODLOG #fresh', 'MODLOG #lobby')).toEqual([
      `${S} NOTICE alice :Moderation log of #fresh, newest first (times UTC):`,
      expect.stringMatching(notice('alice create #fresh')),
      `${S} 482 alice #lobby :You are not an operator of #lobby.`,
    ]);
  });
});

describe('IRC roles, modes and bans across a restart', () => {
  const serve = (dataDir: string) =>
    spawnServer(
      [
        '--data-dir',
        dataDir,
        '--line-port',
        'off',
        '--framed-port',
        'off',
        '--http-port',
        'off',
        '--irc-port',
        '0',
        '--server-name',
        'irc.test',
        '--log-level',
        'warn',
      ],
      'irc',
    );

  it('are kept in the SQLite store: the owner still gets @ and the room its modes and bans', async () => {
    const dataDir = tempDir();
    const first = await serve(dataDir);
    const alice = await IrcClient.register(first.port, 'alice', ['multi-prefix']);
    const [joined] = await alice.ask('JOIN #keep');
    // This server's cloaks are keyed with the secret its store made: read, not computed.
    const host = hostIn(joined!);
    const source = (nick: string) => `:${nick}!~${nick}@${host}`;
    await alice.ask('MODE #keep +ms', 'MODE #keep +b evil!*@*');
    const [, created] = await alice.ask('MODE #keep');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await serve(dataDir);
    // bob comes first: the room is still alice's, so he gets no role in it. (The store kept
    // the cloak secret too: the same host.)
    const bob = await IrcClient.register(second.port, 'bob', ['multi-prefix']);
    expect(await bob.ask('JOIN #keep', 'MODE #keep')).toEqual([
      `${source('bob')} JOIN #keep`,
      `${S} 353 bob @ #keep :bob`,
      `${S} 366 bob #keep :End of /NAMES list`,
      `${S} 324 bob #keep +mnts`,
      created!.replace(' alice ', ' bob '),
    ]);
    expect(await bob.ask('MODE #keep b')).toEqual([
      expect.stringMatching(/^:irc\.test 367 bob #keep evil!\*@\* alice \d+$/),
      `${S} 368 bob #keep :End of channel ban list`,
    ]);
    // alice comes back: the server says what she holds, and NAMES shows it.
    const back = await IrcClient.register(second.port, 'alice', ['multi-prefix']);
    expect(await back.ask('JOIN #keep')).toEqual([
      `${source('alice')} JOIN #keep`,
      `${S} MODE #keep +o alice`,
      `${S} 353 alice @ #keep :bob @alice`,
      `${S} 366 alice #keep :End of /NAMES list`,
    ]);
    expect(await bob.ask()).toEqual([`${source('alice')} JOIN #keep`, `${S} MODE #keep +o alice`]);
    expect(await back.ask('MODE #keep +v bob')).toEqual([`${source('alice')} MODE #keep +v bob`]);
  });
});
