import { describe, expect, it } from 'vitest';
import type { RoleName, RoomModes } from '../../src/protocols/ws/protocol.js';
import { parseInput } from './commands.js';
import { JoinRequests } from './joins.js';
import {
  actionLabel,
  badgeOf,
  mayModerate,
  memberActions,
  rankOf,
  roleChange,
  sortMembers,
} from './permissions.js';
import { changesFrom, describeModes, durationProblem, formOf, refusalText } from './room-modes.js';
import { ChatState } from './state.js';

const OWNER: RoleName[] = ['owner', 'op'];
const OP: RoleName[] = ['op'];
const VOICE: RoleName[] = ['voice'];
const NONE: RoleName[] = [];

describe('permissions', () => {
  it('ranks by the highest role held, and badges it', () => {
    const held: (readonly RoleName[] | undefined)[] = [
      OWNER,
      ['owner'],
      OP,
      ['op', 'voice'],
      VOICE,
      NONE,
      undefined,
    ];
    expect(held.map((roles) => rankOf(roles))).toEqual([3, 3, 2, 2, 1, 0, 0]);
    expect(badgeOf(OWNER)).toEqual({ text: '~', title: 'owner' });
    expect(badgeOf(['voice', 'op'])).toEqual({ text: '@', title: 'operator' });
    expect(badgeOf(VOICE)).toEqual({ text: '+', title: 'voiced' });
    expect(badgeOf(NONE)).toBeUndefined();
    expect([OWNER, OP, VOICE, NONE].map(mayModerate)).toEqual([true, true, false, false]);
  });

  it('sorts members by rank, then by name without regard to case', () => {
    const roles: Record<string, RoleName[]> = { zed: OP, Amy: VOICE, bob: OWNER, carl: VOICE };
    expect(
      sortMembers(['dave', 'carl', 'Amy', 'zed', 'bob', 'alice'], (nick) => roles[nick]),
    ).toEqual(['bob', 'zed', 'Amy', 'carl', 'alice', 'dave']);
  });

  it.each([
    ['a member', NONE, NONE, []],
    ['a voiced member', VOICE, NONE, []],
    ['an operator on a member', OP, NONE, ['voice', 'op', 'kick', 'mute', 'ban']],
    ['an operator on a voiced member', OP, VOICE, ['devoice', 'op', 'kick', 'mute', 'ban']],
    ['an operator on an operator', OP, OP, ['voice', 'deop', 'kick', 'ban']],
    ['an operator on an owner', OP, OWNER, []],
    ['an owner on a member', OWNER, NONE, ['voice', 'op', 'owner', 'kick', 'mute', 'ban']],
    ['an owner on an owner', OWNER, ['owner'], ['voice', 'op', 'deowner', 'kick', 'ban']],
  ] as const)('lets %s do only what the server allows', (_, actor, target, actions) => {
    expect(memberActions(actor, target, false)).toEqual(actions);
  });

  it('lets everyone drop their own roles, and do nothing else to themselves', () => {
    expect(memberActions(OWNER, OWNER, true)).toEqual(['deop', 'deowner']);
    expect(memberActions(VOICE, VOICE, true)).toEqual(['devoice']);
    expect(memberActions(NONE, NONE, true)).toEqual([]);
    expect(actionLabel('deop', true)).toBe('Stop being an operator');
    expect(actionLabel('deop', false)).toBe('Take operator (−o)');
  });

  it('turns role actions into mode changes, and leaves the rest to their requests', () => {
    expect(roleChange('voice', 'bob')).toEqual({ mode: 'voice', on: true, nick: 'bob' });
    expect(roleChange('deop', 'bob')).toEqual({ mode: 'op', on: false, nick: 'bob' });
    expect(roleChange('deowner', 'bob')).toEqual({ mode: 'owner', on: false, nick: 'bob' });
    expect(roleChange('ban', 'bob')).toBeUndefined();
  });
});

