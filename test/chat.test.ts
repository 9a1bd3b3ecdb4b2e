import { describe, expect, it } from 'vitest';
import { FramedClient, LineClient, startTestServer } from './helpers.js';

describe('chatting over the line and framed doors', () => {
  it('lets two line clients and a framed client talk in #lobby', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    await alice.waitFor('*** bob joined #lobby');

    const carol = await FramedClient.connect(server.port('framed'));
    carol.send('carol');
    await carol.waitFor('*', 'Now talking in #lobby');
    await alice.waitFor('*** carol joined #lobby');
    await bob.waitFor('*** carol joined #lobby');

    alice.send('hello everyone');
    await bob.waitFor('<alice> hello everyone');
    await carol.waitFor('alice', 'hello everyone');

    carol.send('hi from the tutorial');
    await alice.waitFor('<carol> hi from the tutorial');
    await bob.waitFor('<carol> hi from the tutorial');

    bob.send('/me waves');
    await alice.waitFor('* bob waves');
    await carol.waitFor('* bob', 'waves');
    // Nobody hears their own message back.
    expect(alice.sawLine('<alice> hello everyone')).toBe(false);
    expect(carol.saw((pair) => pair.text === 'hi from the tutorial')).toBe(false);
  });

  it('greets, asks for a nickname, and announces joins and leaves', async () => {
    const server = await startTestServer();
    const alice = await LineClient.connect(server.port('line'));
    await alice.waitFor('*** Welcome to chatroom. What is your nickname?');
    alice.send('alice');
    await alice.waitFor('*** Welcome to chatroom, alice! Type /help for commands.');
    await alice.waitFor('*** You joined #lobby');
    await alice.waitFor('*** #lobby has 1 member: alice');
    await alice.waitFor('*** Now talking in #lobby');

    const bob = await LineClient.join(server.port('line'), 'bob');
    await alice.waitFor('*** bob joined #lobby');
    bob.send('/quit off to lunch');
    await alice.waitFor('*** bob left the chat (off to lunch)');
    await bob.closed;
  });

  it("keeps one sender's messages and commands in the order typed", async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.write('one\ntwo\nthree\n/quit last words\n');
    await bob.waitFor('*** alice left the chat (last words)');
    const seen = bob.received.filter((line) => line.startsWith('<alice>') || line.includes('left'));
    expect(seen).toEqual([
      '<alice> one',
      '<alice> two',
      '<alice> three',
      '*** alice left the chat (last words)',
    ]);
  });

  it('delivers private messages only to their recipient', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    const carol = await LineClient.join(server.port('line'), 'carol');
    const dave = await FramedClient.connect(server.port('framed'));
    dave.send('dave');
    await dave.waitFor('*', 'Now talking in #lobby');

    alice.send('/msg BOB meet me at noon');
    await bob.waitFor('*alice* meet me at noon');
    await alice.waitFor('-> *bob* meet me at noon');
    alice.send('/msg dave and you too');
    await dave.waitFor('(private) alice', 'and you too');
    dave.send('/msg alice ok');
    await alice.waitFor('*dave* ok');
    await dave.waitFor('(private) -> alice', 'ok');

    alice.send('/msg nobody hello?');
    await alice.waitFor('!!! Nobody is called "nobody". (NO_SUCH_NICK)');
    carol.send('/who');
    await carol.waitFor(/^\*\*\* #lobby has 4 members/);
    expect(carol.sawLine(/meet me|and you too/)).toBe(false);
  });

  it('switches rooms, labels other rooms, and keeps a user in several at once', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');

    alice.send('/join #dev');
    await alice.waitFor('*** You joined #dev');
    await alice.waitFor('*** Now talking in #dev');
    alice.send('/ids on');
    await alice.waitFor('*** Message ids are on.');
    alice.send('in dev now');
    await alice.waitFor('*** Sent @1 to #dev');
    alice.send('/ids off');
    bob.send('/join #Dev');
    // Room names compare case-insensitively: #Dev is the room alice made.
    await bob.waitFor('*** #dev has 2 members: ~@alice bob');
    await alice.waitFor('*** bob joined #dev');
    // What was said before bob came is history, marked as such, not live chat.
    await bob.waitFor(/^\[#dev @1 \d{4}-\d\d-\d\d \d\d:\d\d\] <alice> in dev now$/);
    expect(bob.sawLine('<alice> in dev now')).toBe(false);

    bob.send('/join #lobby');
    await bob.waitFor('*** Now talking in #lobby');
    bob.send('back in the lobby');
    // alice is still in #lobby too, but it is not her current room, so the line says where.
    await alice.waitFor('[#lobby] <bob> back in the lobby');
    alice.send('/msg #lobby hi lobby');
    await bob.waitFor('<alice> hi lobby');

    alice.send('/rooms');
    await alice.waitFor('*** 2 rooms:');
    await alice.waitFor('***   #dev (2 members, created by alice)');
    await alice.waitFor('***   #lobby (2 members, created by alice)');

    alice.send('/part');
    await alice.waitFor('*** You left #dev');
    await bob.waitFor('*** alice left #dev');
    await alice.waitFor('*** Now talking in #lobby');
    alice.send('/part #lobby bye all');
    await bob.waitFor('*** alice left #lobby (bye all)');
    await alice.waitFor('*** You are not in any room now: /join #room to talk');
    alice.send('anyone?');
    await alice.waitFor(/\(NO_CURRENT_ROOM\)$/);
  });

  it('names the first 50 members on joining a big room, and all of them on /who', async () => {
    const server = await startTestServer();
    const crowd = [];
    for (let i = 0; i < 51; i++) crowd.push(await LineClient.join(server.port('line'), `m${i}`));
    const late = await LineClient.join(server.port('line'), 'late');
    const names = Array.from({ length: 50 }, (_, i) => `m${i}`).join(' ');
    expect(
      late.sawLine(`*** #lobby has 52 members: ${names} and 2 more (/who #lobby lists them all)`),
    ).toBe(true);
    late.send('/who');
    await late.waitFor(`*** #lobby has 52 members: ${names} m50 late`);
  });

  it('sets and shows topics and announces them', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.send('/topic');
    await alice.waitFor('*** #lobby has no topic');
    alice.send('/topic Friday is demo day');
    await bob.waitFor('*** alice set the topic of #lobby to: Friday is demo day');
    await alice.waitFor('*** You set the topic of #lobby to: Friday is demo day');
    bob.send('/topic');
    await bob.waitFor('*** Topic of #lobby: Friday is demo day (set by alice)');
    const carol = await LineClient.connect(server.port('line'));
    carol.send('carol');
    await carol.waitFor('*** Topic of #lobby: Friday is demo day (set by alice)');
  });

  it('changes nicknames and tells the rooms', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.send('/nick Alicia');
    await alice.waitFor('*** You are now known as Alicia');
    await bob.waitFor('*** alice is now known as Alicia');
    bob.send('/nick ALICIA');
    await bob.waitFor('!!! The nickname "ALICIA" is already taken. (NICK_TAKEN)');
    // The old nickname is free again.
    const other = await LineClient.join(server.port('line'), 'alice');
    other.send('/msg alicia hi');
    await alice.waitFor('*alice* hi');
    alice.send('/nick 9lives');
    await alice.waitFor(/NICK_INVALID/);
  });

  it('lists the commands, and rejects unknown ones without relaying them', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.send('/help');
    for (const command of [
      '/nick',
      '/join',
      '/part',
      '/rooms',
      '/who',
      '/msg',
      '/me',
      '/topic',
      '/quit',
    ]) {
      await alice.waitFor((line) => line.startsWith(`***   ${command}`));
    }
    alice.send('/frobnicate now');
    await alice.waitFor(
      '!!! Unknown command /frobnicate. Type /help for the list. (UNKNOWN_COMMAND)',
    );
    alice.send('//frobnicate is a slash word');
    await bob.waitFor('<alice> /frobnicate is a slash word');
    expect(bob.sawLine(/frobnicate now/)).toBe(false);
  });
});
