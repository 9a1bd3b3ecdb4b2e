import { describe, expect, it } from 'vitest';
import { CAP_AWAY_NOTIFY, CAP_ECHO_MESSAGE, CAP_MESSAGE_TAGS } from './caps.js';
import { isShown, type SharedEvent } from './shown.js';

const privateMessage = (from: string, to: string): SharedEvent => ({
  type: 'private',
  id: 1,
  from,
  to,
  text: 'x',
  action: false,
  time: 0,
});
const tags = (from: string, to: string, isPrivate: boolean): SharedEvent => ({
  type: 'tags',
  from,
  to,
  private: isPrivate,
  tags: { '+typing': 'active' },
});

describe('what an IRC client is shown', () => {
  it.each<[string, SharedEvent, string, number, boolean]>([
    ['a private message to me', privateMessage('Bob', 'Me'), 'me', 0, true],
    ['my own, without echo-message', privateMessage('ME', 'bob'), 'me', 0, false],
    ['my own, with echo-message', privateMessage('me', 'bob'), 'me', CAP_ECHO_MESSAGE, true],
    ['my own to myself', privateMessage('me', 'Me'), 'me', 0, true],
    [
      'an away change, without away-notify',
      { type: 'away', nick: 'bob', message: 'x' },
      'me',
      0,
      false,
    ],
    [
      'an away change, with it',
      { type: 'away', nick: 'bob', message: 'x' },
      'me',
      CAP_AWAY_NOTIFY,
      true,
    ],
    ['tags, without message-tags', tags('bob', '#a', false), 'me', CAP_ECHO_MESSAGE, false],
    ['tags to a room I am in', tags('bob', '#a', false), 'me', CAP_MESSAGE_TAGS, true],
    ['my own tags to a room', tags('me', '#a', false), 'me', CAP_MESSAGE_TAGS, false],
    ['my own, echoed', tags('me', '#a', false), 'me', CAP_MESSAGE_TAGS | CAP_ECHO_MESSAGE, true],
    ['tags to me', tags('bob', 'me', true), 'me', CAP_MESSAGE_TAGS, true],
    ['my own tags to bob', tags('me', 'bob', true), 'me', CAP_MESSAGE_TAGS, false],
    ['a join', { type: 'join', room: '#a', nick: 'me' }, 'me', 0, true],
  ])('%s', (_, event, viewer, caps, shown) => {
    expect(isShown(event, viewer, caps)).toBe(shown);
  });
});
