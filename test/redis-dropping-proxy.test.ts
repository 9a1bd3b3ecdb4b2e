import { describe, expect, it } from 'vitest';
import { encodeCommand, type RespCommand, RespCommandSplitter } from './redis-dropping-proxy.js';

function argsOf(commands: RespCommand[]): Array<string[] | string> {
  return commands.map((command) =>
    command.args ? command.args.map((arg) => arg.toString()) : command.raw.toString(),
  );
}

describe('RespCommandSplitter (the dropping proxy reads what clients send)', () => {
  const commands = [
    ['PUBLISH', 'p:room:#lobby', '{"text":"a\r\nb"}'],
    ['SUBSCRIBE', 'p:all'],
    ['PING'],
    ['SET', 'k', ''],
  ];
  const wire = Buffer.concat([
    ...commands.map((args) => encodeCommand(args)),
    Buffer.from('PING\r\n'),
  ]);
  const expected = [...commands, 'PING\r\n'];

  it('finds every command, with a payload holding CR LF and an empty argument', () => {
    const splitter = new RespCommandSplitter();
    const found = splitter.push(wire);
    expect(argsOf(found)).toEqual(expected);
    expect(Buffer.concat(found.map((command) => command.raw))).toEqual(wire);
  });

  it('gives the same commands however the bytes are cut', () => {
    for (let cut = 1; cut < wire.length; cut++) {
      const splitter = new RespCommandSplitter();
      const found = [...splitter.push(wire.subarray(0, cut)), ...splitter.push(wire.subarray(cut))];
      expect(argsOf(found), `cut at byte ${cut}`).toEqual(expected);
    }
  });

  it('gives the same commands fed one byte at a time', () => {
    const splitter = new RespCommandSplitter();
    const found: RespCommand[] = [];
    for (const byte of wire) found.push(...splitter.push(Buffer.from([byte])));
    expect(argsOf(found)).toEqual(expected);
  });
});
