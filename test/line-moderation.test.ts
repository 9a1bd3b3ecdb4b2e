import { describe, expect, it } from 'vitest';
import { IrcClient, LineClient, LOCAL_CLOAK } from './helpers.js';
import { from, S, startModerationServer } from './moderation-helpers.js';
import { WsClient } from './ws-client.js';

/** Line users in the lobby, each of whose next `ask` starts clean. */
async function lineUsers(port: number, nicks: readonly string[]): Promise<LineClient[]> {
  const clients: LineClient[] = [];
  for (const nick of nicks) clients.push(await LineClient.join(port, nick));
  for (const client of clients) await client.ask();
  return clients;
}

/** Each joins the room in turn (the first makes it); what the joins caused is read. */
async function joinRoom(room: string, clients: readonly LineClient[]): Promise<void> {
  for (const client of clients) {
    client.send(`/join ${room}`);
    await client.waitFor(`*** Now talking in ${room}`);
  }
  for (const client of clients) await client.ask();
}

const time = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d';

/** Moderation on the line door, as its users read it (docs/moderation.md, docs/commands.md). */
describe('line door moderation', () => {
  it('/mode shows and sets modes; /op, /voice, /deop, /devoice; everyone reads who did what', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await lineUsers(server.port('line'), ['alice', 'bob', 'carol']);
    expect(await alice!.ask('/join #dev')).toEqual([
      '*** You joined #dev',
      '*** #dev has 1 member: ~@alice',
      '*** Now talking in #dev',
    ]);
    await joinRoom('#dev', [bob!]);
    await alice!.ask();
    expect(await alice!.ask('/mode', '/mode +m')).toEqual([
      '*** Modes of #dev: +nt',
      '*** You made #dev moderated: only voiced members may speak',
    ]);
    expect(await bob!.ask('may I?')).toEqual([
      '*** alice made #dev moderated: only voiced members may speak',
      '!!! #dev is moderated: only voiced members may speak. (CANNOT_SEND)',
    ]);
    expect(await alice!.ask('/voice bob')).toEqual(['*** You made bob voiced of #dev']);
    expect(await bob!.ask('now I may')).toEqual(['*** alice made bob voiced of #dev']);
    expect(await alice!.ask('/op bob', '/deop bob', '/devoice #dev bob', '/who')).toEqual([
      '<bob> now I may',
      '*** You made bob an operator of #dev',
      '*** You took operator from bob in #dev',
      '*** You took voice from bob in #dev',
      '*** #dev has 2 members: ~@alice bob',
    ]);
    expect(await bob!.ask()).toEqual([
      '*** alice made bob an operator of #dev',
      '*** alice took operator from bob in #dev',
      '*** alice took voice from bob in #dev',
    ]);
    // Every mode with its words; the key only to those inside.
    expect(
      await alice!.ask('/mode -m+ik sesame', '/mode +l 5', '/mode +s', '/mode -nt', '/mode'),
    ).toEqual([
      '*** You made #dev no longer moderated',
      '*** You made #dev invite only',
      '*** You set the key of #dev to sesame',
      '*** You limited #dev to 5 members',
      '*** You made #dev secret: hidden from room lists',
      '*** You made #dev open to messages from outside',
      '*** You made #dev no longer topic-locked',
      '*** Modes of #dev: +iskl sesame 5',
    ]);
    expect(await carol!.ask('/mode #dev')).toEqual(['*** Modes of #dev: +iskl * 5']);
    expect(await alice!.ask('/mode -i-s-k-l', '/mode +nt', '/mode')).toEqual([
      '*** You made #dev open to everyone (not invite only)',
      '*** You made #dev no longer secret',
      '*** You removed the key of #dev',
      '*** You removed the member limit of #dev',
      '*** You made #dev closed to messages from outside',
      '*** You made #dev topic-locked: only operators set the topic',
      '*** Modes of #dev: +nt',
    ]);
  });

  it('refuses with the error code and words of each: not an operator, unknown mode, bad parameter, key set', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await lineUsers(server.port('line'), ['alice', 'bob']);
    await joinRoom('#dev', [alice!, bob!]);
    expect(await bob!.ask('/mode +m', '/op bob', '/kick alice', '/ban alice')).toEqual([
      '!!! You are not an operator of #dev. (NOT_ROOM_OPERATOR)',
      '!!! You are not an operator of #dev. (NOT_ROOM_OPERATOR)',
      '!!! You are not an operator of #dev. (NOT_ROOM_OPERATOR)',
      '!!! You are not an operator of #dev. (NOT_ROOM_OPERATOR)',
    ]);
    expect(
      await alice!.ask(
        '/mode +x',
        '/mode +l abc',
        '/mode +l 0',
        '/mode +k a,b',
        '/mode +k',
        '/mode +k one',
        '/mode +k two',
        '/op zed',
        '/op',
        '/mode #nope',
      ),
    ).toEqual([
      '!!! There is no mode x: see docs/moderation.md. (UNKNOWN_MODE)',
      '!!! A member limit is a whole number from 1 to 1000000. (BAD_MODE_PARAM)',
      '!!! A member limit is a whole number from 1 to 1000000. (BAD_MODE_PARAM)',
      '!!! A key is 1 to 32 characters without spaces, commas or colons. (BAD_MODE_PARAM)',
      '!!! Mode k needs a parameter. (BAD_ARGUMENTS)',
      '*** You set the key of #dev to one',
      '!!! #dev already has a key; remove it first. (KEY_SET)',
      '!!! Nobody is called "zed". (NO_SUCH_NICK)',
      '!!! Usage: /op [#room] NICK (BAD_ARGUMENTS)',
      '!!! There is no room called #nope. (NO_SUCH_ROOM)',
    ]);
  });

  it('/join #room KEY; invite only and /invite; a member limit', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await lineUsers(server.port('line'), ['alice', 'bob', 'carol']);
    await joinRoom('#dev', [alice!, bob!]);
    await alice!.ask('/mode +k sesame');
    expect(await carol!.ask('/join #dev', '/join #dev nope', '/join #dev sesame')).toEqual([
      '!!! #dev needs the right key. (BAD_ROOM_KEY)',
      '!!! #dev needs the right key. (BAD_ROOM_KEY)',
      '*** You joined #dev',
      '*** #dev has 3 members: ~@alice bob carol',
      '*** Now talking in #dev',
    ]);
    expect(await alice!.ask('/mode -k', '/mode +i', '/kick carol')).toEqual([
      '*** carol joined #dev',
      '*** You removed the key of #dev',
      '*** You made #dev invite only',
      '*** You kicked carol from #dev (alice)',
    ]);
    expect(await carol!.ask('/join #dev')).toEqual([
      '*** alice removed the key of #dev',
      '*** alice made #dev invite only',
      '*** alice kicked carol from #dev (alice)',
      '*** Now talking in #lobby',
      '!!! #dev is invite only. (INVITE_ONLY)',
    ]);
    // Under +i, only operators invite.
    expect(await bob!.ask('/invite carol')).toEqual([
      '*** alice set the key of #dev to sesame',
      '*** carol joined #dev',
      '*** alice removed the key of #dev',
      '*** alice made #dev invite only',
      '*** alice kicked carol from #dev (alice)',
      '!!! You are not an operator of #dev. (NOT_ROOM_OPERATOR)',
    ]);
    expect(await alice!.ask('/invite carol', '/invite bob', '/invite zed', '/invite')).toEqual([
      '*** You invited carol to #dev',
      '!!! bob is already in #dev. (ALREADY_IN_ROOM)',
      '!!! Nobody is called "zed". (NO_SUCH_NICK)',
      '!!! Usage: /invite NICK [#room] (BAD_ARGUMENTS)',
    ]);
    expect(await carol!.ask('/invite bob #dev', '/join #dev')).toEqual([
      '*** alice invites you to #dev: /join #dev',
      '!!! You are not in #dev. (NOT_IN_ROOM)',
      '*** You joined #dev',
      '*** #dev has 3 members: ~@alice bob carol',
      '*** Now talking in #dev',
    ]);
    // A member limit, as full as it is.
    expect(await alice!.ask('/mode -i', '/mode +l 3', '/kick carol')).toEqual([
      '*** carol joined #dev',
      '*** You made #dev open to everyone (not invite only)',
      '*** You limited #dev to 3 members',
      '*** You kicked carol from #dev (alice)',
    ]);
    const dave = await LineClient.join(server.port('line'), 'dave');
    await joinRoom('#dev', [dave]);
    expect(await carol!.ask('/join #dev')).toEqual([
      '*** alice made #dev open to everyone (not invite only)',
      '*** alice limited #dev to 3 members',
      '*** alice kicked carol from #dev (alice)',
      '*** Now talking in #lobby',
      '*** dave joined #lobby',
      '!!! #dev is full (3 members). (ROOM_FULL)',
    ]);
  });

  it('/kick with a reason; /ban with a duration puts out and keeps out; /bans, /unban', async () => {
    const server = await startModerationServer();
    // carol stays in the lobby, outside #dev.
    const [alice, bob] = await lineUsers(server.port('line'), ['alice', 'bob', 'carol']);
    await joinRoom('#dev', [alice!, bob!]);
    expect(await alice!.ask('/kick bob off topic', '/kick carol', '/kick zed', '/kick')).toEqual([
      '*** You kicked bob from #dev (off topic)',
      '!!! carol is not in #dev. (USER_NOT_IN_ROOM)',
      '!!! Nobody is called "zed". (NO_SUCH_NICK)',
      '!!! Usage: /kick [#room] NICK [REASON] (BAD_ARGUMENTS)',
    ]);
    expect(await bob!.ask('/join #dev')).toEqual([
      '*** alice kicked bob from #dev (off topic)',
      '*** Now talking in #lobby',
      '*** You joined #dev',
      '*** #dev has 2 members: ~@alice bob',
      '*** Now talking in #dev',
    ]);
    await alice!.ask();
    // A ban by nickname is on their host: the cloak of their address.
    const [banned, kicked] = await alice!.ask('/ban bob 2h spam');
    const host = /^\*\*\* You banned bob \(\*!\*@(\S+)\) from #dev for 2h: spam$/.exec(
      banned!,
    )?.[1];
    expect(host).toBe(LOCAL_CLOAK);
    expect(kicked).toBe('*** You kicked bob from #dev (Banned: spam)');
    expect(await bob!.ask('/join #dev')).toEqual([
      `*** alice banned bob (*!*@${host}) from #dev for 2h: spam`,
      '*** alice kicked bob from #dev (Banned: spam)',
      '*** Now talking in #lobby',
      expect.stringMatching(
        /^!!! You are banned from #dev for (2h|1h 59m)\. \(BANNED_FROM_ROOM\)$/,
      ),
    ]);
    // Not by another nickname either.
    expect(await bob!.ask('/nick robert', '/join #dev')).toEqual([
      '*** You are now known as robert',
      expect.stringMatching(/^!!! You are banned from #dev for /),
    ]);
    expect(await alice!.ask('/bans', '/ban bob 400d', '/ban')).toEqual([
      '*** bob is now known as robert',
      '*** Bans in #dev (1):',
      expect.stringMatching(
        new RegExp(
          `^\\*\\*\\*   \\*!\\*@${host!.replaceAll('.', '\\.')} by alice, (2h|1h 59m) left: spam$`,
        ),
      ),
      '!!! A duration is between 1s and 366d. (BAD_ARGUMENTS)',
      '!!! Usage: /ban [#room] NICK|MASK [DURATION] [REASON] (BAD_ARGUMENTS)',
    ]);
    // Lifted by the nickname they have now; a ban on a mask without a duration holds until lifted.
    expect(await alice!.ask('/unban robert', '/ban #dev x!*@* spammer', '/bans #dev')).toEqual([
      `*** You lifted the ban on *!*@${host} in #dev`,
      '*** You banned x!*@* from #dev: spammer',
      '*** Bans in #dev (1):',
      '***   x!*@* by alice, until lifted: spammer',
    ]);
    expect(await bob!.ask('/join #dev')).toEqual([
      '*** You joined #dev',
      '*** #dev has 2 members: ~@alice robert',
      '*** Now talking in #dev',
    ]);
    expect(await alice!.ask('/unban x!*@*', '/bans')).toEqual([
      '*** robert joined #dev',
      '*** You lifted the ban on x!*@* in #dev',
      '*** Bans in #dev: none',
    ]);
  });

  it('/mute with a duration keeps a member quiet until it runs out; /mutes, /unmute; /modlog', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await lineUsers(server.port('line'), ['alice', 'bob']);
    await joinRoom('#dev', [alice!, bob!]);
    const host = LOCAL_CLOAK;
    expect(await alice!.ask('/mute bob 10m flooding')).toEqual([
      `*** You muted bob (*!*@${host}) in #dev for 10m: flooding`,
    ]);
    expect(await bob!.ask('hello?')).toEqual([
      `*** alice muted bob (*!*@${host}) in #dev for 10m: flooding`,
      expect.stringMatching(/^!!! You are muted in #dev for (10m|9m 59s)\. \(CANNOT_SEND\)$/),
    ]);
    expect(await alice!.ask('/mutes', '/unmute bob', '/mutes')).toEqual([
      '*** Mutes in #dev (1):',
      expect.stringMatching(
        new RegExp(
          `^\\*\\*\\*   \\*!\\*@${host.replaceAll('.', '\\.')} by alice, (10m|9m 59s) left: flooding$`,
        ),
      ),
      `*** You lifted the mute on *!*@${host} in #dev`,
      '*** Mutes in #dev: none',
    ]);
    expect(await bob!.ask('thanks')).toEqual([`*** alice lifted the mute on *!*@${host} in #dev`]);
    // A mute of one second runs out by itself.
    expect(await alice!.ask('/mute bob!*@* 1s')).toEqual([
      '<bob> thanks',
      '*** You muted bob!*@* in #dev for 1s',
    ]);
    const mutedAt = Date.now();
    expect(await bob!.ask('muted again?')).toEqual([
      '*** alice muted bob!*@* in #dev for 1s',
      expect.stringMatching(/^!!! You are muted in #dev for (1s|0s)\. \(CANNOT_SEND\)$/),
    ]);
    // The server says so when it does.
    const ranOut = '*** The mute on bob!*@* in #dev has run out';
    await Promise.all([alice!.waitFor(ranOut), bob!.waitFor(ranOut)]);
    expect(Date.now() - mutedAt).toBeGreaterThanOrEqual(900);
    expect(await bob!.ask('free')).toEqual([]);
    expect(await alice!.ask('/modlog 3')).toEqual([
      '<bob> free',
      '*** Moderation log of #dev, newest first (times UTC):',
      expect.stringMatching(
        new RegExp(`^\\*\\*\\*   ${time} alice mute bob!\\*@\\* until ${time}$`),
      ),
      expect.stringMatching(new RegExp(`^\\*\\*\\*   ${time} alice unmute \\*!\\*@\\S+$`)),
      expect.stringMatching(
        new RegExp(
          `^\\*\\*\\*   ${time} alice mute bob \\(\\*!\\*@\\S+\\) until ${time}: flooding$`,
        ),
      ),
    ]);
    expect(await alice!.ask('/modlog #dev 200')).toHaveLength(5);
    expect(await bob!.ask('/modlog', '/modlog #dev x')).toEqual([
      '!!! You are not an operator of #dev. (NOT_ROOM_OPERATOR)',
      '!!! Usage: /modlog [#room|*] [N] (BAD_ARGUMENTS)',
    ]);
  });
});

