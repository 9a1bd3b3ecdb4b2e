import { describe, expect, it } from 'vitest';
import { ChatError, type ErrorCode } from '../../core/errors.js';
import { errorReply } from './errors.js';

/** One row per core error code IRC clients have a numeric for, and the fallback for the rest. */
describe('errorReply', () => {
  it.each<[ErrorCode, string | undefined, string, string | undefined, string, string[]]>([
    // code, message (undefined: the catalog's), command, subject, numeric, params
    ['NICK_INVALID', 'Too long', 'NICK', 'x', '432', ['x', 'Erroneous nickname']],
    ['NICK_TAKEN', undefined, 'NICK', 'bob', '433', ['bob', 'Nickname is already in use']],
    [
      'NICK_UNAVAILABLE',
      undefined,
      'NICK',
      'bob',
      '437',
      ['bob', 'Nick/channel is temporarily unavailable'],
    ],
    ['NO_SUCH_NICK', undefined, 'PRIVMSG', 'zed', '401', ['zed', 'No such nick/channel']],
    ['ROOM_INVALID', undefined, 'JOIN', 'a b', '403', ['a_b', 'No such channel']],
    ['NO_SUCH_ROOM', undefined, 'PART', '#x', '403', ['#x', 'No such channel']],
    ['NOT_IN_ROOM', undefined, 'TOPIC', '#x', '442', ['#x', "You're not on that channel"]],
    // These keep the core's message, which says how long to wait or why.
    ['ROOM_RATE_LIMIT', 'Wait 3 s', 'JOIN', '#x', '405', ['#x', 'Wait 3 s']],
    [
      'ROOM_LIMIT',
      undefined,
      'JOIN',
      '#x',
      '405',
      ['#x', 'The server has as many rooms as it allows; join an existing one.'],
    ],
    ['NICK_RATE_LIMIT', 'Wait 9 s', 'NICK', 'b', '438', ['b', 'Wait 9 s']],
    // No subject given: '*'.
    ['NICK_TAKEN', undefined, 'NICK', undefined, '433', ['*', 'Nickname is already in use']],
    // Anything else: 400 about the command, with the core's message...
    ['TEXT_TOO_LONG', 'At most 10 bytes', 'PRIVMSG', '#x', '400', ['PRIVMSG', 'At most 10 bytes']],
    [
      'STORE_FAILED',
      undefined,
      'PRIVMSG',
      undefined,
      '400',
      ['PRIVMSG', 'History storage failed; nothing was sent or changed.'],
    ],
    // ...but an internal error says nothing of what went wrong.
    ['INTERNAL_ERROR', 'db password wrong', 'JOIN', '#x', '400', ['JOIN', 'Internal error']],
  ])('%s (%s) from %s about %s: %s', (code, message, command, subject, numeric, params) => {
    const error = message === undefined ? new ChatError(code) : new ChatError(code, message);
    expect(errorReply(error, command, subject)).toEqual({ numeric, params });
  });
});

describe('errorReply subjects', () => {
  it('mends subjects that could not be a middle parameter, so the reply can be sent', () => {
    const error = new ChatError('BAD_MODE_PARAM', 'A key is 1 to 23 characters', {
      about: ['#dev', 'k', ''],
    });
    expect(errorReply(error, 'MODE').params.slice(0, 3)).toEqual(['#dev', 'k', '*']);
    const spaced = new ChatError('BAD_MODE_PARAM', 'not a valid mask', {
      about: ['#dev', 'b', 'a b'],
    });
    expect(errorReply(spaced, 'MODE').params[2]).toBe('a_b');
    const colon = new ChatError('BAD_MODE_PARAM', 'not a valid mask', {
      about: ['#dev', 'b', ':x'],
    });
    expect(errorReply(colon, 'MODE').params[2]).toBe('*');
  });
});
