import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from './envelope.js';

const member = (state: Record<string, unknown> | null) =>
  JSON.stringify({ v: 1, k: 'member', node: 'n1', key: 'alice', state });

const ALICE = { nick: 'alice', door: 'irc', hidden: false, rooms: ['#a'] };

describe('member envelopes', () => {
  it.each<[string, Record<string, unknown>]>([
    [
      'with a user name and host',
      { ...ALICE, username: '~alice', host: 'k3fq9a2m.7d0a1bc4.cloak' },
    ],
    // A node of the version before: its users get the defaults (see ClusterRoster).
    ['without them', ALICE],
  ])('are taken %s', (_, state) => {
    expect(decodeEnvelope(member(state))).toMatchObject({ k: 'member', state });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a user name that is not text', { ...ALICE, username: 7 }],
    ['an empty host', { ...ALICE, host: '' }],
    ['a host with a space', { ...ALICE, host: 'a b' }],
    ['a host with CR LF', { ...ALICE, host: 'a\r\nQUIT' }],
    ['a user name with "@"', { ...ALICE, username: '~a@b' }],
    ['a host of 65 characters', { ...ALICE, host: 'h'.repeat(65) }],
  ])('are refused with %s', (_, state) => {
    expect(decodeEnvelope(member(state))).toBe('bad member state');
  });
});

const event = (value: Record<string, unknown>) =>
  JSON.stringify({ v: 1, k: 'event', node: 'n1', event: value, audience: { rooms: ['#a'] } });

const MESSAGE = {
  type: 'message',
  id: 1,
  room: '#a',
  from: 'alice',
  text: 'hi',
  action: false,
  time: 1,
};
const TAGMSG = { type: 'tags', from: 'alice', to: '#a', private: false };

describe('client tags between nodes', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a message without tags', MESSAGE],
    ['a message with client tags', { ...MESSAGE, tags: { '+draft/reply': '#a/1', '+x': '' } }],
    ['a TAGMSG', { ...TAGMSG, tags: { '+typing': 'active' } }],
    ['tags of exactly 4094 bytes', { ...TAGMSG, tags: { '+t': 'v'.repeat(4094 - 3) } }],
    ['a message sent as a notice', { ...MESSAGE, notice: true }],
  ])('go with %s', (_, value) => {
    expect(decodeEnvelope(event(value))).toMatchObject({ k: 'event', event: value });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a TAGMSG without tags', TAGMSG, 'tags that are not an object'],
    ['tags in a list', { ...MESSAGE, tags: ['+x'] }, 'tags that are not an object'],
    ['a server tag', { ...MESSAGE, tags: { time: 'now' } }, 'a tag that is not a client tag'],
    ['a key with a space', { ...TAGMSG, tags: { '+a b': '' } }, 'a tag that is not a client tag'],
    ['a value that is a number', { ...TAGMSG, tags: { '+x': 1 } }, 'a tag value that is not text'],
    ['NUL in a value', { ...TAGMSG, tags: { '+x': 'a\0' } }, 'a tag value that is not text'],
    ['tags of 4095 bytes', { ...TAGMSG, tags: { '+t': 'v'.repeat(4092) } }, 'tags over 4094 bytes'],
    ['a TAGMSG without a target', { ...TAGMSG, to: '', tags: {} }, 'tags event with a bad to'],
    ['a notice mark that is not true', { ...MESSAGE, notice: 'yes' }, 'bad notice flag'],
  ])('are refused: %s', (_, value, why) => {
    expect(decodeEnvelope(event(value))).toBe(why);
  });
});

describe("server operators' events between nodes", () => {
  const anywhere = (value: Record<string, unknown>) =>
    JSON.stringify({ v: 1, k: 'event', node: 'n1', event: value, audience: {} });
  const KILL = { type: 'kill', nick: 'alice', target: 'bob', reason: 'Killed by alice (spam)' };
  const BAN = {
    type: 'server-ban',
    nick: 'alice',
    mask: 'bob!*@*',
    on: true,
    setAt: 1,
    expiresAt: 3_600_001,
    reason: 'spam',
  };

  it.each<[string, Record<string, unknown>]>([
    ['a kill', KILL],
    ['a server ban', BAN],
    ['a server ban until lifted', { ...BAN, expiresAt: undefined }],
    ['a lifted server ban', { ...BAN, on: false, reason: '' }],
    ['a WALLOPS', { type: 'wallops', nick: 'alice', text: 'hello' }],
  ])('go: %s', (_, value) => {
    expect(decodeEnvelope(anywhere(value))).toMatchObject({ k: 'event' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a kill without a target', { ...KILL, target: '' }, 'kill event with a bad target'],
    ['a server ban without a mask', { ...BAN, mask: 7 }, 'server-ban event with a bad mask'],
    [
      'a server ban with a bad expiry',
      { ...BAN, expiresAt: 'soon' },
      'server-ban event with a bad expiry',
    ],
    ['a WALLOPS without text', { type: 'wallops', nick: 'alice' }, 'wallops event with a bad text'],
  ])('are refused: %s', (_, value, why) => {
    expect(decodeEnvelope(anywhere(value))).toBe(why);
  });

  it('carry who is a server operator in member states', () => {
    expect(decodeEnvelope(member({ ...ALICE, operator: true }))).toMatchObject({
      state: { operator: true },
    });
    expect(decodeEnvelope(member({ ...ALICE, operator: 'yes' }))).toBe('bad member state');
  });
});
