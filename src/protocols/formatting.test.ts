import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../core/events.js';
import { framedCodec } from './framed/codec.js';
import { CAP_MESSAGE_TAGS } from './irc/caps.js';
import { encodeShared } from './irc/encode.js';
import { serializeMessage } from './irc/message.js';
import { lineCodec } from './line/codec.js';
import { renderEvent } from './text/render.js';

/**
 * One policy per door for control and formatting characters in user text
 * (docs/commands.md, "Control characters and formatting"), checked on what each door's
 * encoder writes.
 */

const HOST = 'irc.example';
const ACTOR = { username: '~user', host: 'x.cloak', away: undefined };

function roomMessage(text: string, action = false): ChatEvent {
  return { type: 'message', id: 7, room: '#dev', from: 'alice', text, action, time: 0 };
}

/** The text of the PRIVMSG an IRC reader gets (tags, source and target taken off). */
function ircBody(text: string, variant = 0): string {
  const out = encodeShared(roomMessage(text), variant, ACTOR);
  const body = /^(?:@\S+ )?:\S+ PRIVMSG #dev :(.*)\r\n$/s.exec(out);
  expect(body).not.toBeNull();
  return body![1]!;
}

/** What a netcat user reading #dev gets for a message. */
function lineOutput(event: ChatEvent): string {
  const view = { inCurrentRoom: true, isActor: false, showIds: false };
  return lineCodec.encode(renderEvent(event, view)).toString('utf8').slice(0, -2);
}

describe('toward IRC: formatting passes, every other control is shown', () => {
  it.each([
    ['ESC (a colour sequence)', 'a \x1b[41;37mred\x1b[0m b', 'a ^[[41;37mred^[[0m b'],
    ['an OSC title sequence ending in BEL', '\x1b]0;pwned\x07 end', '^[]0;pwned^G end'],
    ['BEL', 'ding\x07', 'ding^G'],
    ['backspace', 'ab\x08c', 'ab^Hc'],
    ['vertical tab and form feed', 'a\x0bb\x0cc', 'a^Kb^Lc'],
    ['shift out (alternate character set)', 'a\x0eb', 'a^Nb'],
    ['other C0 controls', '\x05\x10\x12\x15\x17\x1a\x1c', '^E^P^R^U^W^Z^\\'],
    ['DEL', 'a\x7fb', 'a^?b'],
    ['a C1 control (CSI)', 'a\u009b31mb', 'a\ufffd31mb'],
    ['the other C1 controls', '\u0080\u008d\u009d\u009f', '\ufffd\ufffd\ufffd\ufffd'],
    ['\\x01 (a CTCP request from another door)', '\x01VERSION\x01', '^AVERSION^A'],
    ['bold, italics, underline, reset', '\x02b\x02 \x1di\x1d \x1fu\x1f\x0f', null],
    ['colours', '\x0304red\x03 \x034,12on blue\x03', null],
    ['hex colours', '\x04FF0000red\x04', null],
    ['monospace, strikethrough, reverse', '\x11m\x11 \x1es\x1e \x16r\x16', null],
    ['TAB', 'a\tb', null],
    ['plain text', 'héllo ✓', null],
  ])('%s', (_name, text, expected) => {
    expect(ircBody(text)).toBe(expected ?? text);
    expect(ircBody(text, CAP_MESSAGE_TAGS)).toBe(expected ?? text);
  });

  it('keeps the CTCP frame of /me and shows what is inside it', () => {
    const out = encodeShared(roomMessage('waves \x1b[5m\x01', true), 0, ACTOR);
    expect(out).toBe(':alice!~user@x.cloak PRIVMSG #dev :\x01ACTION waves ^[[5m^A\x01\r\n');
  });

  it('splits text that grows when shown without going over 512 bytes', () => {
    const out = encodeShared(roomMessage('\x1b'.repeat(400)), 0, ACTOR);
    const lines = out.slice(0, -2).split('\r\n');
    expect(lines.length).toBe(2);
    for (const line of lines) expect(Buffer.byteLength(line) + 2).toBeLessThanOrEqual(512);
    expect(lines.map((line) => line.slice(line.indexOf(' :') + 2)).join('')).toBe('^['.repeat(400));
  });

  it.each<[string, ChatEvent, string]>([
    [
      'a topic',
      { type: 'topic', room: '#dev', nick: 'bob', topic: '\x1b[2J\x02news' },
      ':bob!~user@x.cloak TOPIC #dev :^[[2J\x02news',
    ],
    [
      'a part reason',
      { type: 'part', room: '#dev', nick: 'bob', reason: 'bye\x07' },
      ':bob!~user@x.cloak PART #dev :bye^G',
    ],
    [
      'a quit reason',
      { type: 'quit', nick: 'bob', reason: '\u009b2J' },
      ':bob!~user@x.cloak QUIT :\ufffd2J',
    ],
    [
      'an away message',
      { type: 'away', nick: 'bob', message: 'out\x1b]0;x\x07' },
      ':bob!~user@x.cloak AWAY :out^[]0;x^G',
    ],
  ])('applies to %s', (_name, event, expected) => {
    expect(encodeShared(event, 0xff, ACTOR).replace(/^@\S+ /, '')).toBe(`${expected}\r\n`);
  });

  it('applies to every line the server writes (numerics, notices)', () => {
    expect(
      serializeMessage({
        source: HOST,
        command: '332',
        params: ['me', '#dev', 'a\x1bb\x01'],
        trailing: true,
      }),
    ).toBe(':irc.example 332 me #dev :a^[b^A\r\n');
  });
});

