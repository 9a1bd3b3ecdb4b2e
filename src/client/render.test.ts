import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../protocols/ws/protocol.js';
import { ownLine, palette } from './colors.js';
import { render, type View } from './render.js';

const carol: View = { nick: 'carol', currentRoom: '#lobby' };
const time = Date.UTC(2026, 10, 22, 12, 1);
const stored = (id: number, from: string, text: string, action = false) => ({
  id,
  from,
  text,
  action,
  time,
});

// One row per kind of message, read by carol, whose current room is #lobby: the lines are
// those the line door (docs/protocols/line.md) shows for the same event.
const ROWS: Array<[string, ServerMessage, string[]]> = [
  [
    'welcome',
    { type: 'welcome', nick: 'carol', serverName: 'chatroom' },
    ['*** Welcome to chatroom, carol! Type /help for commands.'],
  ],
  [
    'a message in the current room',
    { type: 'message', id: 4, room: '#LOBBY', from: 'bob', text: 'hi', action: false, time },
    ['<bob> hi'],
  ],
  [
    'a message in another room',
    { type: 'message', id: 4, room: '#dev', from: 'bob', text: 'hi', action: false, time },
    ['[#dev] <bob> hi'],
  ],
  [
    'an action',
    { type: 'message', id: 5, room: '#dev', from: 'bob', text: 'waves', action: true, time },
    ['[#dev] * bob waves'],
  ],
  [
    'control characters made visible',
    {
      type: 'message',
      id: 6,
      room: '#lobby',
      from: 'bob',
      text: 'a\x1b[31m\x02b',
      action: false,
      time,
    },
    ['<bob> a^[[31mb'],
  ],
  [
    'a private message to us',
    { type: 'private', id: 1, from: 'bob', to: 'carol', text: 'psst', action: false, time },
    ['*bob* psst'],
  ],
  [
    'our copy of a private message',
    { type: 'private', id: 1, from: 'Carol', to: 'bob', text: 'psst', action: false, time },
    ['-> *bob* psst'],
  ],
  [
    'a private action to us',
    { type: 'private', id: 2, from: 'bob', to: 'carol', text: 'waves', action: true, time },
    ['*bob* * bob waves'],
  ],
  ['our join', { type: 'join', room: '#dev', nick: 'carol' }, ['*** You joined #dev']],
  ['a join', { type: 'join', room: '#dev', nick: 'bob' }, ['*** bob joined #dev']],
  ['a join summarized', { type: 'join', room: '#big', nick: 'bob', crowd: true }, []],
  [
    'a part with a reason',
    { type: 'part', room: '#dev', nick: 'bob', reason: 'lunch' },
    ['*** bob left #dev (lunch)'],
  ],
  ['our part', { type: 'part', room: '#dev', nick: 'carol', reason: '' }, ['*** You left #dev']],
  [
    'a summary of a big room',
    { type: 'crowd', room: '#big', joined: ['ann', 'bob'], joinedCount: 3, left: [], leftCount: 0 },
    ['*** 3 joined #big (ann, bob and 1 other)'],
  ],
  ['a quit', { type: 'quit', nick: 'bob', reason: 'Quit' }, ['*** bob left the chat (Quit)']],
  [
    'our new nickname',
    { type: 'nick', oldNick: 'carol', newNick: 'caro' },
    ['*** You are now known as caro'],
  ],
  [
    'a new nickname',
    { type: 'nick', oldNick: 'bob', newNick: 'robert' },
    ['*** bob is now known as robert'],
  ],
  [
    'a topic set',
    { type: 'topic', room: '#dev', nick: 'bob', topic: 'Friday' },
    ['*** bob set the topic of #dev to: Friday'],
  ],
  [
    'a topic we set',
    { type: 'topic', room: '#dev', nick: 'carol', topic: 'Friday' },
    ['*** You set the topic of #dev to: Friday'],
  ],
  [
    'a topic asked for',
    { type: 'topic-is', room: '#dev', topic: 'Friday', setBy: 'bob', setAt: time },
    ['*** Topic of #dev: Friday (set by bob)'],
  ],
  [
    'no topic',
    { type: 'topic-is', room: '#dev', topic: '', setBy: null, setAt: null },
    ['*** #dev has no topic'],
  ],
  [
    'members',
    { type: 'members', room: '#dev', nicks: ['bob', 'carol'], total: 2 },
    ['*** #dev has 2 members: bob carol'],
  ],
  [
    'the first members of a big room',
    { type: 'members', room: '#big', nicks: ['bob'], total: 3 },
    ['*** #big has 3 members: bob and 2 more (/who #big lists them all)'],
  ],
  [
    'no members',
    { type: 'members', room: '#old', nicks: [], total: 0 },
    ['*** #old has no members'],
  ],
  [
    'a room list on one page',
    {
      type: 'room-list',
      rooms: [
        { name: '#dev', members: 1, topic: 'Dev talk', createdBy: 'alice' },
        { name: '#lobby', members: 2, topic: '', createdBy: 'bob' },
      ],
      offset: 0,
      total: 2,
      more: false,
    },
    [
      '*** 2 rooms:',
      '***   #dev (1 member, created by alice): Dev talk',
      '***   #lobby (2 members, created by bob)',
    ],
  ],
  [
    'the first page of many',
    {
      type: 'room-list',
      rooms: [{ name: '#a', members: 0, topic: '', createdBy: 'alice' }],
      offset: 0,
      total: 250,
      more: true,
    },
    [
      '*** 250 rooms, page 1 of 3:',
      '***   #a (0 members, created by alice)',
      '*** /rooms 2 shows the next page.',
    ],
  ],
  [
    'a page past the last',
    { type: 'room-list', rooms: [], offset: 300, total: 250, more: false },
    ['*** 250 rooms: there is no page 4 (3 in all).'],
  ],
  ['the current room', { type: 'current-room', room: '#dev' }, ['*** Now talking in #dev']],
  [
    'no current room',
    { type: 'current-room', room: null },
    ['*** You are not in any room now: /join #room to talk'],
  ],
  [
    'a notice',
    { type: 'notice', text: 'The server is shutting down. Goodbye!' },
    ['*** The server is shutting down. Goodbye!'],
  ],
  [
    'an error',
    { type: 'error', code: 'NOT_IN_ROOM', message: 'You are not in #dev.', ref: 'x' },
    ['!!! You are not in #dev. (NOT_IN_ROOM)'],
  ],
  ['an ack', { type: 'ack', ref: 'x', id: 3, to: '#dev', time }, []],
  ['a pong', { type: 'pong', ref: 'x' }, []],
  ['an away state', { type: 'away', nick: 'dave', message: 'lunch' }, []],
  [
    'a join replay',
    {
      type: 'history',
      target: '#dev',
      private: false,
      reason: 'join',
      messages: [stored(41, 'alice', 'hello'), stored(42, 'alice', 'waves', true)],
      gap: null,
      more: false,
    },
    [
      '*** Last 2 messages in #dev (times UTC):',
      '[#dev @41 2026-11-22 12:01] <alice> hello',
      '[#dev @42 2026-11-22 12:01] * alice waves',
      '*** End of history of #dev',
    ],
  ],
  [
    'a page of history with more before it',
    {
      type: 'history',
      target: '#dev',
      private: false,
      reason: 'request',
      messages: [stored(41, 'alice', 'hello')],
      gap: null,
      more: true,
    },
    [
      '*** History of #dev: 1 message (times UTC):',
      '[#dev @41 2026-11-22 12:01] <alice> hello',
      '*** End of history of #dev (more: /history #dev before 41)',
    ],
  ],
  [
    'a private conversation',
    {
      type: 'history',
      target: 'bob',
      private: true,
      reason: 'request',
      messages: [stored(7, 'bob', 'psst')],
      gap: null,
      more: false,
    },
    [
      '*** History of your conversation with bob: 1 message (times UTC):',
      '[private @7 2026-11-22 12:01] <bob> psst',
      '*** End of history of your conversation with bob',
    ],
  ],
  [
    'a resume with a gap and more',
    {
      type: 'history',
      target: '#dev',
      private: false,
      reason: 'resume',
      messages: [stored(13, 'bob', 'x')],
      gap: { from: 5, to: 12 },
      more: true,
    },
    [
      '*** Messages @5 to @12 of #dev are no longer kept',
      '*** Missed in #dev: 1 message (times UTC):',
      '[#dev @13 2026-11-22 12:01] <bob> x',
      '*** End of history of #dev (more: /resume #dev 13)',
    ],
  ],
  [
    'nothing found',
    {
      type: 'history',
      target: '#dev',
      private: false,
      reason: 'search',
      messages: [],
      gap: null,
      more: false,
    },
    ['*** Nothing found in #dev'],
  ],
];

