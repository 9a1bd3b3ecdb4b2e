import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../store/memory.js';
import { ChatError, type ErrorCode } from '../errors.js';
import { chatWith } from '../testing/fake-peer.js';
import { ROLE_OP, ROLE_OWNER, ROLE_VOICE } from './types.js';

/** The error code a promise (or call) fails with. */
async function codeOf(action: () => unknown): Promise<ErrorCode | 'none'> {
  try {
    await action();
    return 'none';
  } catch (error) {
    if (error instanceof ChatError) return error.code;
    throw error;
  }
}

/** A room #dev made by alice (its owner), with bob in it; the clock is the test's. */
async function devRoom(store = new MemoryStore()) {
  let now = 1_000_000;
  const { chat, join } = chatWith(store, { now: () => now, moderation: store.moderation });
  const alice = await join('alice');
  await chat.join(alice.member, '#dev');
  const bob = await join('bob');
  await chat.join(bob.member, '#dev');
  const mod = chat.moderation;
  return {
    chat,
    join,
    mod,
    alice,
    bob,
    store,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('room moderation', () => {
  it('makes the creator of a room its owner and operator; the lobby has no owner', async () => {
    const { chat, alice, bob } = await devRoom();
    const dev = chat.findRoom('#dev')!;
    expect(dev.mod.rolesOf('alice')).toBe(ROLE_OWNER | ROLE_OP);
    expect(chat.findRoom('#lobby')!.mod.roles.size).toBe(0);
    // bob sees who holds what in the member list he got on joining.
    expect(bob.peer.of('members').find((event) => event.room === '#dev')).toMatchObject({
      nicks: ['alice', 'bob'],
      roles: { alice: ROLE_OWNER | ROLE_OP },
    });
    expect(dev.mod.modes).toMatchObject({ topicLock: true, noOutside: true, moderated: false });
    expect(
      alice.peer.of('members').find((event) => event.room === '#lobby')?.roles,
    ).toBeUndefined();
  });

  it('lets operators give and take roles, within their rank', async () => {
    const { mod, alice, bob, join, chat } = await devRoom();
    expect(
      await codeOf(() =>
        mod.changeModesOrFail(bob.member, '#dev', [{ mode: 'voice', on: true, nick: 'bob' }]),
      ),
    ).toBe('NOT_ROOM_OPERATOR');
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'op', on: true, nick: 'BOB' }]);
    expect(bob.peer.of('mode').at(-1)).toEqual({
      type: 'mode',
      room: '#dev',
      nick: 'alice',
      changes: [{ mode: 'op', on: true, nick: 'bob' }],
    });
    // An operator cannot take the owner's role, nor name owners.
    expect(
      await codeOf(() =>
        mod.changeModesOrFail(bob.member, '#dev', [{ mode: 'op', on: false, nick: 'alice' }]),
      ),
    ).toBe('NOT_ROOM_OPERATOR');
    expect(
      await codeOf(() =>
        mod.changeModesOrFail(bob.member, '#dev', [{ mode: 'owner', on: true, nick: 'bob' }]),
      ),
    ).toBe('NOT_ROOM_OPERATOR');
    const carol = await join('carol');
    expect(
      await codeOf(() =>
        mod.changeModesOrFail(bob.member, '#dev', [{ mode: 'voice', on: true, nick: 'carol' }]),
      ),
    ).toBe('USER_NOT_IN_ROOM');
    expect(
      await codeOf(() =>
        mod.changeModesOrFail(bob.member, '#dev', [{ mode: 'voice', on: true, nick: 'nobody' }]),
      ),
    ).toBe('NO_SUCH_NICK');
    await chat.join(carol.member, '#dev');
    // A request of several changes makes those it may and refuses the rest, each with its reason.
    const outcome = await mod.changeModes(bob.member, '#dev', [
      { mode: 'voice', on: true, nick: 'carol' },
      { mode: 'op', on: false, nick: 'alice' },
      { mode: 'voice', on: true, nick: 'carol' },
    ]);
    expect(outcome.applied).toEqual([{ mode: 'voice', on: true, nick: 'carol' }]);
    expect(outcome.refused.map((error) => error.code)).toEqual(['NOT_ROOM_OPERATOR']);
    expect(chat.findRoom('#dev')!.mod.rolesOf('carol')).toBe(ROLE_VOICE);
  });

  it('moderated rooms (+m) hear only the voiced and operators; mutes silence one member', async () => {
    const { chat, mod, alice, bob, advance } = await devRoom();
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'moderated', on: true }]);
    expect(await codeOf(() => chat.say(bob.member, 'hello?', { room: '#dev' }))).toBe(
      'CANNOT_SEND',
    );
    await chat.say(alice.member, 'ops may speak', { room: '#dev' });
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'voice', on: true, nick: 'bob' }]);
    await chat.say(bob.member, 'now I may', { room: '#dev' });
    expect(alice.peer.of('message').map((event) => event.text)).toEqual(['now I may']);

    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'moderated', on: false }]);
    await mod.sanction(alice.member, '#dev', 'mute', 'bob', {
      durationMs: 10 * 60_000,
      reason: 'calm down',
    });
    const refused = await chat.say(bob.member, 'muted?', { room: '#dev' }).catch((error) => error);
    expect(refused).toBeInstanceOf(ChatError);
    expect(refused.code).toBe('CANNOT_SEND');
    expect(refused.message).toBe('You are muted in #dev for 10m.');
    // Only in that room.
    await chat.say(bob.member, 'lobby is fine', { room: '#lobby' });
    advance(10 * 60_000);
    await chat.say(bob.member, 'and back', { room: '#dev' });
    expect(alice.peer.of('message').map((event) => event.text)).toEqual([
      'now I may',
      'lobby is fine',
      'and back',
    ]);
  });

  it('a ban on someone still inside (IRC +b, no kick) silences them until their mask changes', async () => {
    const { chat, mod, alice, bob } = await devRoom();
    await chat.say(bob.member, 'before', { room: '#dev' });
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'ban', on: true, mask: 'bob' }]);
    expect(chat.isIn(bob.member, '#dev')).toBe(true);
    expect(await codeOf(() => chat.say(bob.member, 'after', { room: '#dev' }))).toBe('CANNOT_SEND');
    await chat.changeNick(bob.member, 'robert');
    await chat.say(bob.member, 'as robert', { room: '#dev' });
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'ban', on: true, mask: 'rob*' }]);
    expect(await codeOf(() => chat.say(bob.member, 'again', { room: '#dev' }))).toBe('CANNOT_SEND');
    expect(alice.peer.of('message').map((event) => event.text)).toEqual(['before', 'as robert']);
  });

  it('topic lock (+t, the default) leaves the topic to operators', async () => {
    const { chat, mod, alice, bob } = await devRoom();
    expect(await codeOf(() => chat.setTopic(bob.member, '#dev', 'mine'))).toBe('NOT_ROOM_OPERATOR');
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'topicLock', on: false }]);
    await chat.setTopic(bob.member, '#dev', 'mine');
    expect(chat.findRoom('#dev')!.topic).toBe('mine');
  });

  it('invite only (+i), key (+k) and limit (+l) keep joiners out; an invitation lets one in once', async () => {
    const { chat, mod, alice, bob, join } = await devRoom();
    const carol = await join('carol');
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'inviteOnly', on: true }]);
    expect(await codeOf(() => chat.join(carol.member, '#dev'))).toBe('INVITE_ONLY');
    // Members may invite only in rooms that are not invite only; operators always.
    expect(await codeOf(() => mod.invite(bob.member, '#dev', 'carol'))).toBe('NOT_ROOM_OPERATOR');
    mod.invite(alice.member, '#dev', 'carol');
    expect(carol.peer.of('invite')).toEqual([
      { type: 'invite', room: '#dev', nick: 'alice', target: 'carol' },
    ]);
    await chat.join(carol.member, '#dev');
    chat.part(carol.member, '#dev');
    expect(await codeOf(() => chat.join(carol.member, '#dev'))).toBe('INVITE_ONLY');
    expect(await codeOf(() => mod.invite(alice.member, '#dev', 'bob'))).toBe('ALREADY_IN_ROOM');

    await mod.changeModesOrFail(alice.member, '#dev', [
      { mode: 'inviteOnly', on: false },
      { mode: 'key', on: true, key: 'sesame' },
    ]);
    expect(await codeOf(() => chat.join(carol.member, '#dev'))).toBe('BAD_ROOM_KEY');
    expect(await codeOf(() => chat.join(carol.member, '#dev', { key: 'wrong' }))).toBe(
      'BAD_ROOM_KEY',
    );
    expect(
      await codeOf(() =>
        mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'key', on: true, key: 'other' }]),
      ),
    ).toBe('KEY_SET');
    await chat.join(carol.member, '#dev', { key: 'sesame' });
    chat.part(carol.member, '#dev');

    await mod.changeModesOrFail(alice.member, '#dev', [
      { mode: 'key', on: false, key: '*' },
      { mode: 'limit', on: true, limit: 2 },
    ]);
    expect(await codeOf(() => chat.join(carol.member, '#dev'))).toBe('ROOM_FULL');
    expect(
      await codeOf(() =>
        mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'limit', on: true, limit: 0 }]),
      ),
    ).toBe('BAD_MODE_PARAM');
    // Those outside see that the room has a key, not the key.
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'key', on: true, key: 'sesame' }]);
    mod.answers.showModes(carol.member, '#dev');
    expect(carol.peer.of('modes-are').at(-1)?.modes).toMatchObject({ key: '*', limit: 2 });
  });

  it('a ban puts the user out and keeps them out, by mask, until it lifts or is lifted', async () => {
    const { chat, mod, alice, bob, advance } = await devRoom();
    await mod.sanction(alice.member, '#dev', 'ban', 'bob', {
      durationMs: 60 * 60_000,
      reason: 'spam',
    });
    expect(bob.peer.of('kick').at(-1)).toEqual({
      type: 'kick',
      room: '#dev',
      nick: 'alice',
      target: 'bob',
      reason: 'Banned: spam',
    });
    expect(chat.isIn(bob.member, '#dev')).toBe(false);
    const refused = await chat.join(bob.member, '#dev').catch((error) => error);
    expect(refused.code).toBe('BANNED_FROM_ROOM');
    expect(refused.message).toBe('You are banned from #dev for 1h.');
    // A mask with wildcards, matched without regard to case.
    await mod.sanction(alice.member, '#dev', 'ban', 'Eve*!*@*');
    mod.answers.showSanctions(alice.member, '#dev', 'ban');
    expect(
      alice.peer
        .of('sanctions')
        .at(-1)
        ?.entries.map((entry) => entry.mask),
    ).toEqual(['bob!*@*', 'Eve*!*@*']);
    await mod.lift(alice.member, '#dev', 'ban', 'bob');
    await chat.join(bob.member, '#dev');
    chat.part(bob.member, '#dev');
    await mod.sanction(alice.member, '#dev', 'ban', 'bob', { durationMs: 5_000 });
    advance(5_000);
    await chat.join(bob.member, '#dev');
    expect(chat.isIn(bob.member, '#dev')).toBe(true);
  });

  it('operators may kick those below them, not the owner', async () => {
    const { chat, mod, alice, bob, join } = await devRoom();
    const carol = await join('carol');
    await chat.join(carol.member, '#dev');
    expect(await codeOf(() => mod.kick(bob.member, '#dev', 'carol', 'no'))).toBe(
      'NOT_ROOM_OPERATOR',
    );
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'op', on: true, nick: 'bob' }]);
    expect(await codeOf(() => mod.kick(bob.member, '#dev', 'alice', 'coup'))).toBe(
      'NOT_ROOM_OPERATOR',
    );
    await mod.kick(bob.member, '#dev', 'carol', 'off topic');
    expect(carol.peer.of('kick')).toEqual([
      { type: 'kick', room: '#dev', nick: 'bob', target: 'carol', reason: 'off topic' },
    ]);
    expect(carol.member.currentRoom).toBe('#lobby');
    // Kicked, not banned: she may come back.
    await chat.join(carol.member, '#dev');
  });

  it('outsiders may send to a room only without +n', async () => {
    const { chat, mod, alice, join } = await devRoom();
    const carol = await join('carol');
    expect(await codeOf(() => chat.say(carol.member, 'hi from outside', { room: '#dev' }))).toBe(
      'NOT_IN_ROOM',
    );
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'noOutside', on: false }]);
    await chat.say(carol.member, 'hi from outside', { room: '#dev' });
    expect(alice.peer.of('message').at(-1)).toMatchObject({
      room: '#dev',
      from: 'carol',
      text: 'hi from outside',
    });
  });

  it('secret rooms (+s) are listed only to their members', async () => {
    const { chat, mod, alice, join } = await devRoom();
    const carol = await join('carol');
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'secret', on: true }]);
    expect(chat.roomPage(0, 100, carol.member).rooms.map((room) => room.name)).toEqual(['#lobby']);
    expect(chat.roomPage(0, 100, alice.member).rooms.map((room) => room.name)).toEqual([
      '#dev',
      '#lobby',
    ]);
    expect(chat.roomsOf('alice', carol.member)).toEqual(['#lobby']);
  });

  it('keeps an audit log of every action, for the room operators', async () => {
    const { mod, alice, bob } = await devRoom();
    await mod.changeModesOrFail(alice.member, '#dev', [{ mode: 'moderated', on: true }]);
    await mod.sanction(alice.member, '#dev', 'mute', 'bob', {
      durationMs: 60_000,
      reason: 'flood',
    });
    await mod.kick(alice.member, '#dev', 'bob', 'bye');
    expect(await codeOf(() => mod.answers.modlog(bob.member, '#dev', 10))).toBe(
      'NOT_ROOM_OPERATOR',
    );
    expect(await codeOf(() => mod.answers.modlog(alice.member, undefined, 10))).toBe(
      'NOT_ROOM_OPERATOR',
    );
    const entries = await mod.answers.modlog(alice.member, '#dev', 10);
    expect(
      entries.map(({ actor, action, target, reason }) => [actor, action, target, reason]),
    ).toEqual([
      ['alice', 'kick', 'bob', 'bye'],
      ['alice', 'mute', 'bob (bob!*@*)', 'flood'],
      ['alice', 'mode', '+moderated', ''],
      ['alice', 'create', '#dev', ''],
    ]);
    expect(entries[1]!.expiresAt).toBe(entries[1]!.time + 60_000);
    // Server operators read every room's.
    alice.member.operator = 'admin';
    expect(
      (await mod.answers.modlog(alice.member, undefined, 2)).map((entry) => entry.action),
    ).toEqual(['kick', 'mute']);
  });

  it('roles, modes and sanctions survive a restart; roles follow a new nickname', async () => {
    const store = new MemoryStore();
    const first = await devRoom(store);
    await first.mod.changeModesOrFail(first.alice.member, '#dev', [
      { mode: 'voice', on: true, nick: 'bob' },
      { mode: 'moderated', on: true },
      { mode: 'key', on: true, key: 'k1' },
    ]);
    await first.mod.sanction(first.alice.member, '#dev', 'ban', 'eve!*@*', { reason: 'troll' });
    await first.chat.changeNick(first.alice.member, 'alicia');
    await first.chat.flush();

    const { chat, join } = chatWith(store, { moderation: store.moderation });
    await chat.restore();
    const dev = chat.findRoom('#dev')!;
    expect(dev.mod.rolesOf('alicia')).toBe(ROLE_OWNER | ROLE_OP);
    expect(dev.mod.rolesOf('alice')).toBe(0);
    expect(dev.mod.rolesOf('bob')).toBe(ROLE_VOICE);
    expect(dev.mod.modes).toMatchObject({ moderated: true, key: 'k1' });
    const eve = await join('eve');
    expect(await codeOf(() => chat.join(eve.member, '#dev', { key: 'k1' }))).toBe(
      'BANNED_FROM_ROOM',
    );
    // Coming back under the nickname that holds roles, the room hears it from the server.
    const bob = await join('bob');
    const alicia = await join('alicia');
    await chat.join(alicia.member, '#dev');
    await chat.join(bob.member, '#dev', { key: 'k1' });
    expect(alicia.peer.of('mode').at(-1)).toEqual({
      type: 'mode',
      room: '#dev',
      nick: 'chatroom',
      changes: [{ mode: 'voice', on: true, nick: 'bob' }],
      byServer: true,
    });
  });
});