describe('toward the text doors: formatting is taken out, every other control is shown', () => {
  it.each([
    ['bold', 'a \x02bold\x02 b', 'a bold b'],
    [
      'italics, underline, strikethrough, monospace',
      '\x1di\x1d\x1fu\x1f\x1es\x1e\x11m\x11',
      'iusm',
    ],
    ['reverse and reset', '\x16r\x0fx', 'rx'],
    ['a colour reset', 'a\x03b', 'ab'],
    ['a one-digit foreground', '\x034red', 'red'],
    ['a two-digit foreground', '\x0304red', 'red'],
    ['at most two foreground digits', '\x03123', '3'],
    ['a foreground and background', '\x034,12x', 'x'],
    ['at most two background digits', '\x0304,123', '3'],
    ['a comma without digits after the code', '\x03,x', ',x'],
    ['a comma without digits after the code, digits after', '\x03,12x', ',12x'],
    ['a comma without a background after a foreground', '\x031,x', ',x'],
    ['a trailing comma', 'a\x0304,', 'a,'],
    ['a hex colour', '\x04FF0000red\x04', 'red'],
    ['a hex foreground and background', '\x04ff0000,00FF00x', 'x'],
    ['a hex colour with a comma but no background', '\x04FF0000,x', ',x'],
    ['a hex code without six hex digits', '\x04FF00 x', 'FF00 x'],
    ['ESC', 'a \x1b[41;37mred\x1b[0m', 'a ^[[41;37mred^[[0m'],
    ['BEL', 'x\x07', 'x^G'],
    ['\\x01', '\x01VERSION\x01', '^AVERSION^A'],
    ['other C0 controls', '\x05\x0e\x10', '^E^N^P'],
    ['DEL', 'a\x7f', 'a^?'],
    ['C1 controls', '\u009b2J\u0085', '\ufffd2J\ufffd'],
    ['TAB', 'a\tb', 'a\tb'],
  ])('%s', (_name, text, expected) => {
    expect(lineOutput(roomMessage(text))).toBe(`<alice> ${expected}`);
  });

  it.each<[string, ChatEvent, string]>([
    ['an action', roomMessage('\x02waves\x02\x07', true), '* alice waves^G'],
    [
      'a private message',
      { type: 'private', id: 1, from: 'bob', to: 'me', text: '\x0304hi', action: false, time: 0 },
      '*bob* hi',
    ],
    [
      'a topic',
      { type: 'topic', room: '#dev', nick: 'bob', topic: '\x02news\x02\x1b' },
      '*** bob set the topic of #dev to: news^[',
    ],
    [
      'a part reason',
      { type: 'part', room: '#dev', nick: 'bob', reason: '\x1dbye' },
      '*** bob left #dev (bye)',
    ],
  ])('applies to %s', (_name, event, expected) => {
    expect(lineOutput(event)).toBe(expected);
  });

  it('applies on the framed door too', () => {
    const view = { inCurrentRoom: true, isActor: false, showIds: false };
    const bytes = framedCodec.encode(renderEvent(roomMessage('\x02hi\x02 \x1b'), view));
    expect(bytes.subarray(10 + 5 + 10).toString('utf8')).toBe('hi ^[');
  });
});
