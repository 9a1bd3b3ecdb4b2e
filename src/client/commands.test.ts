import { describe, expect, it } from 'vitest';
import { type Action, helpLines, isQuit, parseInput } from './commands.js';

const send = (to: string, text: string, action = false): Action => ({
  kind: 'send',
  to,
  text,
  action,
});
const request = (message: object): Action => ({ kind: 'request', message }) as Action;
const error = (line: string): Action => ({ kind: 'show', lines: [line] });
const NO_ROOM_NAMED = error(
  '!!! You are not in any room: name one (#room) first. (NO_CURRENT_ROOM)',
);
const NO_ROOM = error('!!! You are not in any room: /join #room first. (NO_CURRENT_ROOM)');

// One row per rule of docs/commands.md, typed with #lobby as the current room (or none).
const ROWS: Array<[line: string, current: string | undefined, action: Action]> = [
  ['hello there', '#lobby', send('#lobby', 'hello there')],
  ['  keeps its spaces ', '#lobby', send('#lobby', '  keeps its spaces ')],
  ['//shrug', '#lobby', send('#lobby', '/shrug')],
  ['   ', '#lobby', { kind: 'nothing' }],
  ['hello', undefined, NO_ROOM],
  ['/join #dev', '#lobby', request({ type: 'join', room: '#dev' })],
  ['/J dev', '#lobby', request({ type: 'join', room: '#dev' })],
  ['/join', '#lobby', error('!!! Usage: /join #room [KEY] (BAD_ARGUMENTS)')],
  ['/join #a sesame', '#lobby', request({ type: 'join', room: '#a', key: 'sesame' })],
  ['/join #a sesame more', '#lobby', error('!!! Usage: /join #room [KEY] (BAD_ARGUMENTS)')],
  [
    '/kick bob spamming links',
    '#dev',
    request({ type: 'kick', room: '#dev', nick: 'bob', reason: 'spamming links' }),
  ],
  [
    '/ban #dev bob 2h spam',
    '#lobby',
    request({ type: 'ban', room: '#dev', target: 'bob', duration: '2h', reason: 'spam' }),
  ],
  [
    '/mute bob flooding',
    '#dev',
    request({ type: 'mute', room: '#dev', target: 'bob', reason: 'flooding' }),
  ],
  ['/unmute *!*@host', '#dev', request({ type: 'unmute', room: '#dev', target: '*!*@host' })],
  [
    '/op alice',
    '#dev',
    request({ type: 'mode', room: '#dev', changes: [{ mode: 'op', on: true, nick: 'alice' }] }),
  ],
  [
    '/mode +mi',
    '#dev',
    request({
      type: 'mode',
      room: '#dev',
      changes: [
        { mode: 'moderated', on: true },
        { mode: 'inviteOnly', on: true },
      ],
    }),
  ],
  [
    '/mode #dev +l 10',
    '#lobby',
    request({ type: 'mode', room: '#dev', changes: [{ mode: 'limit', on: true, limit: 10 }] }),
  ],
  ['/mode +x', '#dev', error('!!! There is no mode x: see docs/moderation.md. (UNKNOWN_MODE)')],
  ['/mode #dev', '#lobby', request({ type: 'mode', room: '#dev' })],
  ['/mode +b', '#dev', request({ type: 'sanctions', room: '#dev', kind: 'ban' })],
  ['/modlog 5', '#dev', request({ type: 'modlog', room: '#dev', limit: 5 })],
  ['/modlog *', '#dev', request({ type: 'modlog' })],
  ['/invite carol', '#dev', request({ type: 'invite', room: '#dev', nick: 'carol' })],
  // Server operators' commands go to the server as the requests of the WebSocket API.
  [
    '/oper alice correct horse',
    undefined,
    request({ type: 'oper', name: 'alice', password: 'correct horse' }),
  ],
  ['/oper alice', '#lobby', error('!!! Usage: /oper NAME PASSWORD (BAD_ARGUMENTS)')],
  ['/deoper', '#lobby', request({ type: 'deoper' })],
  ['/kill bob  too much ', '#lobby', request({ type: 'kill', nick: 'bob', reason: 'too much' })],
  ['/kill', '#lobby', error('!!! Usage: /kill NICK [REASON] (BAD_ARGUMENTS)')],
  ['/wallops restart at noon', undefined, request({ type: 'wallops', text: 'restart at noon' })],
  [
    '/kline *@bad.example 7d spam',
    '#lobby',
    request({ type: 'kline', mask: '*@bad.example', duration: '7d', reason: 'spam' }),
  ],
  [
    '/kline bob for a while',
    '#lobby',
    request({ type: 'kline', mask: 'bob', reason: 'for a while' }),
  ],
  ['/unkline bob!*@*', '#lobby', request({ type: 'unkline', mask: 'bob!*@*' })],
  ['/unkline a b', '#lobby', error('!!! Usage: /unkline MASK (BAD_ARGUMENTS)')],
  ['/klines', '#lobby', request({ type: 'klines' })],
  ['/kick bob', undefined, NO_ROOM_NAMED],
  ['/part', '#lobby', request({ type: 'part', room: '#lobby' })],
  ['/part dev', '#lobby', request({ type: 'part', room: '#lobby', reason: 'dev' })],
  [
    '/leave #dev  gone for  lunch ',
    '#lobby',
    request({ type: 'part', room: '#dev', reason: 'gone for  lunch' }),
  ],
  ['/part', undefined, NO_ROOM],
  ['/msg bob  psst  there', '#lobby', send('bob', ' psst  there')],
  ['/tell #dev hi', '#lobby', send('#dev', 'hi')],
  ['/msg bob', '#lobby', error('!!! Usage: /msg NICK|#room TEXT (BAD_ARGUMENTS)')],
  ['/me waves  twice', '#lobby', send('#lobby', 'waves  twice', true)],
  ['/me', '#lobby', error('!!! Usage: /me ACTION (BAD_ARGUMENTS)')],
  ['/me waves', undefined, NO_ROOM],
  ['/nick caro', '#lobby', request({ type: 'nick', nick: 'caro' })],
  ['/nick a b', '#lobby', error('!!! Usage: /nick NEWNAME (BAD_ARGUMENTS)')],
  ['/who', '#lobby', request({ type: 'members', room: '#lobby' })],
  ['/names #dev', '#lobby', request({ type: 'members', room: '#dev' })],
  ['/who dev', '#lobby', error('!!! Usage: /who [#room] (BAD_ARGUMENTS)')],
  ['/who', undefined, NO_ROOM],
  ['/rooms', '#lobby', request({ type: 'rooms', offset: 0, limit: 100 })],
  ['/list 3', '#lobby', request({ type: 'rooms', offset: 200, limit: 100 })],
  ['/rooms 0', '#lobby', error('!!! Usage: /rooms [PAGE] (BAD_ARGUMENTS)')],
  ['/topic', '#lobby', request({ type: 'topic', room: '#lobby' })],
  ['/topic #dev', '#lobby', request({ type: 'topic', room: '#dev' })],
  [
    '/topic  Release on Friday ',
    '#lobby',
    request({ type: 'topic', room: '#lobby', topic: 'Release on Friday' }),
  ],
  [
    '/topic #dev #1 priority',
    '#lobby',
    request({ type: 'topic', room: '#dev', topic: '#1 priority' }),
  ],
  ['/history', '#lobby', request({ type: 'history', target: '#lobby', limit: 20 })],
  [
    '/hist #dev before 41 5',
    '#lobby',
    request({ type: 'history', target: '#dev', limit: 5, before: 41 }),
  ],
  ['/history bob', '#lobby', request({ type: 'history', target: 'bob', limit: 20 })],
  [
    '/history BEFORE 9',
    '#lobby',
    request({ type: 'history', target: '#lobby', limit: 20, before: 9 }),
  ],
  ['/history 900', '#lobby', request({ type: 'history', target: '#lobby', limit: 500 })],
  [
    '/history 0',
    '#lobby',
    error('!!! Usage: /history [#room|NICK] [before ID] [N] (BAD_ARGUMENTS)'),
  ],
  [
    '/history before',
    '#lobby',
    error('!!! Usage: /history [#room|NICK] [before ID] [N] (BAD_ARGUMENTS)'),
  ],
  ['/history', undefined, NO_ROOM],
  [
    '/search deploy friday',
    '#lobby',
    request({ type: 'search', room: '#lobby', query: 'deploy friday' }),
  ],
  ['/find #dev deploy', '#lobby', request({ type: 'search', room: '#dev', query: 'deploy' })],
  ['/search', '#lobby', error('!!! Usage: /search [#room] WORDS (BAD_ARGUMENTS)')],
  ['/resume #dev 7', '#lobby', request({ type: 'resume', room: '#dev', after: 7 })],
  ['/resume dev 7', '#lobby', error('!!! Usage: /resume #room ID (BAD_ARGUMENTS)')],
  ['/quit  see you ', '#lobby', { kind: 'quit', reason: 'see you' }],
  ['/BYE', undefined, { kind: 'quit', reason: '' }],
  [
    '/dance',
    '#lobby',
    error('!!! Unknown command /dance. Type /help for the list. (UNKNOWN_COMMAND)'),
  ],
  ['/', '#lobby', error('!!! Unknown command /. Type /help for the list. (UNKNOWN_COMMAND)')],
];

