import { describe, expect, it } from 'vitest';
import { IrcClient } from './helpers.js';
import { from, joinWebRoom, startModerationServer, webUsers } from './moderation-helpers.js';

const ROOM_MODES = {
  moderated: false,
  noOutside: true,
  topicLock: true,
  inviteOnly: false,
  secret: false,
};

/** The moderation requests of the WebSocket API, their events and errors (docs/websocket.md). */
describe('WebSocket moderation', () => {
  it('members carry roles; mode without changes answers modes-are, with changes tells the room', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await webUsers(server.port('http'), ['alice', 'bob']);
    const before = Date.now();
    expect(await alice!.ask({ type: 'join', room: '#dev' })).toEqual([
      { type: 'join', room: '#dev', nick: 'alice' },
      {
        type: 'members',
        room: '#dev',
        nicks: ['alice'],
        total: 1,
        roles: { alice: ['owner', 'op'] },
      },
      { type: 'current-room', room: '#dev' },
    ]);
    await joinWebRoom('#dev', [bob!]);
    await alice!.ask();
    const [modes] = await alice!.ask({ type: 'mode', room: '#dev' });
    expect(modes).toEqual({
      type: 'modes-are',
      room: '#dev',
      modes: ROOM_MODES,
      createdAt: expect.any(Number),
    });
    expect(modes!.createdAt).toBeGreaterThanOrEqual(before);
    const changes = [
      { mode: 'moderated', on: true },
      { mode: 'voice', on: true, nick: 'bob' },
      { mode: 'key', on: true, key: 'sesame' },
      { mode: 'limit', on: true, limit: 10 },
    ];
    const event = { type: 'mode', room: '#dev', nick: 'alice', changes };
    expect(await alice!.ask({ type: 'mode', room: '#dev', changes: changes as never })).toEqual([
      event,
    ]);
    expect(await bob!.ask({ type: 'members', room: '#dev' })).toEqual([
      event,
      {
        type: 'members',
        room: '#dev',
        nicks: ['alice', 'bob'],
        total: 2,
        roles: { alice: ['owner', 'op'], bob: ['voice'] },
      },
    ]);
    expect(await bob!.ask({ type: 'mode', room: '#dev' })).toEqual([
      {
        type: 'modes-are',
        room: '#dev',
        modes: { ...ROOM_MODES, moderated: true, key: 'sesame', limit: 10 },
        createdAt: modes!.createdAt,
      },
    ]);
    // Those outside see that there is a key, not the key.
    const [carol] = await webUsers(server.port('http'), ['carol']);
    expect(await carol!.ask({ type: 'mode', room: '#dev' })).toEqual([
      {
        type: 'modes-are',
        room: '#dev',
        modes: { ...ROOM_MODES, moderated: true, key: '*', limit: 10 },
        createdAt: modes!.createdAt,
      },
    ]);
  });

  it('answers refusals with their codes, the first one refused of a request after the others are made', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await webUsers(server.port('http'), ['alice', 'bob', 'carol']);
    await joinWebRoom('#dev', [alice!, bob!]);
    const error = (ref: string, code: string, message: string) => ({
      type: 'error',
      code,
      message,
      ref,
    });
    const mode = (ref: string, ...changes: object[]) =>
      ({ type: 'mode', room: '#dev', changes, ref }) as never;
    expect(
      await bob!.ask(
        mode('m1', { mode: 'moderated', on: true }),
        { type: 'kick', room: '#dev', nick: 'alice', ref: 'k1' },
        { type: 'ban', room: '#dev', target: 'alice', ref: 'b1' },
        { type: 'modlog', room: '#dev', ref: 'l1' },
      ),
    ).toEqual([
      error('m1', 'NOT_ROOM_OPERATOR', 'You are not an operator of #dev.'),
      error('k1', 'NOT_ROOM_OPERATOR', 'You are not an operator of #dev.'),
      error('b1', 'NOT_ROOM_OPERATOR', 'You are not an operator of #dev.'),
      error('l1', 'NOT_ROOM_OPERATOR', 'You are not an operator of #dev.'),
    ]);
    // What the request cannot even be read as is answered as it arrives.
    expect(
      await alice!.ask(
        mode('a', { mode: 'bogus', on: true }),
        mode('b', { mode: 'limit', on: true }),
        { type: 'sanctions', room: '#dev', kind: 'x' as never, ref: 'c' },
      ),
    ).toEqual([
      error('a', 'UNKNOWN_MODE', 'There is no mode "bogus".'),
      error('b', 'BAD_ARGUMENTS', '"limit" is required.'),
      error('c', 'BAD_ARGUMENTS', '"kind" must be "ban" or "mute".'),
    ]);
    expect(
      await alice!.ask(
        mode('a', { mode: 'limit', on: true, limit: 0 }),
        mode('b', { mode: 'key', on: true, key: 'a b' }),
        mode('c', { mode: 'key', on: true, key: 'one' }, { mode: 'key', on: true, key: 'two' }),
        mode('d', { mode: 'op', on: true, nick: 'zed' }),
        mode('e', { mode: 'op', on: true, nick: 'carol' }),
        { type: 'mode', room: '#nope', ref: 'f' },
        { type: 'kick', room: '#dev', nick: 'carol', ref: 'g' },
        { type: 'invite', room: '#dev', nick: 'bob', ref: 'h' },
        { type: 'mute', room: '#dev', target: 'bob', duration: '400d', ref: 'i' },
        { type: 'ban', room: '#dev', target: 'bob', duration: 'soon', ref: 'j' },
      ),
    ).toEqual([
      error('a', 'BAD_MODE_PARAM', 'A member limit is a whole number from 1 to 1000000.'),
      error('b', 'BAD_MODE_PARAM', 'A key is 1 to 32 characters without spaces, commas or colons.'),
      // The first key is set, the second refused.
      {
        type: 'mode',
        room: '#dev',
        nick: 'alice',
        changes: [{ mode: 'key', on: true, key: 'one' }],
      },
      error('c', 'KEY_SET', '#dev already has a key; remove it first.'),
      error('d', 'NO_SUCH_NICK', 'Nobody is called "zed".'),
      error('e', 'USER_NOT_IN_ROOM', 'carol is not in #dev.'),
      error('f', 'NO_SUCH_ROOM', 'There is no room called #nope.'),
      error('g', 'USER_NOT_IN_ROOM', 'carol is not in #dev.'),
      error('h', 'ALREADY_IN_ROOM', 'bob is already in #dev.'),
      error('i', 'BAD_ARGUMENTS', 'A duration is between 1s and 366d.'),
      error('j', 'BAD_ARGUMENTS', '"soon" is not a duration like 10m, 2h or 7d.'),
    ]);
    expect(await carol!.ask({ type: 'invite', room: '#dev', nick: 'bob', ref: 'n' })).toEqual([
      error('n', 'NOT_IN_ROOM', 'You are not in #dev.'),
    ]);
  });

  it('kick and invite: events to the room, the kicked and the invited; keys, invite only and limits on join', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await webUsers(server.port('http'), ['alice', 'bob', 'carol']);
    await joinWebRoom('#dev', [alice!, bob!]);
    const irc = await IrcClient.register(server.port('irc'), 'ircer');
    await irc.join('#dev');
    await alice!.ask();
    await bob!.ask();
    const kick = { type: 'kick', room: '#dev', nick: 'alice', target: 'bob', reason: 'off topic' };
    expect(
      await alice!.ask({ type: 'kick', room: '#dev', nick: 'bob', reason: 'off topic' }),
    ).toEqual([kick]);
    expect(await bob!.ask()).toEqual([kick, { type: 'current-room', room: '#lobby' }]);
    expect(await irc.ask()).toEqual([`${from('alice', '~ws')} KICK #dev bob :off topic`]);
    // Invite only, a key and a limit: each refused in turn, then an invitation past all three.
    await alice!.ask({
      type: 'mode',
      room: '#dev',
      changes: [
        { mode: 'inviteOnly', on: true },
        { mode: 'key', on: true, key: 'sesame' },
      ],
    });
    expect(await bob!.ask({ type: 'join', room: '#dev', key: 'sesame', ref: 'j1' })).toEqual([
      { type: 'error', code: 'INVITE_ONLY', message: '#dev is invite only.', ref: 'j1' },
    ]);
    await alice!.ask({ type: 'mode', room: '#dev', changes: [{ mode: 'inviteOnly', on: false }] });
    expect(
      await bob!.ask(
        { type: 'join', room: '#dev', ref: 'j2' },
        { type: 'join', room: '#dev', key: 'wrong', ref: 'j3' },
      ),
    ).toEqual([
      { type: 'error', code: 'BAD_ROOM_KEY', message: '#dev needs the right key.', ref: 'j2' },
      { type: 'error', code: 'BAD_ROOM_KEY', message: '#dev needs the right key.', ref: 'j3' },
    ]);
    await alice!.ask({
      type: 'mode',
      room: '#dev',
      changes: [
        { mode: 'key', on: false, key: '*' },
        { mode: 'limit', on: true, limit: 2 },
      ],
    });
    expect(await bob!.ask({ type: 'join', room: '#dev', ref: 'j4' })).toEqual([
      { type: 'error', code: 'ROOM_FULL', message: '#dev is full (2 members).', ref: 'j4' },
    ]);
    const invite = { type: 'invite', room: '#dev', nick: 'alice', target: 'bob' };
    expect(await alice!.ask({ type: 'invite', room: '#dev', nick: 'bob', ref: 'i1' })).toEqual([
      invite,
    ]);
    expect(await bob!.ask({ type: 'join', room: '#dev', ref: 'j5' })).toEqual([
      invite,
      { type: 'join', room: '#dev', nick: 'bob' },
      {
        type: 'members',
        room: '#dev',
        nicks: ['alice', 'ircer', 'bob'],
        total: 3,
        roles: { alice: ['owner', 'op'] },
      },
      { type: 'current-room', room: '#dev' },
    ]);
    // The right key lets in whoever has it once the limit is gone.
    await alice!.ask({
      type: 'mode',
      room: '#dev',
      changes: [
        { mode: 'limit', on: false },
        { mode: 'key', on: true, key: 'sesame' },
      ],
    });
    expect(await carol!.ask({ type: 'join', room: '#dev', key: 'sesame' })).toEqual([
      { type: 'join', room: '#dev', nick: 'carol' },
      {
        type: 'members',
        room: '#dev',
        nicks: ['alice', 'ircer', 'bob', 'carol'],
        total: 4,
        roles: { alice: ['owner', 'op'] },
      },
      { type: 'current-room', room: '#dev' },
    ]);
  });
});
