import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../core/events.js';
import { renderEvent, type TextEntry, type Viewpoint } from './render.js';

const OTHER: Viewpoint = { inCurrentRoom: true, isActor: false, showIds: false };
const ACTOR: Viewpoint = { ...OTHER, isActor: true };
const ELSEWHERE: Viewpoint = { ...OTHER, inCurrentRoom: false };
const IDS: Viewpoint = { ...OTHER, showIds: true };
const notice = (text: string): TextEntry => ({ kind: 'notice', text });

const message = (room = '#lobby'): ChatEvent => ({
  type: 'message',
  id: 42,
  room,
  from: 'bob',
  text: 'hi',
  action: false,
  time: 0,
});

/** What the line and framed doors show for each event, from each viewpoint. */
describe('renderEvent', () => {
  it.each<[string, ChatEvent, Viewpoint, TextEntry[]]>([
    [
      'a message here',
      message(),
      OTHER,
      [{ kind: 'chat', from: 'bob', text: 'hi', label: undefined }],
    ],
    [
      'a message elsewhere',
      message('#dev'),
      ELSEWHERE,
      [{ kind: 'chat', from: 'bob', text: 'hi', label: '#dev' }],
    ],
    [
      'a message with ids on',
      message(),
      IDS,
      [{ kind: 'chat', from: 'bob', text: 'hi', label: '@42' }],
    ],
    [
      'an action',
      { type: 'message', id: 1, room: '#lobby', from: 'bob', text: 'waves', action: true, time: 0 },
      OTHER,
      [{ kind: 'action', from: 'bob', text: 'waves', label: undefined }],
    ],
    [
      'a message with an escape sequence',
      {
        type: 'message',
        id: 1,
        room: '#lobby',
        from: 'bob',
        text: 'a\u001b[31mred',
        action: false,
        time: 0,
      },
      OTHER,
      [{ kind: 'chat', from: 'bob', text: 'a^[[31mred', label: undefined }],
    ],
    ['a join', { type: 'join', room: '#lobby', nick: 'bob' }, OTHER, [notice('bob joined #lobby')]],
    [
      'your join',
      { type: 'join', room: '#lobby', nick: 'bob' },
      ACTOR,
      [notice('You joined #lobby')],
    ],
    [
      'the server saying roles are held and a ban ran out',
      {
        type: 'mode',
        room: '#dev',
        nick: 'chatroom',
        byServer: true,
        changes: [
          { mode: 'op', on: true, nick: 'alice' },
          { mode: 'ban', on: false, mask: '*!*@x' },
          { mode: 'mute', on: false, mask: 'bob!*@*' },
        ],
      },
      OTHER,
      [
        notice('alice is an operator of #dev'),
        notice('The ban on *!*@x in #dev has run out'),
        notice('The mute on bob!*@* in #dev has run out'),
      ],
    ],
    ['a join in a big room', { type: 'join', room: '#lobby', nick: 'bob', crowd: true }, OTHER, []],
    [
      'your join in a big room',
      { type: 'join', room: '#lobby', nick: 'bob', crowd: true },
      ACTOR,
      [notice('You joined #lobby')],
    ],
    [
      'a part with a reason',
      { type: 'part', room: '#dev', nick: 'bob', reason: 'lunch' },
      OTHER,
      [notice('bob left #dev (lunch)')],
    ],
    [
      'a quit',
      { type: 'quit', nick: 'bob', reason: 'bye' },
      OTHER,
      [notice('bob left the chat (bye)')],
    ],
    [
      'a quit told in a summary',
      { type: 'quit', nick: 'bob', reason: 'bye', crowd: true },
      OTHER,
      [],
    ],
    [
      'a summary',
      { type: 'crowd', room: '#big', joined: ['a', 'b'], joinedCount: 3, left: [], leftCount: 0 },
      OTHER,
      [notice('3 joined #big (a, b and 1 other)')],
    ],
    [
      'a nick change',
      { type: 'nick', oldNick: 'bob', newNick: 'rob' },
      OTHER,
      [notice('bob is now known as rob')],
    ],
    [
      'your nick change',
      { type: 'nick', oldNick: 'bob', newNick: 'rob' },
      ACTOR,
      [notice('You are now known as rob')],
    ],
    [
      'a cleared topic',
      { type: 'topic', room: '#dev', nick: 'bob', topic: '' },
      OTHER,
      [notice('bob cleared the topic of #dev')],
    ],
    ['away', { type: 'away', nick: 'bob', message: 'lunch' }, OTHER, []],
    [
      'no current room',
      { type: 'current-room', room: undefined },
      OTHER,
      [notice('You are not in any room now: /join #room to talk')],
    ],
    [
      'members of a big room',
      { type: 'members', room: '#big', nicks: ['a', 'b'], total: 60 },
      OTHER,
      [notice('#big has 60 members: a b and 58 more (/who #big lists them all)')],
    ],
    [
      'a send, ids off',
      { type: 'sent', target: '#lobby', id: 7, from: 'me', text: 'x', action: false, time: 0 },
      ACTOR,
      [],
    ],
    [
      'a send, ids on',
      { type: 'sent', target: '#lobby', id: 7, from: 'me', text: 'x', action: false, time: 0 },
      { ...ACTOR, showIds: true },
      [notice('Sent @7 to #lobby')],
    ],
    [
      'an error',
      { type: 'error', code: 'NOT_IN_ROOM', message: 'You are not in #dev.' },
      OTHER,
      [{ kind: 'error', code: 'NOT_IN_ROOM', text: 'You are not in #dev.' }],
    ],
  ])('%s', (_name, event, view, entries) => {
    expect(renderEvent(event, view)).toEqual(entries);
  });
});
