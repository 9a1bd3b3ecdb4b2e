import { describe, expect, it } from 'vitest';
import { FLOOD_BYTES, IrcDecoder, type IrcInput } from './decoder.js';

/** Each input as a short string: the command and params, or <error code command>. */
function show(inputs: IrcInput[]): string[] {
  return inputs.map((input) =>
    input.kind === 'message'
      ? [input.message.command, ...input.message.params].join('|')
      : `<${input.code}${input.command ? ` ${input.command}` : ''}${input.fatal ? ' fatal' : ''}>`,
  );
}

function decodeAll(chunks: Buffer[]): string[] {
  const decoder = new IrcDecoder();
  return show(chunks.flatMap((chunk) => decoder.push(chunk)));
}

describe('IrcDecoder', () => {
  it('gives the same messages however the bytes are split', () => {
    const input = Buffer.from(
      '@time=x;+typing=active PRIVMSG #a :héllo wörld 😀\r\nNICK bob\n\r\nJOIN #a,#b\r\n',
    );
    const expected = ['PRIVMSG|#a|héllo wörld 😀', 'NICK|bob', 'JOIN|#a,#b'];
    for (let cut = 0; cut <= input.length; cut++) {
      for (let cut2 = cut; cut2 <= input.length; cut2 += 3) {
        const chunks = [input.subarray(0, cut), input.subarray(cut, cut2), input.subarray(cut2)];
        expect(decodeAll(chunks)).toEqual(expected);
      }
    }
  });

  it('takes the input one byte at a time', () => {
    const input = Buffer.from('CAP LS 302\r\nPING :abc\r\n');
    expect(decodeAll([...input].map((byte) => Buffer.from([byte])))).toEqual([
      'CAP|LS|302',
      'PING|abc',
    ]);
  });

  const body510 = `PRIVMSG #a :${'x'.repeat(510 - 'PRIVMSG #a :'.length)}`;
  // A client's tags may take 4094 bytes between the '@' and the space (IRCv3 message-tags).
  const tags4094 = `@${'t'.repeat(4094)} `;

  it.each([
    ['a body of 510 bytes plus CR LF', `${body510}\r\n`, [`PRIVMSG|#a|${'x'.repeat(498)}`]],
    ['a body of 511 bytes', `${body510}y\r\n`, ['<INPUT_TOO_LONG PRIVMSG>']],
    [
      '4094 bytes of tags and a 510-byte body',
      `${tags4094}${body510}\r\n`,
      [`PRIVMSG|#a|${'x'.repeat(498)}`],
    ],
    ['4095 bytes of tags', `@${'t'.repeat(4095)} PING x\r\n`, ['<INPUT_TOO_LONG PING>']],
    [
      'tags the splitter cannot hold, then a good line',
      `@${'t'.repeat(8189)} PING x\r\nPING y\r\n`,
      ['<INPUT_TOO_LONG>', 'PING|y'],
    ],
    [
      'too long, then a good line',
      `${body510}yy\r\nPING z\r\n`,
      ['<INPUT_TOO_LONG PRIVMSG>', 'PING|z'],
    ],
    [
      'longer than the splitter holds',
      `${'z'.repeat(9000)}\r\nPING z\r\n`,
      ['<INPUT_TOO_LONG>', 'PING|z'],
    ],
    ['an empty line is ignored', '\r\n\n  \r\nPING a\r\n', ['PING|a']],
    ['a line of only a source is ignored', ':me\r\nPING a\r\n', ['PING|a']],
    ['NUL in a line', 'PRIVMSG #a :x\0y\r\nPING a\r\n', ['<NUL PRIVMSG>', 'PING|a']],
    ['a command that is not one', 'PRIV/MSG #a x\r\n', ['<UNKNOWN_COMMAND PRIV/MSG>']],
    [
      'invalid UTF-8',
      Buffer.from([...Buffer.from('PRIVMSG #a :'), 0xc3, 0x28, 0x0a]),
      ['<INVALID_UTF8 PRIVMSG>'],
    ],
    [
      'a lone continuation byte',
      Buffer.from([...Buffer.from('NICK '), 0x80, 0x0a]),
      ['<INVALID_UTF8 NICK>'],
    ],
    [
      'an overlong encoding',
      Buffer.from([...Buffer.from('NICK '), 0xc0, 0xaf, 0x0a]),
      ['<INVALID_UTF8 NICK>'],
    ],
    [
      'a surrogate encoded in UTF-8',
      Buffer.from([...Buffer.from('NICK '), 0xed, 0xa0, 0x80, 0x0a]),
      ['<INVALID_UTF8 NICK>'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(decodeAll([Buffer.from(input)])).toEqual(expected);
  });

  it('closes on a 16 KiB line, ended or not, and reads nothing after', () => {
    const ended = new IrcDecoder();
    expect(show(ended.push(Buffer.from(`${'a'.repeat(FLOOD_BYTES)}\nPING x\n`)))).toEqual([
      '<FLOOD fatal>',
    ]);
    const unended = new IrcDecoder();
    const inputs: IrcInput[] = [];
    for (let sent = 0; sent < FLOOD_BYTES; sent += 1000) {
      inputs.push(...unended.push(Buffer.alloc(1000, 'b')));
    }
    expect(show(inputs)).toEqual(['<FLOOD fatal>']);
    expect(unended.push(Buffer.from('\nPING x\n'))).toEqual([]);
  });

  it('lets a line just under 16 KiB off with 417', () => {
    const decoder = new IrcDecoder();
    expect(show(decoder.push(Buffer.from(`${'a'.repeat(FLOOD_BYTES - 1)}\nPING x\n`)))).toEqual([
      '<INPUT_TOO_LONG>',
      'PING|x',
    ]);
  });
});
