import { describe, expect, it } from 'vitest';
import { ChatError } from '../../core/errors.js';
import { CAP_BATCH } from './caps.js';
import { IrcOutput } from './output.js';

function recorded(caps = 0) {
  const written: string[] = [];
  const dropped: Array<{ code: string }> = [];
  let closing = false;
  const output = new IrcOutput({
    host: 'irc.test',
    replyNick: () => 'alice',
    capBits: () => caps,
    outputClosed: () => closing,
    writeLines: (lines) => written.push(lines),
    encodeFailed: (error) => dropped.push(error),
    noteError: (error) => (error instanceof ChatError ? error : new ChatError('INTERNAL_ERROR')),
    caughtUp: async () => {},
    userOf: (nick) => ({ username: `~${nick}`, host: 'x.cloak', away: undefined }),
  });
  const close = () => {
    closing = true;
  };
  return { output, written, dropped, close };
}

describe('IrcOutput', () => {
  it.each<[string, (output: IrcOutput) => void, string]>([
    [
      'a numeric: the nick, then text',
      (o) => o.reply('401', 'zed', 'No such nick'),
      ':irc.test 401 alice zed :No such nick\r\n',
    ],
    ['a numeric of tokens', (o) => o.replyPlain('221', '+i'), ':irc.test 221 alice +i\r\n'],
    [
      'FAIL',
      (o) => o.fail('CHATHISTORY', 'INVALID_PARAMS', 'X', 'Bad'),
      ':irc.test FAIL CHATHISTORY INVALID_PARAMS X :Bad\r\n',
    ],
    [
      'no topic',
      (o) => o.topic('#a', '', undefined, undefined),
      ':irc.test 331 alice #a :No topic is set\r\n',
    ],
    ['no names', (o) => o.names('#a', []), ':irc.test 366 alice #a :End of /NAMES list\r\n'],
    [
      'an error as its numeric',
      (o) => o.reportError(new ChatError('NOT_IN_ROOM'), 'PART', '#a'),
      ":irc.test 442 alice #a :You're not on that channel\r\n",
    ],
    [
      'a bug, without detail',
      (o) => o.reportError(new Error('secret'), 'JOIN'),
      ':irc.test 400 alice JOIN :Internal error\r\n',
    ],
    [
      'a NOTICE error: nothing',
      (o) => o.reportError(new ChatError('NO_SUCH_NICK'), 'NOTICE', 'zed'),
      '',
    ],
    [
      'a NOTICE that hit a bug: nothing either (the log has it)',
      (o) => o.reportError(new Error('x'), 'NOTICE'),
      '',
    ],
  ])('%s', (_, write, expected) => {
    const { output, written } = recorded();
    write(output);
    expect(written.join('')).toBe(expected);
  });

  it('wraps history in a batch only for clients with batch, each with its own reference', () => {
    // Without server-time the time goes in the text.
    const message = { id: 1, sender: 'bob', text: 'hi', action: false, time: 0 };
    const plain = recorded();
    plain.output.history({ name: '#a', isPrivate: false }, [message]);
    expect(plain.written.join('')).toBe(':bob!~bob@x.cloak PRIVMSG #a :[1970-01-01 00:00] hi\r\n');
    const batched = recorded(CAP_BATCH);
    batched.output.history({ name: '#a', isPrivate: false }, [message]);
    batched.output.history({ name: '#a', isPrivate: false }, []);
    expect(batched.written.join('').split('\r\n')).toEqual([
      ':irc.test BATCH +b1 chathistory #a',
      '@batch=b1 :bob!~bob@x.cloak PRIVMSG #a :[1970-01-01 00:00] hi',
      ':irc.test BATCH -b1',
      ':irc.test BATCH +b2 chathistory #a',
      ':irc.test BATCH -b2',
      '',
    ]);
  });

  it('drops a line it cannot encode safely, and writes nothing once closing', () => {
    const { output, written, dropped, close } = recorded();
    output.send({ command: 'NOTICE', params: ['alice', 'hi\r\nQUIT'], trailing: true });
    expect(dropped.map((error) => error.code)).toEqual(['FORBIDDEN_CHARACTER']);
    expect(written).toEqual([]);
    close();
    output.reply('001', 'Welcome');
    expect(written).toEqual([]);
  });
});
