import { describe, expect, it } from 'vitest';
import type { HistoryMessage, ServerMessage } from '../../src/protocols/ws/protocol.js';
import { MAX_ENTRIES } from './conversation.js';
import { ChatState } from './state.js';

const T = 1_767_225_600_000;

function said(id: number, time = T + id * 1000, from = 'bob'): HistoryMessage {
  return { id, from, text: `m${id}`, action: false, time };
}

function history(
  reason: 'join' | 'request' | 'resume',
  messages: HistoryMessage[],
  more = false,
  target = '#lobby',
): ServerMessage {
  return { type: 'history', target, private: false, reason, messages, gap: null, more };
}

function live(id: number, time = T + id * 1000): ServerMessage {
  return { type: 'message', room: '#lobby', ...said(id, time) };
}

/** The conversation as lines: "m3" for messages, the text for notices. */
function lines(state: ChatState, key = '#lobby'): string[] {
  return state.conversations.get(key)!.entries.map((e) => (e.kind === 'message' ? e.text : e.text));
}

function welcomed(clock = T + 1_000_000): ChatState {
  const state = new ChatState(() => clock);
  state.apply({ type: 'welcome', nick: 'alice', serverName: 'chatroom' });
  return state;
}

describe('entries in server time order, notices included', () => {
  it('puts "You joined" and the topic after the replay of what was said before', () => {
    const state = welcomed();
    // What the server sends on a join, in this order; the replay comes last, but is older.
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T + 10_000 });
    state.apply({
      type: 'topic-is',
      room: '#lobby',
      topic: 'hi',
      setBy: 'bob',
      setAt: T,
      time: T + 10_000,
    });
    state.apply(history('join', [said(1), said(2)]));
    state.apply(live(3, T + 11_000));
    expect(lines(state)).toEqual([
      'm1',
      'm2',
      'You joined #lobby',
      'Topic of #lobby: hi (set by bob)',
      'm3',
    ]);
  });

  it('keeps notices out of older pages loaded by scrolling up', () => {
    const state = welcomed();
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T + 50_000 });
    state.apply(history('join', [said(40), said(41)]));
    state.apply({ type: 'join', room: '#lobby', nick: 'carol', time: T + 60_000 });
    state.startLoading('#lobby', 'older');
    state.apply(history('request', [said(38), said(39)], true));
    expect(lines(state)).toEqual(['m38', 'm39', 'm40', 'm41', 'You joined #lobby', 'carol joined']);
  });

  it('puts a rejoin after a reconnect between what was missed and what came after', () => {
    const state = welcomed();
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T });
    state.apply(live(1, T + 1000));
    // Reconnected: the join event first, then the resume with what was said while away
    // (before the rejoin) and what was said while the resume was read (after it).
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T + 30_000 });
    state.apply(history('resume', [said(2, T + 20_000), said(3, T + 31_000)]));
    expect(lines(state)).toEqual(['You joined #lobby', 'm1', 'm2', 'You rejoined #lobby', 'm3']);
  });

  it('puts notices the client makes itself at the live end, by the server clock', () => {
    // Our clock is an hour behind the server's: "now" by it would sort above everything.
    const state = welcomed(T - 3_600_000);
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T });
    state.apply(live(1, T + 1000));
    state.notice('Not connected right now', 'error');
    state.apply(live(2, T + 2000));
    expect(lines(state)).toEqual(['You joined #lobby', 'm1', 'Not connected right now', 'm2']);
  });

  it('without a server time (an older server), a notice goes where it arrives', () => {
    const state = welcomed(T + 5000);
    state.apply({ type: 'join', room: '#lobby', nick: 'alice' });
    state.apply(live(1, T + 6000));
    state.apply({ type: 'join', room: '#lobby', nick: 'bob' });
    expect(lines(state)).toEqual(['You joined #lobby', 'm1', 'bob joined']);
  });
});

