import { describe, expect, it } from 'vitest';
import { parseInput } from './commands.js';
import { linkify } from './linkify.js';
import { ChatState } from './state.js';

describe('parseInput', () => {
  it.each([
    ['hello', { kind: 'send', to: '#dev', text: 'hello', action: false }],
    ['//slash', { kind: 'send', to: '#dev', text: '/slash', action: false }],
    ['/me waves  twice', { kind: 'send', to: '#dev', text: 'waves  twice', action: true }],
    ['/join ops', { kind: 'request', message: { type: 'join', room: '#ops' } }],
    ['/part', { kind: 'request', message: { type: 'part', room: '#dev' } }],
    [
      '/part #x gone home',
      { kind: 'request', message: { type: 'part', room: '#x', reason: 'gone home' } },
    ],
    ['/msg bob hi there', { kind: 'open', nick: 'bob', text: 'hi there' }],
    ['/query bob', { kind: 'open', nick: 'bob' }],
    ['/msg #x hi', { kind: 'send', to: '#x', text: 'hi', action: false }],
    [
      '/topic new one',
      { kind: 'request', message: { type: 'topic', room: '#dev', topic: 'new one' } },
    ],
    ['/topic', { kind: 'request', message: { type: 'topic', room: '#dev' } }],
    ['/who', { kind: 'request', message: { type: 'members', room: '#dev' } }],
    [
      '/search deploy friday',
      { kind: 'request', message: { type: 'search', room: '#dev', query: 'deploy friday' } },
    ],
    ['/NICK alicia', { kind: 'request', message: { type: 'nick', nick: 'alicia' } }],
    ['/quit bye', { kind: 'request', message: { type: 'quit', reason: 'bye' } }],
    [
      '/frobnicate',
      { kind: 'error', text: 'Unknown command /frobnicate. Type /help for the list.' },
    ],
    ['/me', { kind: 'error', text: 'Usage: /me ACTION' }],
    // Moderation and server operators' commands, read as the text doors read them.
    [
      '/kick bob off topic',
      {
        kind: 'request',
        message: { type: 'kick', room: '#dev', nick: 'bob', reason: 'off topic' },
      },
    ],
    [
      '/ban bob 2h spam',
      {
        kind: 'request',
        message: { type: 'ban', room: '#dev', target: 'bob', duration: '2h', reason: 'spam' },
      },
    ],
    [
      '/oper alice correct horse',
      { kind: 'request', message: { type: 'oper', name: 'alice', password: 'correct horse' } },
    ],
    ['/oper alice', { kind: 'error', text: 'Usage: /oper NAME PASSWORD' }],
  ])('reads %s', (input, action) => {
    expect(parseInput(input, '#dev')).toEqual(action);
  });

  it('needs a conversation for plain text', () => {
    expect(parseInput('hello', undefined).kind).toBe('error');
    expect(parseInput('hi', 'bob')).toEqual({ kind: 'send', to: 'bob', text: 'hi', action: false });
  });
});