describe('room settings', () => {
  const modes: RoomModes = {
    moderated: false,
    noOutside: true,
    topicLock: true,
    inviteOnly: false,
    secret: false,
  };

  it('asks for nothing when nothing changed', () => {
    expect(changesFrom(modes, formOf(modes))).toEqual({ changes: [] });
    expect(describeModes(modes)).toBe('+nt');
  });

  it('asks for what changed: flags, a key, a limit', () => {
    const form = {
      ...formOf(modes),
      moderated: true,
      topicLock: false,
      key: ' sesame ',
      limit: '50',
    };
    expect(changesFrom(modes, form)).toEqual({
      changes: [
        { mode: 'moderated', on: true },
        { mode: 'topicLock', on: false },
        { mode: 'key', on: true, key: 'sesame' },
        { mode: 'limit', on: true, limit: 50 },
      ],
    });
  });

  it('replaces a key by removing the old one first, and removes key and limit when emptied', () => {
    const keyed = { ...modes, key: 'old', limit: 10 };
    expect(formOf(keyed)).toMatchObject({ key: 'old', limit: '10' });
    expect(describeModes(keyed)).toBe('+ntkl old 10');
    expect(changesFrom(keyed, { ...formOf(keyed), key: 'new' })).toEqual({
      changes: [
        { mode: 'key', on: false, key: 'old' },
        { mode: 'key', on: true, key: 'new' },
      ],
    });
    expect(changesFrom(keyed, { ...formOf(keyed), key: '', limit: '' })).toEqual({
      changes: [
        { mode: 'key', on: false, key: 'old' },
        { mode: 'limit', on: false },
      ],
    });
  });

  it.each([
    ['key', 'two words', 'A key is'],
    ['key', 'a,b', 'A key is'],
    ['key', 'x'.repeat(33), 'A key is'],
    ['limit', '0', 'A member limit'],
    ['limit', '2.5', 'A member limit'],
    ['limit', 'ten', 'A member limit'],
    ['limit', '1000001', 'A member limit'],
  ])('refuses a %s of %j in the form', (field, value, error) => {
    const result = changesFrom(modes, { ...formOf(modes), [field]: value });
    expect(result).toEqual({ error: expect.stringContaining(error) });
  });

  it('checks durations as the server reads them', () => {
    expect(durationProblem('')).toBeUndefined();
    expect(durationProblem(' 10m ')).toBeUndefined();
    expect(durationProblem('1h30m')).toBeUndefined();
    expect(durationProblem('7d')).toBeUndefined();
    expect(durationProblem('soon')).toContain('not a duration');
    expect(durationProblem('10 m')).toContain('not a duration');
    expect(durationProblem('400d')).toContain('at most 366 days');
  });

  it('says plainly why a join was refused', () => {
    expect(refusalText('BAD_ROOM_KEY', '#v', 'x', false)).toBe('#v needs a key to join.');
    expect(refusalText('BAD_ROOM_KEY', '#v', 'x', true)).toBe('That key does not open #v.');
    expect(refusalText('INVITE_ONLY', '#v', 'x', false)).toBe(
      'Cannot join #v. It is invite only: ask one of its operators to invite you.',
    );
    expect(refusalText('ROOM_FULL', '#v', '#v is full (5 members).', false)).toBe(
      'Cannot join #v. #v is full (5 members).',
    );
    expect(refusalText('ROOM_INVALID', '#', 'Bad name.', false)).toBe('Bad name. (ROOM_INVALID)');
  });
});

describe('joins', () => {
  it('knows which room and key an error answers, by ref', () => {
    const joins = new JoinRequests();
    const first = joins.request('#vault', { open: true });
    const second = joins.request('#vault', { key: 'k', open: true });
    expect(first).toMatchObject({ type: 'join', room: '#vault' });
    expect(first).not.toHaveProperty('key');
    expect(second).toMatchObject({ type: 'join', room: '#vault', key: 'k' });
    const ref = (message: typeof second) => ('ref' in message ? (message.ref ?? null) : null);
    expect(joins.refused(ref(second))).toEqual({ room: '#vault', key: 'k', open: true });
    expect(joins.refused(ref(second))).toBeUndefined();
    expect(joins.refused(null)).toBeUndefined();
    // Joined: the room's joins are forgotten, and it opens if the user asked for it.
    expect(joins.joined('#VAULT')).toBe(true);
    expect(joins.refused(ref(first))).toBeUndefined();
    joins.request('#dev', { open: false });
    expect(joins.joined('#dev')).toBe(false);
  });

  it('reads a key given with /join, and /invite', () => {
    expect(parseInput('/invite carol', '#club')).toEqual({
      kind: 'request',
      message: { type: 'invite', room: '#club', nick: 'carol' },
    });
    expect(parseInput('/invite carol #x', 'bob')).toEqual({
      kind: 'request',
      message: { type: 'invite', room: '#x', nick: 'carol' },
    });
    expect(parseInput('/invite carol', 'bob')).toEqual({
      kind: 'error',
      text: 'Usage: /invite NICK [#room]',
    });
    expect(parseInput('/join #vault sesame', '#lobby')).toEqual({
      kind: 'request',
      message: { type: 'join', room: '#vault', key: 'sesame' },
    });
    expect(parseInput('/join vault', '#lobby')).toEqual({
      kind: 'request',
      message: { type: 'join', room: '#vault' },
    });
  });
});