describe('the window of entries kept', () => {
  function following(): ChatState {
    const state = welcomed();
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T });
    return state;
  }

  it('keeps at most MAX_ENTRIES, the newest, while the reader follows the live end', () => {
    const state = following();
    for (let id = 1; id <= 5000; id++) state.apply(live(id, T + id));
    const lobby = state.conversations.get('#lobby')!;
    expect(lobby.entries.length).toBe(MAX_ENTRIES);
    expect(lobby.ids.size).toBe(MAX_ENTRIES);
    expect(lines(state).at(-1)).toBe('m5000');
    expect(lobby.historyComplete).toBe(false);
    expect(state.resumePoints()).toEqual([{ room: '#lobby', after: 5000 }]);
  });

  it('while the reader is up in history, keeps what they read and drops what comes live', () => {
    const state = following();
    for (let id = 1; id <= MAX_ENTRIES; id++) state.apply(live(id, T + id));
    const lobby = state.conversations.get('#lobby')!;
    lobby.following = false;
    const before = lines(state);
    for (let id = MAX_ENTRIES + 1; id <= 3000; id++) state.apply(live(id, T + id));
    expect(lines(state)).toEqual(before);
    expect(lobby.liveEnd).toBe(false);
    // Scrolling down fetches what follows the window, dropping its far (old) end.
    expect(state.startLoading('#lobby', 'newer')).toEqual({ after: MAX_ENTRIES });
    const page = Array.from({ length: 50 }, (_, i) =>
      said(MAX_ENTRIES + 1 + i, T + MAX_ENTRIES + 1 + i),
    );
    state.apply(history('request', page, true));
    expect(lines(state).at(-1)).toBe(`m${MAX_ENTRIES + 50}`);
    expect(lobby.entries.length).toBe(MAX_ENTRIES);
    expect(lobby.liveEnd).toBe(false);
    // Jumping to the latest starts the window afresh at the live end.
    expect(state.startLoading('#lobby', 'latest')).toEqual({});
    state.apply(history('request', [said(2999, T + 2999), said(3000, T + 3000)], true));
    state.apply(live(3001, T + 3001));
    expect(lines(state)).toEqual(['m2999', 'm3000', 'm3001']);
    expect(lobby.liveEnd).toBe(true);
  });

  it('a jump to the latest overtakes an older page on its way, whose answer is skipped', () => {
    const state = following();
    for (let id = 100; id < 110; id++) state.apply(live(id, T + id));
    expect(state.startLoading('#lobby', 'older')).toEqual({ before: 100 });
    expect(state.startLoading('#lobby', 'latest')).toEqual({});
    state.apply(history('request', [said(98, T + 98), said(99, T + 99)], true));
    state.apply(history('request', [said(108, T + 108), said(109, T + 109)], true));
    expect(lines(state)).toEqual(['m108', 'm109']);
  });

  it('paging back far drops the newest end, and the page that no longer joins on is ignored', () => {
    const state = following();
    for (let id = 1000; id < 1000 + MAX_ENTRIES; id++) state.apply(live(id, T + id));
    const lobby = state.conversations.get('#lobby')!;
    lobby.following = false;
    expect(state.startLoading('#lobby', 'older')).toEqual({ before: 1000 });
    state.apply(history('request', [said(998, T + 998), said(999, T + 999)], true));
    expect(lines(state)[0]).toBe('m998');
    expect(lobby.entries.length).toBe(MAX_ENTRIES);
    expect(lobby.liveEnd).toBe(false);
  });
});

describe('unread and read position', () => {
  it('counts replayed messages past the saved read position as unread, after a reload', () => {
    const state = welcomed();
    state.savedLastRead.set('#dev', 2);
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T });
    state.apply({ type: 'join', room: '#dev', nick: 'alice', time: T });
    state.apply(history('join', [said(1), said(2), said(3), said(4)], false, '#dev'));
    const dev = state.conversations.get('#dev')!;
    expect(dev.unread).toBe(2);
    state.activate('#dev');
    expect(dev.marker).toBe(2);
    state.markRead();
    expect(dev.lastRead).toBe(4);
  });
});