describe('rendering the WebSocket API for the terminal', () => {
  it.each(ROWS)('%s', (_name, message, lines) => {
    expect(render(message, carol)).toEqual(lines);
  });

  it('labels every room message while in no room', () => {
    const message: ServerMessage = {
      type: 'message',
      id: 1,
      room: '#lobby',
      from: 'bob',
      text: 'hi',
      action: false,
      time,
    };
    expect(render(message, { nick: 'carol', currentRoom: undefined })).toEqual([
      '[#lobby] <bob> hi',
    ]);
  });
});

describe('rendering in colour', () => {
  const colors = palette(true);
  const paint = (message: ServerMessage) => render(message, carol, colors);

  it('colours each part from the event, not from the words', () => {
    expect(
      paint({
        type: 'message',
        id: 1,
        room: '#dev',
        from: 'bob',
        text: '<x> y',
        action: false,
        time,
      }),
    ).toEqual([`[#dev] <${colors.nick('bob')}> <x> y`]);
    expect(
      paint({
        type: 'message',
        id: 1,
        room: '#lobby',
        from: 'bob',
        text: 'waves',
        action: true,
        time,
      }),
    ).toEqual([`* ${colors.nick('bob')} waves`]);
    expect(
      paint({
        type: 'private',
        id: 1,
        from: 'bob',
        to: 'carol',
        text: 'psst',
        action: false,
        time,
      }),
    ).toEqual([`${colors.private('*bob*')} psst`]);
    expect(
      paint({
        type: 'private',
        id: 1,
        from: 'carol',
        to: 'bob',
        text: 'psst',
        action: false,
        time,
      }),
    ).toEqual([colors.private('-> *bob* psst')]);
    expect(paint({ type: 'join', room: '#dev', nick: 'bob' })).toEqual([
      colors.notice('*** bob joined #dev'),
    ]);
    expect(paint({ type: 'error', code: 'NOT_IN_ROOM', message: 'No.', ref: null })).toEqual([
      colors.error('!!! No. (NOT_IN_ROOM)'),
    ]);
    const replay = paint({
      type: 'history',
      target: '#dev',
      private: false,
      reason: 'join',
      messages: [stored(41, 'alice', 'hello')],
      gap: null,
      more: false,
    });
    expect(replay[1]).toBe(`[#dev @41 2026-11-22 12:01] <${colors.nick('alice')}> hello`);
  });

  it('colours the client’s own lines by what they are', () => {
    expect(ownLine('*** Connected to 127.0.0.1:8080', colors)).toBe(
      colors.notice('*** Connected to 127.0.0.1:8080'),
    );
    expect(ownLine('!!! Not connected; that was not sent.', colors)).toBe(
      colors.error('!!! Not connected; that was not sent.'),
    );
  });
});