describe('ChatState moderation', () => {
  function inDev(): ChatState {
    const state = new ChatState(() => 1000);
    state.apply({ type: 'welcome', nick: 'alice', serverName: 'chatroom' });
    state.apply({ type: 'join', room: '#dev', nick: 'alice' });
    state.apply({
      type: 'members',
      room: '#dev',
      nicks: ['alice', 'Bob'],
      total: 2,
      roles: { alice: ['owner', 'op'], Bob: ['voice'] },
    });
    return state;
  }
  const notices = (state: ChatState) =>
    state.conversations
      .get('#dev')!
      .entries.flatMap((entry) => (entry.kind === 'notice' ? [entry.text] : []));

  it('keeps roles through mode changes and nickname changes', () => {
    const state = inDev();
    const roles = state.moderationOf('#dev').roles;
    state.apply({
      type: 'mode',
      room: '#dev',
      nick: 'alice',
      changes: [
        { mode: 'op', on: true, nick: 'Bob' },
        { mode: 'voice', on: false, nick: 'Bob' },
      ],
    });
    expect(roles.get('bob')).toEqual(['op']);
    state.apply({ type: 'nick', oldNick: 'Bob', newNick: 'robert' });
    expect(roles.has('bob')).toBe(false);
    expect(roles.get('robert')).toEqual(['op']);
  });

  it('answers asked for by the settings fill them without lines; asked otherwise, they are told', () => {
    const state = inDev();
    const moderation = state.moderationOf('#dev');
    const modes = {
      moderated: true,
      noOutside: true,
      topicLock: true,
      inviteOnly: false,
      secret: false,
    };
    moderation.quiet.modes++;
    state.apply({ type: 'modes-are', room: '#dev', modes, createdAt: 1 });
    expect(moderation.modes).toEqual(modes);
    expect(notices(state)).not.toContain('Modes of #dev: +mnt');
    state.apply({ type: 'modes-are', room: '#dev', modes, createdAt: 1 });
    expect(notices(state)).toContain('Modes of #dev: +mnt');
  });

  it('keeps the bans and mutes it was told of current as they are set and lifted', () => {
    const state = inDev();
    const moderation = state.moderationOf('#dev');
    moderation.quiet.ban++;
    state.apply({ type: 'sanctions', room: '#dev', kind: 'ban', entries: [] });
    expect(moderation.sanctions.ban).toEqual([]);
    const ban = {
      mode: 'ban',
      mask: '*!*@host',
      nick: 'Bob',
      expiresAt: 5000,
      reason: 'spam',
    } as const;
    state.apply({
      type: 'mode',
      room: '#dev',
      nick: 'alice',
      changes: [{ ...ban, on: true }],
      time: 900,
    });
    expect(moderation.sanctions.ban).toEqual([
      {
        room: '#dev',
        kind: 'ban',
        mask: '*!*@host',
        setBy: 'alice',
        setAt: 900,
        expiresAt: 5000,
        reason: 'spam',
      },
    ]);
    // Mutes were never asked for: nothing is made up about them.
    state.apply({
      type: 'mode',
      room: '#dev',
      nick: 'alice',
      changes: [{ ...ban, mode: 'mute', on: true }],
    });
    expect(moderation.sanctions.mute).toBeUndefined();
    state.apply({
      type: 'mode',
      room: '#dev',
      nick: 'alice',
      changes: [{ mode: 'ban', on: false, mask: '*!*@HOST' }],
    });
    expect(moderation.sanctions.ban).toEqual([]);
  });
});
