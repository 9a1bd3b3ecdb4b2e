import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../core/events.js';
import { CAP_AWAY_NOTIFY, CAP_MESSAGE_TAGS, CAP_SERVER_TIME } from './caps.js';
import { encodeShared, historyLines, msgid, packWords, parseMsgid, privateKey } from './encode.js';
import type { IrcUser } from './identity.js';

const TIME = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
/** Whoever did it, as the session would have looked them up. */
const ACTOR: IrcUser = { username: '~user', host: 'x.cloak', away: undefined };

function lines(text: string): string[] {
  expect(text.endsWith('\r\n') || text === '').toBe(true);
  return text === '' ? [] : text.slice(0, -2).split('\r\n');
}

describe('encodeShared', () => {
  const message: ChatEvent = {
    type: 'message',
    id: 7,
    room: '#Dev',
    from: 'alice',
    text: 'hi there',
    action: false,
    time: TIME,
  };

  it.each<[string, ChatEvent, string[]]>([
    ['a room message', message, [':alice!~user@x.cloak PRIVMSG #Dev :hi there']],
    [
      'an action',
      { ...message, action: true, text: 'waves' },
      [':alice!~user@x.cloak PRIVMSG #Dev :\x01ACTION waves\x01'],
    ],
    [
      'a private message',
      { type: 'private', id: 1, from: 'bob', to: 'Alice', text: 'psst', action: false, time: TIME },
      [':bob!~user@x.cloak PRIVMSG Alice :psst'],
    ],
    ['a join', { type: 'join', room: '#dev', nick: 'bob' }, [':bob!~user@x.cloak JOIN #dev']],
    [
      'a part with a reason',
      { type: 'part', room: '#dev', nick: 'bob', reason: 'lunch' },
      [':bob!~user@x.cloak PART #dev :lunch'],
    ],
    [
      'a part without',
      { type: 'part', room: '#dev', nick: 'bob', reason: '' },
      [':bob!~user@x.cloak PART #dev'],
    ],
    ['a quit', { type: 'quit', nick: 'bob', reason: 'Quit' }, [':bob!~user@x.cloak QUIT :Quit']],
    [
      'a nick change',
      { type: 'nick', oldNick: 'bob', newNick: 'rob' },
      [':bob!~user@x.cloak NICK rob'],
    ],
    [
      'a topic',
      { type: 'topic', room: '#dev', nick: 'bob', topic: 'demo day' },
      [':bob!~user@x.cloak TOPIC #dev :demo day'],
    ],
    [
      'a cleared topic',
      { type: 'topic', room: '#dev', nick: 'bob', topic: '' },
      [':bob!~user@x.cloak TOPIC #dev :'],
    ],
    ['away', { type: 'away', nick: 'bob', message: 'gone' }, [':bob!~user@x.cloak AWAY :gone']],
    ['back', { type: 'away', nick: 'bob', message: undefined }, [':bob!~user@x.cloak AWAY']],
    ['an event IRC shows otherwise', { type: 'current-room', room: '#dev' }, []],
  ])('%s', (_name, event, expected) => {
    expect(lines(encodeShared(event, 0, ACTOR))).toEqual(expected);
  });

  it('adds msgid with message-tags and time with server-time', () => {
    expect(lines(encodeShared(message, CAP_MESSAGE_TAGS, ACTOR))).toEqual([
      '@msgid=#dev/7 :alice!~user@x.cloak PRIVMSG #Dev :hi there',
    ]);
    expect(lines(encodeShared(message, CAP_SERVER_TIME, ACTOR))).toEqual([
      '@time=2026-01-02T03:04:05.006Z :alice!~user@x.cloak PRIVMSG #Dev :hi there',
    ]);
    const join = lines(
      encodeShared({ type: 'join', room: '#dev', nick: 'bob' }, CAP_SERVER_TIME, ACTOR),
    );
    expect(join[0]).toMatch(/^@time=\S+Z :bob!~user@x\.cloak JOIN #dev$/);
  });

  it('follows a JOIN with AWAY for away-notify clients when the joiner is away', () => {
    const join: ChatEvent = { type: 'join', room: '#dev', nick: 'bob' };
    const away = { ...ACTOR, away: 'at lunch' };
    expect(lines(encodeShared(join, CAP_AWAY_NOTIFY, away))).toEqual([
      ':bob!~user@x.cloak JOIN #dev',
      ':bob!~user@x.cloak AWAY :at lunch',
    ]);
    expect(lines(encodeShared(join, 0, away))).toEqual([':bob!~user@x.cloak JOIN #dev']);
  });

  it('refuses rather than writes a CR, LF or NUL that slipped past the core', () => {
    for (const text of ['a\rb', 'a\nQUIT', 'a\0']) {
      expect(() => encodeShared({ ...message, text }, 0, ACTOR)).toThrow(/CR, LF or NUL/);
      expect(() => encodeShared({ type: 'quit', nick: 'bob', reason: text }, 0, ACTOR)).toThrow(
        /CR, LF or NUL/,
      );
    }
  });

  it('splits long text into lines of at most 512 bytes, actions each wrapped', () => {
    const text = `${'ä'.repeat(300)} ${'b'.repeat(600)}`;
    const out = lines(encodeShared({ ...message, text, action: true }, CAP_MESSAGE_TAGS, ACTOR));
    expect(out.length).toBe(3);
    const texts = out.map((line) => {
      const body = line.replace(/^@\S+ /, '');
      expect(Buffer.byteLength(body) + 2).toBeLessThanOrEqual(512);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: CTCP ACTION is delimited by \x01
      return /:\x01ACTION (.*)\x01$/.exec(body)![1];
    });
    expect(texts.join('')).toBe(text);
    expect(out.map((line) => /^@msgid=(\S+) /.exec(line)![1])).toEqual([
      '#dev/7',
      '#dev/7.1',
      '#dev/7.2',
    ]);
  });
});

describe('client tags', () => {
  const tags = { '+draft/reply': '#dev/6', '+example.org/note': 'a b;c', '+x': '' };
  const tagged: ChatEvent = {
    type: 'message',
    id: 7,
    room: '#dev',
    from: 'alice',
    text: 'hi',
    action: false,
    time: TIME,
    tags,
  };

  it('go after the server tags, escaped, to clients with message-tags only', () => {
    expect(lines(encodeShared(tagged, CAP_MESSAGE_TAGS | CAP_SERVER_TIME, ACTOR))).toEqual([
      '@msgid=#dev/7;time=2026-01-02T03:04:05.006Z;+draft/reply=#dev/6;+example.org/note=a\\sb\\:c;+x :alice!~user@x.cloak PRIVMSG #dev :hi',
    ]);
    expect(lines(encodeShared(tagged, CAP_SERVER_TIME, ACTOR))).toEqual([
      '@time=2026-01-02T03:04:05.006Z :alice!~user@x.cloak PRIVMSG #dev :hi',
    ]);
    expect(lines(encodeShared(tagged, 0, ACTOR))).toEqual([
      ':alice!~user@x.cloak PRIVMSG #dev :hi',
    ]);
  });

  it('go on every line of a message split in several', () => {
    const out = lines(encodeShared({ ...tagged, text: 'y'.repeat(900) }, CAP_MESSAGE_TAGS, ACTOR));
    expect(out).toHaveLength(2);
    for (const line of out) expect(line).toMatch(/^@msgid=#dev\/7(\.1)?;\+draft\/reply=#dev\/6;/);
  });

  it('are all a TAGMSG carries, with the time for server-time', () => {
    const typing: ChatEvent = {
      type: 'tags',
      from: 'alice',
      to: '#dev',
      private: false,
      tags: { '+typing': 'active' },
    };
    expect(lines(encodeShared(typing, CAP_MESSAGE_TAGS, ACTOR))).toEqual([
      '@+typing=active :alice!~user@x.cloak TAGMSG #dev',
    ]);
    expect(lines(encodeShared(typing, CAP_MESSAGE_TAGS | CAP_SERVER_TIME, ACTOR))[0]).toMatch(
      /^@time=\S+Z;\+typing=active :alice!~user@x\.cloak TAGMSG #dev$/,
    );
  });

  it('fill the tag section with the server tags, up to 8191 bytes in all', () => {
    const big: ChatEvent = { ...tagged, tags: { '+t': 'v'.repeat(4091) } };
    const [line] = lines(encodeShared(big, CAP_MESSAGE_TAGS | CAP_SERVER_TIME, ACTOR));
    expect(line!.indexOf(' ')).toBeGreaterThan(4094);
    expect(line!.indexOf(' ')).toBeLessThanOrEqual(8191);
  });
});

describe('msgid', () => {
  it('names the target and reads back only for it', () => {
    const key = privateKey('Bob', 'alice');
    expect(msgid(key, 12)).toBe('alice,bob/12');
    expect(parseMsgid('alice,bob/12', key)).toBe(12);
    expect(parseMsgid('alice,bob/12.3', key)).toBe(12);
    expect(parseMsgid('#dev/12', key)).toBeUndefined();
    expect(parseMsgid('#dev/12', '#dev')).toBe(12);
    expect(parseMsgid('#dev/x', '#dev')).toBeUndefined();
    expect(parseMsgid('#devx/1', '#dev')).toBeUndefined();
  });
});

describe('historyLines', () => {
  const stored = [
    { id: 1, target: '', sender: 'bob', text: 'hello', action: false, time: TIME },
    { id: 2, target: '', sender: 'Alice', text: 'hi', action: false, time: TIME },
  ];

  it('addresses a conversation the way it was sent, with batch and time tags', () => {
    expect(
      lines(
        historyLines(
          stored,
          { name: 'bob', isPrivate: true },
          'alice',
          CAP_SERVER_TIME,
          (nick) => ({ username: `~${nick.toLowerCase()}`, host: 'x.cloak', away: undefined }),
          'b1',
        ),
      ),
    ).toEqual([
      '@batch=b1;time=2026-01-02T03:04:05.006Z :bob!~bob@x.cloak PRIVMSG alice :hello',
      '@batch=b1;time=2026-01-02T03:04:05.006Z :Alice!~alice@x.cloak PRIVMSG bob :hi',
    ]);
  });

  it('puts the time in the text for clients without server-time', () => {
    expect(
      lines(
        historyLines(
          stored,
          { name: '#dev', isPrivate: false },
          'carol',
          0,
          () => ACTOR,
          undefined,
        ),
      ),
    ).toEqual([
      ':bob!~user@x.cloak PRIVMSG #dev :[2026-01-02 03:04] hello',
      ':Alice!~user@x.cloak PRIVMSG #dev :[2026-01-02 03:04] hi',
    ]);
  });
});

describe('packWords', () => {
  it('fills lines up to 512 bytes and no further', () => {
    const words = Array.from({ length: 200 }, (_, i) => `nick${i}`);
    const out = packWords(words, (joined) => ({
      command: '353',
      params: ['me', '=', '#x', joined],
      trailing: true,
    }));
    expect(out.length).toBeGreaterThan(1);
    for (const line of out) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(512);
    expect(out.flatMap((line) => line.slice(0, -2).split(' :')[1]!.split(' '))).toEqual(words);
    // Each full line would have gone over with the next word.
    let used = 0;
    for (const line of out.slice(0, -1)) {
      used += line.slice(0, -2).split(' :')[1]!.split(' ').length;
      expect(Buffer.byteLength(line) + 1 + Buffer.byteLength(words[used]!)).toBeGreaterThan(512);
    }
  });
});
