import { describe, expect, it } from 'vitest';
import {
  escapeTagValue,
  IrcEncodeError,
  type IrcMessage,
  parseMessage,
  serializeMessage,
  splitUtf8,
  truncateUtf8,
  unescapeTagValue,
} from './message.js';

function parsed(line: string): IrcMessage {
  const result = parseMessage(line);
  if (!result.ok) throw new Error(`did not parse: ${result.reason}`);
  return result.message;
}

describe('parseMessage', () => {
  it.each<[string, string, Partial<IrcMessage> & { tagList?: [string, string][] }]>([
    ['a bare command', 'QUIT', { command: 'QUIT', params: [] }],
    ['lower-case command', 'privmsg #a hi', { command: 'PRIVMSG', params: ['#a', 'hi'] }],
    ['trailing with spaces', 'PRIVMSG #a :hello  world ', { params: ['#a', 'hello  world '] }],
    ['empty trailing', 'TOPIC #a :', { params: ['#a', ''] }],
    ['trailing that starts with a colon', 'PRIVMSG #a ::)', { params: ['#a', ':)'] }],
    [
      'runs of spaces between params',
      'USER  u   0 *  :Real Name',
      { params: ['u', '0', '*', 'Real Name'] },
    ],
    ['trailing spaces without a trailing param', 'NAMES #a   ', { params: ['#a'] }],
    ['a source', ':nick!u@h PRIVMSG bob :x', { source: 'nick!u@h', command: 'PRIVMSG' }],
    ['a numeric', ':srv 001 me :Welcome', { command: '001', params: ['me', 'Welcome'] }],
    ['colon inside a middle param', 'PRIVMSG a:b c', { params: ['a:b', 'c'] }],
    [
      'tags, escaped',
      '@a=1;b;c=x\\sy\\:z\\\\;+d/e=\\r\\n;f= :s CMD',
      {
        tagList: [
          ['a', '1'],
          ['b', ''],
          ['c', 'x y;z\\'],
          ['+d/e', '\r\n'],
          ['f', ''],
        ],
        source: 's',
        command: 'CMD',
      },
    ],
    ['duplicate tag: the last wins', '@a=1;a=2 PING', { tagList: [['a', '2']] }],
    ['sixteen params are kept', `X ${'p '.repeat(16)}`, { params: Array(16).fill('p') }],
  ])('%s', (_name, line, expected) => {
    const message = parsed(line);
    const { tagList, ...rest } = expected;
    expect(message).toMatchObject(rest);
    if (tagList) expect([...(message.tags ?? [])]).toEqual(tagList);
  });

  it.each([
    ['empty', '', 'empty'],
    ['only spaces', '   ', 'empty'],
    ['tags without a command', '@a=b', 'no-command'],
    ['source without a command', ':nick', 'no-command'],
    ['tags and source without a command', '@a :nick ', 'no-command'],
    ['a command with punctuation', 'PRIV-MSG x', 'bad-command'],
    ['a four-digit numeric', '0001 x', 'bad-command'],
    ['NUL anywhere', 'PRIVMSG #a :x\0y', 'nul'],
  ])('refuses %s', (_name, line, reason) => {
    const result = parseMessage(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });
});

describe('tag value escaping', () => {
  it.each([
    ['plain', 'plain'],
    ['a;b c\\d\re\nf', 'a\\:b\\sc\\\\d\\re\\nf'],
    ['', ''],
  ])('escapes %j', (raw, escaped) => {
    expect(escapeTagValue(raw)).toBe(escaped);
    expect(unescapeTagValue(escaped)).toBe(raw);
  });

  it.each([
    ['an unknown escape stands for the character', '\\b\\x', 'bx'],
    ['a lone backslash at the end is dropped', 'abc\\', 'abc'],
  ])('%s', (_name, escaped, raw) => {
    expect(unescapeTagValue(escaped)).toBe(raw);
  });
});

describe('serializeMessage', () => {
  it.each<[string, IrcMessage, string]>([
    ['no params', { command: 'PING', params: [] }, 'PING'],
    [
      'a middle and a plain last',
      { command: 'JOIN', source: 'a!a@h', params: ['#x'] },
      ':a!a@h JOIN #x',
    ],
    [
      'a last with spaces',
      { command: 'PRIVMSG', params: ['#x', 'hi there'] },
      'PRIVMSG #x :hi there',
    ],
    ['an empty last', { command: 'TOPIC', params: ['#x', ''] }, 'TOPIC #x :'],
    [
      'a last starting with a colon',
      { command: 'PRIVMSG', params: ['#x', ':)'] },
      'PRIVMSG #x ::)',
    ],
    [
      'trailing asked for',
      { command: 'PRIVMSG', params: ['#x', 'hi'], trailing: true },
      'PRIVMSG #x :hi',
    ],
    [
      'tags, escaped, in order',
      {
        tags: new Map([
          ['time', '2020-01-01T00:00:00.000Z'],
          ['msgid', 'a b;c'],
          ['x', ''],
        ]),
        command: 'X',
        params: [],
      },
      '@time=2020-01-01T00:00:00.000Z;msgid=a\\sb\\:c;x X',
    ],
  ])('%s', (_name, message, line) => {
    const text = serializeMessage(message);
    expect(text).toBe(`${line}\r\n`);
    // What is written reads back as the same message.
    const back = parsed(text.slice(0, -2));
    expect(back.command).toBe(message.command);
    expect(back.params).toEqual(message.params);
  });

  it.each<[string, IrcMessage]>([
    ['CR in the last param', { command: 'PRIVMSG', params: ['#x', 'a\rQUIT'] }],
    ['LF in the last param', { command: 'PRIVMSG', params: ['#x', 'a\nQUIT :x'] }],
    ['NUL in the last param', { command: 'PRIVMSG', params: ['#x', 'a\0'] }],
    ['CR LF in a middle param', { command: 'PRIVMSG', params: ['#x\r\nQUIT', 'hi'] }],
    ['a space in a middle param', { command: 'PRIVMSG', params: ['#x y', 'hi'] }],
    ['an empty middle param', { command: 'PRIVMSG', params: ['', 'hi'] }],
    ['a middle param starting with a colon', { command: 'PRIVMSG', params: [':x', 'hi'] }],
    ['a source with a space', { source: 'a b', command: 'PING', params: [] }],
    ['a source with LF', { source: 'a\nb', command: 'PING', params: [] }],
    ['a bad command', { command: 'PING\r\nQUIT', params: [] }],
    ['a bad tag key', { tags: new Map([['a=b', '']]), command: 'PING', params: [] }],
    ['NUL in a tag value', { tags: new Map([['a', '\0']]), command: 'PING', params: [] }],
    ['a body over 512 bytes', { command: 'PRIVMSG', params: ['#x', 'y'.repeat(510)] }],
  ])('refuses %s', (name, message) => {
    expect(() => serializeMessage(message)).toThrow(IrcEncodeError);
    // Fitting only ever shortens the last param; it never lets a bad character through.
    if (!name.includes('512')) {
      expect(() => serializeMessage(message, { fit: true })).toThrow(IrcEncodeError);
    }
  });

  it('keeps a body of exactly 512 bytes, CR LF included', () => {
    const params = ['#x', 'y'.repeat(512 - 'PRIVMSG #x :'.length - 2)];
    const message = { command: 'PRIVMSG', params, trailing: true };
    expect(Buffer.byteLength(serializeMessage(message))).toBe(512);
    params[1] += 'y';
    expect(() => serializeMessage(message)).toThrow(/over 512/);
  });

  it('with fit, cuts a long last param at a character boundary', () => {
    const text = 'é'.repeat(400);
    const line = serializeMessage(
      { command: 'TOPIC', params: ['#x', text], trailing: true },
      { fit: true },
    );
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(512);
    expect(line.endsWith('é\r\n')).toBe(true);
    expect(line.length).toBe('TOPIC #x :'.length + 250 + 2);
  });

  it('does not count tags against the 512 bytes', () => {
    const tags = new Map([['msgid', 'm'.repeat(1000)]]);
    const line = serializeMessage({
      tags,
      command: 'PRIVMSG',
      params: ['#x', 'y'.repeat(498)],
      trailing: true,
    });
    expect(Buffer.byteLength(line)).toBe(1000 + '@msgid= '.length + 512);
  });
});

describe('splitUtf8 and truncateUtf8', () => {
  it('never cuts a character, whatever the limit', () => {
    const text = 'aé€😀 '.repeat(50);
    for (let max = 4; max < 40; max++) {
      const pieces = splitUtf8(text, max);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces) {
        expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(max);
        expect(piece).not.toMatch(/[\ud800-\udbff]$/);
      }
    }
  });

  it('cuts at a space when there is one late enough', () => {
    expect(splitUtf8('hello brave new world', 12)).toEqual(['hello brave ', 'new world']);
    expect(splitUtf8('abcdefghij k', 8)).toEqual(['abcdefgh', 'ij k']);
  });

  it('truncates to whole characters', () => {
    expect(truncateUtf8('aé', 2)).toBe('a');
    expect(truncateUtf8('😀x', 3)).toBe('');
    expect(truncateUtf8('short', 100)).toBe('short');
  });
});
