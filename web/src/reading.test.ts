import { describe, expect, it } from 'vitest';
import { reconnectText } from './banner.js';
import { composerLines } from './composer-input.js';
import type { Entry, MessageEntry } from './conversation.js';
import { dividerBefore, GROUP_WITHIN_MS, groupedWithPrevious, mentions } from './reading.js';

describe('mentions', () => {
  it.each([
    ['alice: hi', true],
    ['hi ALICE!', true],
    ['hey \x02Alice\x02, look', true],
    ['(alice)', true],
    ['malice aforethought', false],
    ['alice_ is someone else', false],
    ['alice-bot', false],
    ['[alice]', false],
    ['nothing here', false],
  ])('%s → %s', (text, expected) => {
    expect(mentions(text, 'Alice')).toBe(expected);
  });

  it('folds only ASCII letters, as the server does', () => {
    expect(mentions('hi [bob]', '[BOB]')).toBe(true);
    expect(mentions('hi {bob}', '[bob]')).toBe(false);
  });
});

describe('grouping and the new-messages line', () => {
  const message = (id: number, from: string, time: number, action = false): MessageEntry => ({
    kind: 'message',
    id,
    ref: undefined,
    from,
    text: `m${id}`,
    action,
    time,
  });
  const notice: Entry = { kind: 'notice', text: 'x joined', time: 5, tone: 'info', seq: 1 };

  it('groups one sender close in time with nothing between', () => {
    expect(groupedWithPrevious(message(1, 'bob', 0), message(2, 'Bob', 1000))).toBe(true);
    expect(groupedWithPrevious(message(1, 'bob', 0), message(2, 'carol', 1000))).toBe(false);
    expect(groupedWithPrevious(message(1, 'bob', 0), message(2, 'bob', GROUP_WITHIN_MS))).toBe(
      false,
    );
    expect(groupedWithPrevious(notice, message(2, 'bob', 10))).toBe(false);
    expect(groupedWithPrevious(message(1, 'bob', 0), message(2, 'bob', 10, true))).toBe(false);
    expect(groupedWithPrevious(undefined, message(2, 'bob', 10))).toBe(false);
  });

  it('puts the line above the first message after the marker that is not ours', () => {
    const entries = [message(1, 'bob', 0), message(2, 'alice', 1), message(3, 'bob', 2)];
    expect(dividerBefore(entries, 1, 'alice')).toBe(entries[2]);
    expect(dividerBefore(entries, 3, 'alice')).toBeUndefined();
    expect(dividerBefore(entries, undefined, 'alice')).toBeUndefined();
  });
});

describe('composer lines', () => {
  it('sends one message per non-blank line, whatever the line ends', () => {
    expect(composerLines('one\r\ntwo\n\n  \nthree\rfour\n')).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
    expect(composerLines('  indented stays')).toEqual(['  indented stays']);
    expect(composerLines('\n\n')).toEqual([]);
  });
});

describe('reconnect countdown', () => {
  it('counts whole seconds down to the attempt', () => {
    expect(reconnectText('Connection lost.', 7000, 0)).toBe(
      'Connection lost. Reconnecting in 7 s…',
    );
    expect(reconnectText('Connection lost.', 7000, 1500)).toBe(
      'Connection lost. Reconnecting in 6 s…',
    );
    expect(reconnectText('Connection lost.', 7000, 7000)).toBe('Connection lost. Reconnecting…');
  });
});