describe('moderation across doors', () => {
  it('an IRC operator bans a line user, who cannot come back; a line operator bans an IRC user (474)', async () => {
    const server = await startModerationServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    await alice.join('#dev');
    const [bob] = await lineUsers(server.port('line'), ['bob']);
    await joinRoom('#dev', [bob!]);
    await alice.ask();
    expect(await alice.ask('BAN #dev bob 1h spam')).toEqual([
      `${from('alice')} MODE #dev +b *!*@${LOCAL_CLOAK}`,
      `${from('alice')} KICK #dev bob :Banned: spam`,
    ]);
    expect(await bob!.ask('/join #dev')).toEqual([
      `*** alice banned bob (*!*@${LOCAL_CLOAK}) from #dev for 1h: spam`,
      '*** alice kicked bob from #dev (Banned: spam)',
      '*** Now talking in #lobby',
      expect.stringMatching(
        /^!!! You are banned from #dev for (1h|59m 59s)\. \(BANNED_FROM_ROOM\)$/,
      ),
    ]);
    // The other way: bob's room, an IRC user banned by mask from the line door.
    await bob!.ask('/join #line');
    const carol = await IrcClient.register(server.port('irc'), 'carol');
    expect(await bob!.ask('/ban carol!*@*')).toEqual(['*** You banned carol!*@* from #line']);
    expect(await carol.ask('JOIN #line')).toEqual([
      `${S} 474 carol #line :You are banned from #line.`,
    ]);
  });

  it('a muted WebSocket user gets CANNOT_SEND, with the reason', async () => {
    const server = await startModerationServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    await alice.join('#dev');
    const web = await WsClient.join(server.port('http'), 'webby');
    web.send({ type: 'join', room: '#dev' });
    await web.waitFor({ type: 'join', room: '#dev', nick: 'webby' });
    expect(await alice.ask('MUTE #dev webby 10m')).toEqual([
      `${from('webby', '~ws')} JOIN #dev`,
      `${from('alice')} MODE #dev +b m:*!*@${LOCAL_CLOAK}`,
    ]);
    web.send({ type: 'send', to: '#dev', text: 'hello?', ref: 's1' });
    const error = await web.waitForType('error', { ref: 's1' });
    expect(error).toEqual({
      type: 'error',
      ref: 's1',
      code: 'CANNOT_SEND',
      message: expect.stringMatching(/^You are muted in #dev for (10m|9m 59s)\.$/),
    });
    expect(await alice.ask()).toEqual([]);
  });
});