describe('linkify', () => {
  it('links http(s) addresses only, leaving sentence punctuation out', () => {
    expect(
      linkify('see https://example.com/a?b=1. and (http://x.org/wiki/A_(b)) javascript:alert(1)'),
    ).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. and (' },
      { kind: 'link', text: 'http://x.org/wiki/A_(b)', href: 'http://x.org/wiki/A_(b)' },
      { kind: 'text', text: ') javascript:alert(1)' },
    ]);
    expect(linkify('<script>')).toEqual([{ kind: 'text', text: '<script>' }]);
  });

  it.each([
    ['https://en.wikipedia.org/wiki/Foo_(bar))', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
    ['https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
    ['https://en.wikipedia.org/wiki/Foo_(bar)).', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
    ['http://a/b)', 'http://a/b'],
    ['http://a/(b)(c)))', 'http://a/(b)(c)'],
    ['http://a/((b)))', 'http://a/((b))'],
    ['http://a/b).)', 'http://a/b'],
    ['http://a/(b.)', 'http://a/(b.)'],
    ['http://a/?x=1!?', 'http://a/?x=1'],
  ])('trims %s to %s', (input, link) => {
    expect(linkify(input)[0]).toEqual({ kind: 'link', text: link, href: new URL(link).href });
  });

  it('trims thousands of closing brackets to the address before them', () => {
    // Counted once, not once per bracket: formatting this would freeze every client.
    const brackets = ')'.repeat(8000);
    expect(linkify(`http://a/${brackets}`)).toEqual([
      { kind: 'link', text: 'http://a/', href: 'http://a/' },
      { kind: 'text', text: brackets },
    ]);
    expect(linkify(`x http://a/(b)${brackets} y`)).toEqual([
      { kind: 'text', text: 'x ' },
      { kind: 'link', text: 'http://a/(b)', href: 'http://a/(b)' },
      { kind: 'text', text: `${brackets} y` },
    ]);
  });
});

describe('ChatState', () => {
  function joined(): ChatState {
    const state = new ChatState(() => 1000);
    state.apply({ type: 'welcome', nick: 'alice', serverName: 'chatroom' });
    state.apply({ type: 'join', room: '#lobby', nick: 'alice' });
    return state;
  }
  const message = (id: number, from = 'bob') =>
    ({
      type: 'message',
      id,
      room: '#lobby',
      from,
      text: `m${id}`,
      action: false,
      time: id,
    }) as const;
  const ids = (state: ChatState, key = '#lobby') =>
    state.conversations
      .get(key)!
      .entries.flatMap((entry) => (entry.kind === 'message' ? [entry.id ?? -1] : []));

  it("shows a big room's joins and parts as its summary line, while keeping the member list", () => {
    const state = joined();
    state.apply({ type: 'join', room: '#lobby', nick: 'bob', crowd: true });
    state.apply({ type: 'join', room: '#lobby', nick: 'carol', crowd: true });
    state.apply({ type: 'part', room: '#lobby', nick: 'bob', reason: '', crowd: true });
    state.apply({
      type: 'crowd',
      room: '#lobby',
      joined: ['bob', 'carol'],
      joinedCount: 2,
      left: ['bob'],
      leftCount: 1,
    });
    const lobby = state.conversations.get('#lobby')!;
    expect([...lobby.members.values()]).toEqual(['alice', 'carol']);
    const notices = lobby.entries.flatMap((entry) => (entry.kind === 'notice' ? [entry.text] : []));
    expect(notices).toEqual(['You joined #lobby', '2 joined (bob, carol); 1 left (bob)']);
  });

  it("keeps a quiet room's member list from its summaries, and its size from the server", () => {
    const state = joined();
    state.apply({
      type: 'crowd',
      room: '#lobby',
      members: 1_200,
      quiet: true,
      joined: ['bob', 'carol'],
      joinedCount: 250,
      left: ['dan'],
      leftCount: 3,
    });
    const lobby = state.conversations.get('#lobby')!;
    expect([...lobby.members.values()]).toEqual(['alice', 'bob', 'carol']);
    expect(lobby.memberTotal).toBe(1_200);
  });

  it('keeps messages once each, in id order, whatever order they come in', () => {
    const state = joined();
    state.apply(message(5));
    state.apply(message(6));
    state.apply({
      type: 'history',
      target: '#lobby',
      private: false,
      reason: 'request',
      messages: [3, 4, 5].map((id) => ({
        id,
        from: 'bob',
        text: `m${id}`,
        action: false,
        time: id,
      })),
      gap: null,
      more: false,
    });
    state.apply(message(6));
    expect(ids(state)).toEqual([3, 4, 5, 6]);
    expect(state.conversations.get('#lobby')!.historyComplete).toBe(true);
    expect(state.resumePoints()).toEqual([{ room: '#lobby', after: 6 }]);
  });

  it('turns a pending send into the stored message on its ack, and counts unread elsewhere', () => {
    const state = joined();
    state.addPending('#lobby', 'r1', 'mine', false);
    state.apply(message(1));
    expect(ids(state)).toEqual([1, -1]);
    state.apply({ type: 'ack', ref: 'r1', id: 2, to: '#lobby', time: 5 });
    expect(ids(state)).toEqual([1, 2]);
    state.apply({ type: 'join', room: '#dev', nick: 'alice' });
    state.activate('#dev');
    state.apply(message(3));
    state.apply(message(4, 'alice'));
    expect(state.conversations.get('#lobby')!.unread).toBe(1);
  });

  it('files private messages under the other person, both ways', () => {
    const state = joined();
    const base = { type: 'private', action: false, time: 1 } as const;
    state.apply({ ...base, id: 1, from: 'Bob', to: 'alice', text: 'hi' });
    state.addPending('bob', 'r', 'hello back', false);
    state.apply({ ...base, id: 2, from: 'alice', to: 'Bob', text: 'hello back' });
    state.apply({ type: 'ack', ref: 'r', id: 2, to: 'bob', time: 1 });
    expect(ids(state, 'bob')).toEqual([1, 2]);
    expect(state.conversations.get('bob')!.kind).toBe('private');
  });

  it('tracks who is away, through nick changes, until they come back or quit', () => {
    const state = joined();
    state.apply({ type: 'away', nick: 'Dave', message: 'lunch' });
    expect(state.away.get('dave')).toBe('lunch');
    state.apply({ type: 'nick', oldNick: 'dave', newNick: 'dave_' });
    expect([...state.away]).toEqual([['dave_', 'lunch']]);
    state.apply({ type: 'away', nick: 'dave_', message: null });
    expect(state.away.size).toBe(0);
    state.apply({ type: 'away', nick: 'erin', message: 'brb' });
    state.apply({ type: 'quit', nick: 'erin', reason: 'bye' });
    expect(state.away.size).toBe(0);
  });

  it('marks a refused send as failed by replacing its entry, so views redraw it', () => {
    const state = joined();
    state.addPending('#lobby', 'r1', 'hello', false);
    const pending = state.conversations.get('#lobby')!.entries.at(-1)!;
    state.apply({ type: 'error', code: 'STORE_FAILED', message: 'not stored', ref: 'r1' });
    const failed = state.conversations.get('#lobby')!.entries.at(-1)!;
    expect(failed).not.toBe(pending);
    expect(failed).toMatchObject({ kind: 'message', text: 'hello', failed: 'not stored' });
  });
});