describe('a lost connection', () => {
  it('marks where the gap began, once per outage, so what was missed reads below it', () => {
    let clock = T;
    const state = new ChatState(() => clock);
    state.apply({ type: 'welcome', nick: 'alice', serverName: 'chatroom' });
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T });
    state.apply({ type: 'private', to: 'alice', ...said(1, T + 500) });
    state.apply(live(2, T + 1000));
    // Noticed late (a silent drop), and then two attempts to reconnect fail.
    clock = T + 50_000;
    state.connectionLost(T + 1000);
    clock = T + 52_000;
    state.connectionLost(T + 1000);
    state.connectionLost(T + 1000);
    // Back: said while away (some before the drop was noticed), then the rejoin.
    state.apply({ type: 'welcome', nick: 'alice', serverName: 'chatroom' });
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T + 60_000 });
    state.apply(history('resume', [said(3, T + 20_000), said(4, T + 55_000)]));
    expect(lines(state)).toEqual([
      'You joined #lobby',
      'm2',
      'Connection lost; reconnecting…',
      'm3',
      'm4',
      'You rejoined #lobby',
    ]);
    expect(lines(state, 'bob')).toEqual(['m1', 'Connection lost; reconnecting…']);
    // The next outage is a gap of its own.
    state.connectionLost(T + 60_000);
    expect(lines(state).filter((line) => line.startsWith('Connection lost'))).toHaveLength(2);
  });

  it('gives up a page asked for in a private conversation just before the drop', () => {
    const state = welcomed();
    for (let id = 10; id < 13; id++) state.apply({ type: 'private', to: 'alice', ...said(id) });
    expect(state.startLoading('bob', 'older')).toEqual({ before: 10 });
    // The answer was lost with the socket, and no join comes for a private conversation.
    state.connectionLost(T + 20_000);
    state.apply({ type: 'welcome', nick: 'alice', serverName: 'chatroom' });
    expect(state.startLoading('bob', 'older')).toEqual({ before: 10 });
    state.apply({
      type: 'history',
      target: 'bob',
      private: true,
      reason: 'request',
      messages: [said(8), said(9)],
      gap: null,
      more: true,
    });
    expect(lines(state, 'bob').filter((line) => line.startsWith('m'))).toEqual([
      'm8',
      'm9',
      'm10',
      'm11',
      'm12',
    ]);
  });

  it('skips no answer on the new connection for one overtaken on the old', () => {
    const state = welcomed();
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T });
    state.apply(history('join', [said(40), said(41)]));
    expect(state.startLoading('#lobby', 'older')).toEqual({ before: 40 });
    // A jump to the latest overtakes it; then the socket drops, with both answers on it.
    expect(state.startLoading('#lobby', 'latest')).toEqual({});
    state.connectionLost(T + 50_000);
    state.apply({ type: 'welcome', nick: 'alice', serverName: 'chatroom' });
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T + 60_000 });
    state.apply(history('resume', [said(42, T + 55_000)]));
    expect(state.startLoading('#lobby', 'older')).toEqual({ before: 42 });
    state.apply(history('request', [said(40), said(41)], true));
    expect(lines(state).filter((line) => line.startsWith('m'))).toEqual(['m40', 'm41', 'm42']);
    // Paging goes on.
    expect(state.startLoading('#lobby', 'older')).toEqual({ before: 40 });
  });

  it('leaves rooms already left alone', () => {
    const state = welcomed();
    state.apply({ type: 'join', room: '#lobby', nick: 'alice', time: T });
    state.apply({ type: 'join', room: '#dev', nick: 'alice', time: T });
    state.apply({ type: 'part', room: '#dev', nick: 'alice', reason: '', time: T + 1 });
    state.connectionLost(T + 2);
    expect(lines(state, '#dev')).toEqual(['You joined #dev', 'You left #dev']);
    expect(lines(state).at(-1)).toBe('Connection lost; reconnecting…');
  });
});