describe('reading what the user types (parseInput)', () => {
  it.each(ROWS)('%j in %s', (line, current, action) => {
    expect(parseInput(line, current)).toEqual(action);
  });

  it('answers /help itself, with the server’s own list of commands', () => {
    const action = parseInput('/help', '#lobby');
    expect(action).toEqual({ kind: 'show', lines: helpLines() });
    expect(helpLines()[0]).toBe(
      '*** Commands (a line without a leading / is a message to your current room):',
    );
    expect(helpLines()).toContain(
      '***   /join #room [KEY]                      join a room (created if new) and talk there',
    );
    for (const command of ['oper', 'deoper', 'kill', 'wallops', 'kline', 'unkline', 'klines']) {
      expect(helpLines().some((line) => line.startsWith(`***   /${command} `))).toBe(true);
    }
  });

  it('answers /ids itself: ids are the client’s business', () => {
    expect(parseInput('/ids off', '#lobby')).toMatchObject({ kind: 'show' });
  });

  it('tells a quit from a line that only starts like one', () => {
    expect(['/quit', '/EXIT now', '/bye\tfor now'].map(isQuit)).toEqual([true, true, true]);
    expect(['/quitter', 'quit', '//quit'].map(isQuit)).toEqual([false, false, false]);
  });
});
